import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignStats__Output } from '../../../src/generated/nudge/v1/CampaignStats';
import type { DecideBatchResponse__Output } from '../../../src/generated/nudge/v1/DecideBatchResponse';
import type { DecideResponse__Output } from '../../../src/generated/nudge/v1/DecideResponse';
import type { DecisionServiceClient } from '../../../src/generated/nudge/v1/DecisionService';
import type { OutcomeAck__Output } from '../../../src/generated/nudge/v1/OutcomeAck';
import type { RedisStore } from '../../../src/store/redis/redis-store';
import { killAll, spawnServer, streamOutcomes, type StreamedOutcome } from '../../hardening/helpers';
import { call, callError, campaignFile, clients, startTestServer, tempDir, waitFor, writeCampaigns, type TestServer } from '../../server/helpers';
import { startRedis, startRedisCluster, type RedisClusterProc, type RedisProc } from '../../support/redis';

/**
 * What must survive on a shared Redis store: a replica killed with -9 in the middle of a stream, Redis
 * itself killed with -9 (appendfsync always), Redis down for 10 s under load, and several sweepers.
 * Each runs against a single server and against a 3-master cluster.
 */
interface Backend {
  readonly url: string;
  kill9(): Promise<void>;
  /** Brings back what kill9 or down took away, on the same data. */
  restart(): Promise<void>;
  /** Stops it (data kept) until restart. */
  down(): Promise<void>;
  stop(): Promise<void>;
}

function single(r: RedisProc): Backend {
  return { url: r.url, kill9: () => r.kill9(), restart: () => r.restart(), down: () => r.shutdown(), stop: () => r.stop() };
}

function cluster(c: RedisClusterProc): Backend {
  return { url: c.url, kill9: () => c.kill9All(), restart: () => c.restartAll(), down: () => c.kill9All(), stop: () => c.stop() };
}

const backends: Array<[string, () => Promise<Backend>]> = [
  ['a single Redis server', async () => single(await startRedis({ appendfsync: 'always' }))],
  ['a 3-master Redis Cluster', async () => cluster(await startRedisCluster({ appendfsync: 'always' }))],
];

type Out = StreamedOutcome;
const stream = streamOutcomes;

const stats = (admin: TestServer['admin'], campaign: string) => call<object, CampaignStats__Output>(admin.GetCampaignStats.bind(admin), { campaign });
const outcomesOf = (s: CampaignStats__Output): number => s.treatment!.outcomes + s.control!.outcomes;

async function decideMany(d: DecisionServiceClient, campaign: string, n: number, prefix: string): Promise<Out[]> {
  const out: Out[] = [];
  for (let b = 0; b < n; b += 1000) {
    const ids = Array.from({ length: Math.min(1000, n - b) }, (_, i) => `${prefix}-${b + i}`);
    const res = await call<object, DecideBatchResponse__Output>(d.DecideBatch.bind(d), { campaign, customerIds: ids });
    for (const x of res.decisions) out.push({ decisionId: x.decisionId, offerId: x.offers[0]!.offerId, reward: out.length % 4 === 0 ? 1 : 0 });
  }
  return out;
}

