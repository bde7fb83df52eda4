import { describe, expect, it } from 'vitest';
import { parseCampaign } from '../../src/campaigns/schema';
import { optionsFromEnv } from '../../src/config';
import { newDecisionId } from '../../src/decisions/id';
import { openLmdbStore } from '../../src/store/lmdb-store';
import { RedisStore } from '../../src/store/redis/redis-store';
import { idAtTime, retentionCutoff } from '../../src/store/retention';
import { readDecisions } from '../../src/store/export';
import type { DecisionRecord, LearningStore } from '../../src/store/types';
import { tempDir } from '../server/helpers';
import { decision } from './helpers';
import { startRedis } from '../support/redis';

const campaign = (wait: number) => parseCampaign({ name: 'ret', offers: [{ id: 'a' }, { id: 'b' }], reward_wait_ms: wait }, 'test');

/** One decision of campaign 'ret' showing offer a, made now. */
const rec = (): DecisionRecord => decision('ret', ['a'], { segment: '' });

describe('decision-log retention', () => {
  it('orders cut-off ids like decision ids, and never cuts before the longest reward wait', () => {
    const id = newDecisionId();
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(idAtTime(ms) <= id).toBe(true);
    expect(idAtTime(ms + 1) > id).toBe(true);
    expect(retentionCutoff(10_000_000, 1000, 0)).toBe(10_000_000 - 1000);
    expect(retentionCutoff(10_000_000, 1000, 3_600_000)).toBe(10_000_000 - 3_660_000);
  });

  it('reads NUDGE_DECISION_RETENTION as a duration', () => {
    expect(optionsFromEnv({ NUDGE_DECISION_RETENTION: '12h' }).decisionRetentionMs).toBe(12 * 3_600_000);
    expect(optionsFromEnv({ NUDGE_DECISION_RETENTION: '45000' }).decisionRetentionMs).toBe(45_000);
    expect(optionsFromEnv({}).decisionRetentionMs).toBe(30 * 86_400_000);
    expect(() => optionsFromEnv({ NUDGE_DECISION_RETENTION: 'a week' })).toThrow(/NUDGE_DECISION_RETENTION must be a duration/);
  });

  it('embedded store: removes old decisions with their outcomes; their outcomes are then UNKNOWN_DECISION; newer ones stay', async () => {
    const store = await openLmdbStore({ dataDir: tempDir('ret'), decisionRetentionMs: 1000, retentionIntervalMs: 3_600_000 });
    store.syncCampaign(campaign(0));
    const old = [rec(), rec()];
    for (const r of old) store.logDecision(r);
    const applied = await store.applyOutcomes([{ decisionId: old[0]!.id, offerId: 'a', reward: 1, timestampMs: 0 }]);
    expect(applied[0]!.status).toBe('APPLIED');
    await store.flush();
    // As if 2 s had passed: the old decisions are past the 1 s retention.
    await store.applyRetention(Date.now() + 2000);
    const fresh = rec();
    store.logDecision(fresh);
    await store.flush();
    expect(store.metrics().retentionRemoved).toBe(2);
    const kept = [...readDecisions((store as unknown as { dbs: Parameters<typeof readDecisions>[0] }).dbs)].map((d) => d.id);
    expect(kept).toEqual([fresh.id]);
    const late = await store.applyOutcomes([{ decisionId: old[1]!.id, offerId: 'a', reward: 1, timestampMs: 0 }]);
    expect(late[0]!.status).toBe('UNKNOWN_DECISION');
    // Counters (learned aggregates) are kept.
    expect(store.counters('ret').offers.find((o) => o.offerId === 'a')!.rewards).toBe(1);
    await store.close();
  });

  it('embedded store: a reward wait longer than the retention keeps decisions until it has passed', async () => {
    const store = await openLmdbStore({ dataDir: tempDir('ret-wait'), decisionRetentionMs: 1000, retentionIntervalMs: 3_600_000 });
    store.syncCampaign(campaign(10 * 60_000));
    store.logDecision(rec());
    await store.flush();
    await store.applyRetention(Date.now() + 2000);
    expect(store.metrics().retentionRemoved).toBe(0);
    await store.close();
  });

  it('embedded store: monitoring buckets older than NUDGE_MONITOR_RETENTION are removed, every campaign\'s', async () => {
    const store = await openLmdbStore({ dataDir: tempDir('ret-series'), seriesRetentionMs: 10 * 60_000, retentionIntervalMs: 3_600_000 });
    store.syncCampaign(campaign(0));
    const now = Date.now();
    const old = now - 20 * 60_000;
    store.logDecision(decision('ret', ['a'], { ts: old }));
    store.logDecision(decision('gone', ['a'], { ts: old }));
    store.logDecision(decision('ret', ['a'], { ts: now }));
    await store.flush();
    expect((await store.series('ret', old - 60_000, now + 60_000)).length).toBe(2);
    await store.applyRetention(now);
    const left = await store.series('ret', old - 60_000, now + 60_000);
    expect(left.map((b) => b.treatment.decisions)).toEqual([1]);
    expect(left[0]!.start).toBe(Math.floor(now / 60_000) * 60_000);
    expect(await store.series('gone', old - 60_000, now + 60_000)).toEqual([]);
    await store.close();
  });

  it('Redis store: the node-local log is trimmed the same way', async () => {
    const redis = await startRedis();
    let store: LearningStore | null = null;
    try {
      const s = await RedisStore.open({ url: redis.url, dataDir: tempDir('ret-redis'), syncMs: 20, decisionRetentionMs: 1000, retentionIntervalMs: 3_600_000 });
      store = s;
      s.syncCampaign(campaign(0));
      s.logDecision(rec());
      s.logDecision(rec());
      await s.flush();
      await s.applyRetention(Date.now() + 2000);
      expect(s.metrics().retentionRemoved).toBe(2);
      expect([...readDecisions(s.nodeLog.dbs)]).toEqual([]);
    } finally {
      await store?.close();
      await redis.stop();
    }
  });
});
