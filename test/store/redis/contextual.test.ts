import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCampaign } from '../../../src/campaigns/schema';
import { CONTEXTUAL_SEGMENT, contextualName, weightSlotId } from '../../../src/contextual/layout';
import { newDecisionId } from '../../../src/decisions/id';
import { openLmdbStore } from '../../../src/store/lmdb-store';
import { RedisStore } from '../../../src/store/redis/redis-store';
import type { DecisionRecord, LearningStore } from '../../../src/store/types';
import { tempDir, waitFor } from '../../server/helpers';
import { startRedis, type RedisProc } from '../../support/redis';

/**
 * Contextual weights on a shared store: outcomes reported to either replica teach one set of weights
 * (learned by the lease holder), every replica serves them, and they equal what the embedded store
 * learns from the same outcomes.
 */
const campaign = parseCampaign(
  {
    name: 'ctx',
    policy: 'logistic-thompson',
    policy_params: { batchSize: 1000, priorPrecision: 4 },
    features: [{ name: 'x', source: 'context' }],
    offers: [{ id: 'a' }, { id: 'b' }],
  },
  'test',
);

const rec = (offer: string, x: number[]): DecisionRecord => ({
  id: newDecisionId(),
  ts: Date.now(),
  campaign: 'ctx',
  customerId: 'u',
  channel: '',
  segment: '',
  route: 'default',
  policy: 'logistic-thompson',
  configVersion: 0,
  modelVersion: '',
  control: false,
  offers: [{ offerId: offer, score: 0, probability: 0.5, propensity: 1 }],
  features: x,
});

function weights(s: LearningStore): number[] {
  const e = s.arms(contextualName('ctx'), CONTEXTUAL_SEGMENT);
  if (e === null) return [];
  return ['a', 'b'].flatMap((o) => ['bias', 'x'].flatMap((c) => {
    const slot = e.slots.get(weightSlotId(o, c))!;
    return [e.table.alpha[slot]!, e.table.beta[slot]!];
  }));
}

describe('contextual weights with the Redis store', () => {
  let redis: RedisProc;
  let a: RedisStore;
  let b: RedisStore;
  beforeAll(async () => {
    redis = await startRedis();
    a = await RedisStore.open({ url: redis.url, dataDir: tempDir('ctx-a'), syncMs: 20 });
    b = await RedisStore.open({ url: redis.url, dataDir: tempDir('ctx-b'), syncMs: 20 });
    a.syncCampaign(campaign);
    b.syncCampaign(campaign);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('outcomes reported on both replicas teach one set of weights, equal on both and equal to the embedded store', async () => {
    const lmdb = await openLmdbStore({ dataDir: tempDir('ctx-lmdb') });
    lmdb.syncCampaign(campaign);
    const recs = Array.from({ length: 40 }, (_, i) => rec(i % 2 === 0 ? 'a' : 'b', [1, i % 3]));
    for (const r of recs) {
      a.logDecision(r);
      lmdb.logDecision(r);
    }
    await a.flush();
    const outcomes = recs.map((r, i) => ({ decisionId: r.id, offerId: r.offers[0]!.offerId, reward: i % 3 === 0 ? 1 : 0, timestampMs: 0 }));
    const half = outcomes.length / 2;
    expect((await a.applyOutcomes(outcomes.slice(0, half))).every((x) => x.status === 'APPLIED')).toBe(true);
    expect((await b.applyOutcomes(outcomes.slice(half))).every((x) => x.status === 'APPLIED')).toBe(true);
    await lmdb.applyOutcomes(outcomes);
    const expected = weights(lmdb);
    await lmdb.close();
    expect(expected.length).toBe(8);
    await waitFor(() => {
      const wa = weights(a);
      const wb = weights(b);
      return wa.length === 8 && wb.length === 8 && wa.every((v, i) => Math.abs(v - wb[i]!) < 1e-12) && wa[2] !== 0;
    }, 10_000);
    // One learner saw all 40 outcomes; the embedded store learned them in one batch too.
    const wa = weights(a);
    // Batches differ (the lease holder consumes what is queued at each step), so weights agree in
    // direction and closely in size, not bit for bit. The bias means sit near 0 (about 0.1), where
    // batching alone can flip a sign: direction is checked where the weight is clearly away from 0.
    for (let i = 0; i < 8; i++) {
      if (Math.abs(expected[i]!) > 0.5) expect(Math.sign(wa[i]!)).toBe(Math.sign(expected[i]!));
      else expect(Math.abs(wa[i]! - expected[i]!)).toBeLessThan(0.5);
    }
    expect(wa[1]).toBeGreaterThan(4);
  });
});