/** Resends everything until Redis takes it; returns the summed summary. */
async function resendAll(d: DecisionServiceClient, outcomes: readonly Out[]): Promise<{ applied: number; duplicate: number; unknown: number }> {
  const sum = { applied: 0, duplicate: 0, unknown: 0 };
  for (let b = 0; b < outcomes.length; b += 5000) {
    const part = outcomes.slice(b, b + 5000);
    for (let attempt = 0; ; attempt++) {
      try {
        const s = await stream(d, part);
        sum.applied += s.applied;
        sum.duplicate += s.duplicate;
        sum.unknown += s.unknownDecision;
        break;
      } catch (err) {
        // UNAVAILABLE while the store reconnects: a client retries, outcomes being idempotent.
        if ((err as grpc.ServiceError).code !== grpc.status.UNAVAILABLE || attempt > 100) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  return sum;
}

afterEach(killAll);

describe.each(backends)('failures on %s', (_name, start) => {
  it('kill -9 of a replica in the middle of a StreamOutcomes; everything resent to the other: none lost, none counted twice', async () => {
    const redis = await start();
    const campaignsDir = tempDir('campaigns');
    writeCampaigns(campaignsDir, [campaignFile('k9r', ['a', 'b', 'c'])]);
    const env = (tag: string) => ({ NUDGE_STORE: redis.url, NUDGE_CAMPAIGNS: campaignsDir, NUDGE_DATA_DIR: tempDir(tag), NUDGE_METRICS_LISTEN: 'off', NUDGE_SYNC_MS: '50' });
    const [pa, pb] = await Promise.all([spawnServer(env('a')), spawnServer(env('b'))]);
    const a = clients(pa.address);
    const b = clients(pb.address);
    try {
      const N = 20_000;
      const outcomes = await decideMany(a.decisions, 'k9r', N, 'k9r');
      await new Promise((r) => setTimeout(r, 200));
      let killed = false;
      const died = stream(a.decisions, outcomes, (n) => {
        if (n === N / 2 && !killed) {
          killed = true;
          pa.proc.kill('SIGKILL');
        }
      });
      await expect(died).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
      const sum = await resendAll(b.decisions, outcomes);
      expect(sum.unknown).toBe(0);
      expect(sum.applied + sum.duplicate).toBe(N);
      await waitFor(async () => outcomesOf(await stats(b.admin, 'k9r')) === N, 10_000);
      const s = await stats(b.admin, 'k9r');
      expect(s.treatment!.rewards + s.control!.rewards).toBe(N / 4);
    } finally {
      a.decisions.close();
      b.decisions.close();
      a.admin.close();
      b.admin.close();
      await redis.stop();
    }
  }, 120_000);

  it('kill -9 of Redis (appendfsync always) in the middle of a stream; restarted and resent: none lost, none counted twice', async () => {
    const redis = await start();
    const campaignsDir = tempDir('campaigns');
    writeCampaigns(campaignsDir, [campaignFile('k9s', ['a', 'b', 'c'])]);
    const t = await startTestServer([], { store: redis.url, syncMs: 50 }, { campaignsDir });
    try {
      const N = 20_000;
      const outcomes = await decideMany(t.decisions, 'k9s', N, 'k9s');
      await new Promise((r) => setTimeout(r, 200));
      let applied = 0;
      let killing: Promise<void> | null = null;
      try {
        const s = await stream(t.decisions, outcomes, (n) => {
          if (n === N / 2 && killing === null) killing = redis.kill9();
        });
        applied = s.applied;
      } catch (err) {
        expect((err as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
      }
      await killing;
      const outage = await call<object, DecideResponse__Output>(t.decisions.Decide.bind(t.decisions), { campaign: 'k9s', customerId: 'during' });
      expect(outage.offers.length).toBe(1);
      await redis.restart();
      const sum = await resendAll(t.decisions, outcomes);
      expect(sum.unknown).toBe(0);
      expect(sum.applied + sum.duplicate).toBe(N);
      // What Redis acknowledged before it was killed was fsynced: counted once, never twice.
      expect(sum.duplicate).toBeGreaterThanOrEqual(applied);
      await waitFor(async () => outcomesOf(await stats(t.admin, 'k9s')) === N, 15_000);
    } finally {
      await t.stop();
      await redis.stop();
    }
  }, 120_000);

  it('Redis down for 10 s under load: Decide keeps answering, outcomes get UNAVAILABLE, spooled decisions join their outcomes after', async () => {
    const redis = await start();
    const t = await startTestServer([campaignFile('down', ['a', 'b', 'c'])], { store: redis.url, syncMs: 50 });
    const store = t.server.store as RedisStore;
    try {
      const before = await call<object, DecideResponse__Output>(t.decisions.Decide.bind(t.decisions), { campaign: 'down', customerId: 'before' });
      await new Promise((r) => setTimeout(r, 100));
      await redis.down();
      const during: DecideResponse__Output[] = [];
      const end = Date.now() + 10_000;
      let outcomeErr: grpc.ServiceError | null = null;
      while (Date.now() < end) {
        during.push(await call<object, DecideResponse__Output>(t.decisions.Decide.bind(t.decisions), { campaign: 'down', customerId: `d${during.length}` }, { deadline: Date.now() + 2000 }));
        if (during.length % 50 === 0) {
          outcomeErr ??= await callError(t.decisions.ReportOutcome.bind(t.decisions), { decisionId: before.decisionId, offerId: before.offers[0]!.offerId, reward: 1 });
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(during.length).toBeGreaterThan(100);
      expect(outcomeErr?.code).toBe(grpc.status.UNAVAILABLE);
      expect(outcomeErr?.details).toContain('NUDGE_STORE_UNAVAILABLE');
      expect(store.health().degraded).toBe(true);
      expect(store.metrics().spooledDecisions).toBeGreaterThan(0);
      await redis.restart();
      await waitFor(() => store.metrics().spooledDecisions === 0 && !store.health().degraded, 30_000);
      const acks = await Promise.all(
        [before, ...during].map((d) => call<object, OutcomeAck__Output>(t.decisions.ReportOutcome.bind(t.decisions), { decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: 1 })),
      );
      expect(acks.filter((x) => x.status !== 'APPLIED')).toEqual([]);
      await waitFor(async () => outcomesOf(await stats(t.admin, 'down')) === during.length + 1, 10_000);
      const s = await stats(t.admin, 'down');
      expect(s.treatment!.decisions).toBe(during.length + 1);
    } finally {
      await t.stop();
      await redis.stop();
    }
  }, 120_000);

  it('with both replicas sweeping, every expired decision gets its default reward exactly once', async () => {
    const redis = await start();
    const campaignsDir = tempDir('campaigns');
    writeCampaigns(campaignsDir, [campaignFile('sweep', ['a', 'b'], { reward_wait_ms: 300, default_reward: 0 })]);
    const opts = { store: redis.url, syncMs: 50, sweepMs: 20 };
    const a = await startTestServer([], opts, { campaignsDir });
    const b = await startTestServer([], opts, { campaignsDir });
    try {
      const N = 400;
      await decideMany(a.decisions, 'sweep', N / 2, 'sa');
      await decideMany(b.decisions, 'sweep', N / 2, 'sb');
      await waitFor(async () => outcomesOf(await stats(a.admin, 'sweep')) >= N, 20_000);
      await new Promise((r) => setTimeout(r, 500));
      const sa = await stats(a.admin, 'sweep');
      expect(outcomesOf(sa)).toBe(N);
      const applied = (t: TestServer) => (t.server.store as RedisStore).metrics().defaultRewardsApplied;
      expect(applied(a) + applied(b)).toBe(N);
    } finally {
      await a.stop();
      await b.stop();
      await redis.stop();
    }
  }, 120_000);
});
