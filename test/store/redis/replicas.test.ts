import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignStats__Output } from '../../../src/generated/nudge/v1/CampaignStats';
import type { DecideResponse__Output } from '../../../src/generated/nudge/v1/DecideResponse';
import type { OutcomeAck__Output } from '../../../src/generated/nudge/v1/OutcomeAck';
import { call, campaignFile, rng, startTestServer, tempDir, waitFor, type TestServer } from '../../server/helpers';
import { startRedis, startRedisCluster } from '../../support/redis';

/**
 * Two Nudge replicas on different ports share one Redis (a single server, then a 3-master cluster):
 * what a production pair behind a load balancer must do.
 */
interface Backend {
  url: string;
  stop(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  ['single Redis server', async () => startRedis()],
  ['3-master Redis Cluster', async () => startRedisCluster()],
];

describe.each(backends)('two replicas on a %s', (_name, start) => {
  let redis: Backend;
  let a: TestServer;
  let b: TestServer;
  const base = campaignFile('shared', ['x', 'y', 'z'], { reward_wait_ms: 0 });

  beforeAll(async () => {
    redis = await start();
    const opts = { store: redis.url, syncMs: 50 };
    const campaignsDir = tempDir('campaigns');
    a = await startTestServer([base], opts, { campaignsDir });
    b = await startTestServer([], opts, { campaignsDir });
  }, 60_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
  });

  const decide = (t: TestServer, campaign: string, customer: string) =>
    call<object, DecideResponse__Output>(t.decisions.Decide.bind(t.decisions), { campaign, customerId: customer, channel: 'web' });
  const report = (t: TestServer, decisionId: string, offerId: string, reward: number) =>
    call<object, OutcomeAck__Output>(t.decisions.ReportOutcome.bind(t.decisions), { decisionId, offerId, reward });
  const stats = (t: TestServer, campaign: string) => call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign });

  it('serves on B, within 1 s, a campaign put on A', async () => {
    const started = Date.now();
    await call(a.admin.PutCampaign.bind(a.admin), { name: 'put-on-a', offers: [{ id: 'p' }, { id: 'q' }] });
    await waitFor(async () => {
      try {
        await decide(b, 'put-on-a', 'c1');
        return true;
      } catch {
        return false;
      }
    }, 5000, 20);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('joins an outcome on B to a decision of A; the same outcome again on A is DUPLICATE', async () => {
    const d = await decide(a, 'shared', 'c2');
    await new Promise((r) => setTimeout(r, 50));
    const first = await report(b, d.decisionId, d.offers[0]!.offerId, 1);
    expect(first.status).toBe('APPLIED');
    const again = await report(a, d.decisionId, d.offers[0]!.offerId, 1);
    expect(again.status).toBe('DUPLICATE');
  });

  it('converges on the best of three offers with decisions alternating between replicas, and both report the same stats', async () => {
    const p: Record<string, number> = { x: 0.1, y: 0.3, z: 0.6 };
    const random = rng(7);
    // Rounds of 20: decide on alternating replicas, then report each outcome to the other replica
    // 60 ms later (an outcome must join when it arrives 50 ms or more after its Decide).
    for (let round = 0; round < 30; round++) {
      const made = await Promise.all(
        Array.from({ length: 20 }, async (_, j) => {
          const i = round * 20 + j;
          const t = i % 2 === 0 ? a : b;
          return { d: await decide(t, 'shared', `conv-${i}`), other: t === a ? b : a };
        }),
      );
      await new Promise((r) => setTimeout(r, 60));
      const acks = await Promise.all(made.map(({ d, other }) => report(other, d.decisionId, d.offers[0]!.offerId, random() < p[d.offers[0]!.offerId]! ? 1 : 0)));
      expect(acks.map((x) => x.status)).toEqual(acks.map(() => 'APPLIED'));
    }
    let last = '';
    await waitFor(async () => {
      const [sa, sb] = await Promise.all([stats(a, 'shared'), stats(b, 'shared')]);
      last = `${JSON.stringify(sa)}\n${JSON.stringify(sb)}`;
      return JSON.stringify(sa) === JSON.stringify(sb) && sa.offers.reduce((n, o) => n + Number(o.impressions), 0) >= 601;
    }, 10_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${last}`);
    });
    const s = await stats(a, 'shared');
    const best = [...s.offers].sort((u, v) => Number(v.pBest) - Number(u.pBest))[0]!;
    expect(best.offerId).toBe('z');
    const z = s.offers.find((o) => o.offerId === 'z')!;
    expect(Number(z.impressions)).toBeGreaterThan(300);
  });
});
