/**
 * Cost of one DecisionEngine.decide() for a contextual decision beside a plain one, in one run:
 *
 *   thompson            100 offers, Beta posteriors with learned counts
 *   logistic-thompson   100 offers, 32 numeric request-context features (33 columns with the bias),
 *                       weights at the prior (no weight table yet), and with learned weights
 *                       (ContextualLearner over synthetic outcomes, i.e. the server's own update path)
 *
 * The engine is built the way a worker builds it: kernel from getKernel(), arms read through an
 * ArenaReader over the shared-memory arena an ArenaWriter filled, campaigns from a plain source, and
 * a feature reader with no fields (every feature comes from the request context, so no LMDB snapshot
 * is involved). Requests cycle through a fixed pool of customers and contexts (fixed seed), so the
 * context parsing, vector build, kernel call and result objects are all in the measured cost.
 *
 * Besides benchmark.js's wall-clock figures, each case is timed again in CPU time of this process
 * (process.cpuUsage), which a busy shared machine disturbs less.
 *
 *   node dist/bench/micro/contextual.js [--json FILE] [--max-time SECONDS] [--num-offers N] [--with-fallback]
 */
import { InvalidArgumentError } from 'commander';
import { microCommand, parseMicro } from './args';
import * as fs from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import Benchmark from 'benchmark';
import { parseCampaign } from '../../src/campaigns/schema';
import type { CampaignConfig } from '../../src/campaigns/types';
import { DecisionEngine } from '../../src/engine/engine';
import type { EngineRequest } from '../../src/engine/types';
import { compileSchema, decodeValue } from '../../src/features/schema';
import type { CompiledSchema, FeatureReader } from '../../src/features/types';
import { createFallbackKernel, getKernel, loadNative, type Kernel } from '../../src/kernel/index';
import { CONTEXTUAL_SEGMENT, contextualName } from '../../src/contextual/layout';
import { ArenaReader, ArenaWriter } from '../../src/store/arena';
import { ContextualLearner } from '../../src/store/contextual';
import type { DecisionRecord } from '../../src/store/types';
import { mulberry32 as rng } from '../../src/shared/mulberry32';
import { cpuNsPerCall } from './cpu';

const DEFAULTS = { maxTime: 3, numOffers: 1, offers: 100, features: 32, pool: 256, learnOutcomes: 20_000, seed: 7 } as const;

interface Args {
  readonly json: string | null;
  readonly maxTime: number;
  readonly numOffers: number;
  readonly withFallback: boolean;
}

interface Result {
  readonly name: string;
  readonly policy: string;
  readonly kernel: string;
  readonly offers: number;
  readonly features: number;
  readonly columns: number;
  readonly weights: 'n/a' | 'prior' | 'learned';
  readonly numOffers: number;
  readonly nsPerDecision: number;
  readonly usPerDecision: number;
  readonly opsPerSec: number;
  /** relative margin of error of opsPerSec, in percent */
  readonly rme: number;
  readonly samples: number;
  /** nanoseconds of process CPU time per decision, measured separately */
  readonly cpuNsPerDecision: number;
}

function parseArgs(argv: string[]): Args {
  const cmd = microCommand('bench:contextual', DEFAULTS.maxTime)
    .option('--num-offers <n>', 'offers per decision', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > DEFAULTS.offers) throw new InvalidArgumentError(`--num-offers must be an integer in [1, ${DEFAULTS.offers}]`);
      return n;
    }, DEFAULTS.numOffers as number)
    .option('--with-fallback', 'also measure the TypeScript kernel');
  const o = parseMicro<{ numOffers: number; withFallback?: boolean }>(cmd, argv);
  return { json: o.json, maxTime: o.maxTime, numOffers: o.numOffers, withFallback: o.withFallback === true };
}


/** No stored fields: every feature of the benchmark comes from the request context. */
class ContextOnlyReader implements FeatureReader {
  readonly snapshotId = 'bench-empty';
  readonly schema: CompiledSchema = compileSchema({ fields: [] });
  read(_customerId: string, out: Float64Array): boolean {
    out.set(this.schema.defaults);
    return false;
  }
  value(record: Float64Array, i: number): number | string {
    return decodeValue(this.schema, record, i);
  }
  close(): void {}
}

const featureName = (i: number): string => `f${String(i).padStart(2, '0')}`;
const offerIds = Array.from({ length: DEFAULTS.offers }, (_, i) => `offer-${String(i).padStart(3, '0')}`);

function plainCampaign(): CampaignConfig {
  return parseCampaign({ name: 'plain', policy: 'thompson', offers: offerIds.map((id) => ({ id })) }, 'bench');
}

