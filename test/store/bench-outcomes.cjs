// Throughput of durable outcome processing (not a test: `node test/store/bench-outcomes.cjs`).
// 100k decisions (3 offers each) are logged and committed; then 8 concurrent callers send batches of
// 1000 outcomes through applyOutcomes; every batch is acknowledged after its group commit.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
require(path.join(__dirname, '..', 'support', 'ts-register.cjs'));
const { openLmdbStore } = require(path.join(__dirname, '..', '..', 'src', 'store', 'lmdb-store.ts'));
const { newDecisionId } = require(path.join(__dirname, '..', '..', 'src', 'decisions', 'id.ts'));

const N = Number(process.env.N || 100_000);
const BATCH = Number(process.env.BATCH || 1000);
const CALLERS = Number(process.env.CALLERS || 8);
const offers = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, attributes: {}, priorAlpha: 1, priorBeta: 1, value: 1, weight: 1, eligibility: null }));
const campaign = {
  name: 'bench', description: '', policy: 'thompson', policyParams: {}, offers, controlShare: 0, defaultOffer: 'a',
  rewardWaitMs: 0, defaultReward: 0, decay: { halfLife: 1000, unit: 'events' }, segmentBy: [], routing: [],
  fatigue: { maxPerOffer: 0, maxPerCampaign: 0, windowMs: 0, cooldownAfterIgnored: 0, cooldownMs: 0 }, salt: 's', version: 1,
};

async function run(ackOn) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-bench-'));
  const store = await openLmdbStore({ dataDir, ackOn });
  store.syncCampaign(campaign);
  const ids = [];
  let t = performance.now();
  for (let i = 0; i < N; i++) {
    const id = newDecisionId();
    ids.push(id);
    store.logDecision({
      id, ts: Date.now(), campaign: 'bench', customerId: `c${i}`, channel: 'web', segment: `s${i % 10}`, route: 'default',
      policy: 'thompson', configVersion: 1, modelVersion: '', control: i % 20 === 0,
      offers: [0, 1, 2].map((k) => ({ offerId: offers[(i + k) % 5].id, score: 0.3, probability: 0.2, propensity: 0.33 })),
    });
    if (i % 5000 === 4999) await new Promise((r) => setImmediate(r));
  }
  await store.flush();
  const logSec = (performance.now() - t) / 1000;
  let next = 0;
  let applied = 0;
  t = performance.now();
  async function caller() {
    while (next < ids.length) {
      const batch = ids.slice(next, next + BATCH);
      next += batch.length;
      const res = await store.applyOutcomes(batch.map((decisionId, j) => ({ decisionId, offerId: offers[(next + j) % 5].id, reward: j % 3 === 0 ? 1 : 0, timestampMs: 0 })));
      for (const r of res) if (r.status === 'APPLIED' || r.status === 'INVALID') applied += 1;
    }
  }
  await Promise.all(Array.from({ length: CALLERS }, caller));
  const sec = (performance.now() - t) / 1000;
  const m = store.metrics();
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(`ackOn=${ackOn}: decisions logged+committed ${Math.round(N / logSec)}/s; outcomes ${Math.round(N / sec)}/s durable ` +
    `(${N} in ${sec.toFixed(2)} s, ${m.commits} commits total, batch ${BATCH}, ${CALLERS} callers, ${applied} processed)`);
}

(async () => {
  await run('flushed');
  await run('committed');
})();