function contextualCampaign(name: string): CampaignConfig {
  return parseCampaign(
    {
      name,
      policy: 'logistic-thompson',
      features: Array.from({ length: DEFAULTS.features }, (_, i) => ({ name: featureName(i), source: 'context', type: 'numeric', default: 0 })),
      offers: offerIds.map((id) => ({ id })),
    },
    'bench',
  );
}

/** Request pool: customers and context values fixed by the seed; values as strings, as gRPC delivers them. */
function requestPool(campaign: string, numOffers: number, rand: () => number): EngineRequest[] {
  return Array.from({ length: DEFAULTS.pool }, (_, r) => {
    const context: Record<string, string> = {};
    for (let i = 0; i < DEFAULTS.features; i++) context[featureName(i)] = (rand() * 2 - 1).toFixed(4);
    return { campaign, customerId: `cust-${r}`, channel: 'app', context, numOffers, excludeOffers: [] };
  });
}

/** Learned Beta counts for every offer of the plain campaign (impressions in the thousands, CTR a few %). */
function fillPlain(arena: ArenaWriter, c: CampaignConfig, rand: () => number): void {
  arena.syncOffers(c.name, c.offers.map((o) => ({ id: o.id, priorAlpha: o.priorAlpha, priorBeta: o.priorBeta })));
  const t = arena.ensureTable(c.name, '');
  const slots = arena.slots(c.name)!;
  for (const o of c.offers) {
    const s = slots.get(o.id)!;
    const n = 1000 + Math.floor(rand() * 9000);
    const wins = Math.floor(n * (0.01 + rand() * 0.05));
    t.alpha[s] = o.priorAlpha + wins;
    t.beta[s] = o.priorBeta + n - wins;
  }
  arena.markWritten(c.name, '');
}

/**
 * Contextual weights learned by the server's own path (ContextualLearner.observe, batches of
 * batchSize): outcomes of random offers under random pool contexts, rewards from hidden true weights.
 */
function learnWeights(learner: ContextualLearner, c: CampaignConfig, pool: readonly EngineRequest[], rand: () => number): void {
  const dim = DEFAULTS.features + 1;
  const truth = Float64Array.from({ length: c.offers.length * dim }, () => (rand() * 2 - 1) * 0.5);
  for (let o = 0; o < c.offers.length; o++) truth[o * dim] = -3 + rand(); // bias: a CTR of a few percent
  for (let n = 0; n < DEFAULTS.learnOutcomes; n++) {
    const req = pool[Math.floor(rand() * pool.length)]!;
    const o = Math.floor(rand() * c.offers.length);
    const x = [1];
    for (let i = 0; i < DEFAULTS.features; i++) x.push(Number(req.context[featureName(i)]));
    let z = 0;
    for (let i = 0; i < dim; i++) z += truth[o * dim + i]! * x[i]!;
    const reward = rand() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    const rec: DecisionRecord = {
      id: `d${n}`, ts: 0, campaign: c.name, customerId: req.customerId, channel: req.channel, segment: '', route: 'default',
      policy: 'logistic-thompson', configVersion: c.version, modelVersion: '', control: false,
      offers: [{ offerId: c.offers[o]!.id, score: 0, probability: 0, propensity: 1 }], features: x,
    };
    learner.observe(rec, c.offers[o]!.id, reward);
  }
  learner.flush();
}

/** The cases must measure what they say: no weight table at the prior, moved weights after learning. */
function checkWeights(arena: ArenaWriter, atPrior: CampaignConfig, learned: CampaignConfig): void {
  if (arena.arms(contextualName(atPrior.name), CONTEXTUAL_SEGMENT) !== null) throw new Error('the prior case has a weight table');
  const entry = arena.arms(contextualName(learned.name), CONTEXTUAL_SEGMENT);
  const t = entry?.table;
  let moved = 0;
  if (t !== undefined) for (let s = 0; s < t.k; s++) if (t.alpha[s] !== 0) moved++;
  if (t === undefined || moved < t.k / 2) throw new Error(`learning moved ${moved} weights of ${t?.k ?? 0}`);
}

interface Case {
  readonly name: string;
  readonly campaign: CampaignConfig;
  readonly weights: Result['weights'];
  readonly features: number;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const loadBefore = loadavg();
  const rand = rng(DEFAULTS.seed);

  const arena = new ArenaWriter();
  const learner = new ContextualLearner(arena);
  const plain = plainCampaign();
  const atPrior = contextualCampaign('ctx-prior');
  const learned = contextualCampaign('ctx-learned');
  fillPlain(arena, plain, rand);
  learner.sync(atPrior);
  learner.sync(learned);
  const pools = new Map<string, EngineRequest[]>();
  for (const c of [plain, atPrior, learned]) pools.set(c.name, requestPool(c.name, args.numOffers, rand));
  learnWeights(learner, learned, pools.get(learned.name)!, rand);
  arena.publish();
  checkWeights(arena, atPrior, learned);

  const cases: Case[] = [
    { name: 'thompson', campaign: plain, weights: 'n/a', features: 0 },
    { name: 'logistic-thompson prior', campaign: atPrior, weights: 'prior', features: DEFAULTS.features },
    { name: 'logistic-thompson learned', campaign: learned, weights: 'learned', features: DEFAULTS.features },
  ];
  const campaigns = new Map([plain, atPrior, learned].map((c) => [c.name, c]));
  const kernel0 = getKernel();
  const kernels: Array<[string, Kernel]> = [[kernel0 === loadNative() ? 'native' : 'fallback', kernel0]];
  if (args.withFallback) kernels.push(['fallback', createFallbackKernel()]);

  const suite = new Benchmark.Suite('contextual');
  const meta: Array<{ c: Case; kernel: string; fn: () => void }> = [];
  const options = { maxTime: args.maxTime, minSamples: 10 };
  let sink = 0;
  for (const [kernelName, kernel] of kernels) {
    kernel.seed(DEFAULTS.seed);
    // One engine per kernel, as one per worker thread; it reads the arena like a worker does.
    const engine = new DecisionEngine({
      kernel,
      features: new ContextOnlyReader(),
      arms: new ArenaReader(arena.handles),
      campaigns: { get: (name) => campaigns.get(name) },
    });
    for (const c of cases) {
      const pool = pools.get(c.campaign.name)!;
      let r = 0;
      const fn = (): void => {
        const res = engine.decide(pool[r]!);
        r = (r + 1) & (DEFAULTS.pool - 1);
        sink += res.offers[0]!.score;
      };
      // Fails here, not inside benchmark.js, when the setup is wrong.
      const first = engine.decide(pool[0]!);
      const cols = first.features?.length ?? 0;
      if (first.policy !== c.campaign.policy || cols !== (c.features === 0 ? 0 : c.features + 1)) {
        throw new Error(`${c.name}: policy ${first.policy} with ${cols} feature columns`);
      }
      suite.add(`${c.name} [${kernelName}]`, fn, options);
      meta.push({ c, kernel: kernelName, fn });
    }
  }

  const results: Result[] = [];
  suite.on('cycle', (event: Benchmark.Event) => {
    const b = event.target as unknown as Benchmark;
    const m = meta[results.length]!;
    const ns = 1e9 / b.hz!;
    results.push({
      name: m.c.name, policy: m.c.campaign.policy, kernel: m.kernel, offers: m.c.campaign.offers.length, features: m.c.features,
      columns: m.c.features === 0 ? 0 : m.c.features + 1, weights: m.c.weights, numOffers: args.numOffers,
      nsPerDecision: ns, usPerDecision: ns / 1000, opsPerSec: b.hz!, rme: b.stats!.rme, samples: b.stats!.sample.length,
      cpuNsPerDecision: cpuNsPerCall(m.fn, Math.min(1, args.maxTime / 2)),
    });
    process.stderr.write(`  ${String(b)}\n`);
  });
  suite.run({ async: false });
  if (Number.isNaN(sink)) console.log(sink); // keeps the decisions observable

  const machine = { loadavgBefore: loadBefore, loadavgAfter: loadavg(), node: process.version };
  printTable(results);
  console.log(`load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${machine.loadavgAfter.map((x) => x.toFixed(2)).join(' ')}`);
  if (args.json) {
    fs.mkdirSync(path.dirname(path.resolve(args.json)), { recursive: true });
    fs.writeFileSync(args.json, `${JSON.stringify({ machine, results }, null, 2)}\n`);
    console.log(`wrote ${args.json}`);
  }
}

function printTable(results: readonly Result[]): void {
  const base = (kernel: string) => results.find((x) => x.kernel === kernel && x.weights === 'n/a');
  const rows = [['case', 'kernel', 'offers', 'features', 'ns/decision', 'us/decision', 'ops/s', '±%', 'cpu us/decision', 'vs thompson']];
  for (const r of results) {
    const b = base(r.kernel);
    rows.push([
      r.name, r.kernel, String(r.offers), String(r.features), r.nsPerDecision.toFixed(0), r.usPerDecision.toFixed(2),
      r.opsPerSec.toFixed(0), r.rme.toFixed(1), (r.cpuNsPerDecision / 1000).toFixed(2), b ? `${(r.nsPerDecision / b.nsPerDecision).toFixed(2)}x` : '',
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

main();
