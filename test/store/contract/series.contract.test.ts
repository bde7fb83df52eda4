import { describe, expect, it } from 'vitest';
import type { DecisionRecord, LearningStore, SeriesBucket } from '../../../src/store/types';
import { BUCKET_MS, bucketStart } from '../../../src/store/series';
import { backends, campaign, decision, uniqueName, useBackend } from './factories';

/** SeriesStore: one-minute monitoring buckets of decisions (by decision time) and outcomes (by apply time). */

const withProbs = (d: DecisionRecord, probs: number[]): DecisionRecord => ({ ...d, offers: d.offers.map((o, i) => ({ ...o, probability: probs[i]! })) });

/** All buckets of the campaign summed (the outcomes' minute may differ from the decisions' near a boundary). */
function total(buckets: readonly SeriesBucket[]): { offers: Record<string, { impressions: number; outcomes: number; rewards: number; predicted: number; cal: number[] }>; models: Record<string, number[]>; control: number[]; treatment: number[] } {
  const offers: Record<string, { impressions: number; outcomes: number; rewards: number; predicted: number; cal: number[] }> = {};
  const models: Record<string, number[]> = {};
  const control = [0, 0, 0];
  const treatment = [0, 0, 0];
  for (const b of buckets) {
    for (const [id, o] of Object.entries(b.offers)) {
      const acc = (offers[id] ??= { impressions: 0, outcomes: 0, rewards: 0, predicted: 0, cal: new Array<number>(31).fill(0) });
      acc.impressions += o.impressions;
      acc.outcomes += o.outcomes;
      acc.rewards += o.rewards;
      acc.predicted += o.predicted;
      o.calibration?.forEach((v, i) => (acc.cal[i]! += v));
    }
    for (const [v, sums] of Object.entries(b.models)) {
      const acc = (models[v] ??= new Array<number>(31).fill(0));
      sums.forEach((x, i) => (acc[i]! += x));
    }
    for (const [g, arr] of [['control', control], ['treatment', treatment]] as const) {
      arr[0]! += b[g].decisions;
      arr[1]! += b[g].outcomes;
      arr[2]! += b[g].rewards;
    }
  }
  return { offers, models, control, treatment };
}

async function play(store: LearningStore, name: string): Promise<void> {
  const a = withProbs(decision(name, ['x', 'y'], { modelVersion: 'm1' }), [0.35, 0.05]);
  const b = withProbs(decision(name, ['x'], { modelVersion: 'm2' }), [0.92]);
  const k = withProbs(decision(name, ['x'], { control: true }), [0.5]);
  for (const d of [a, b, k]) store.logDecision(d);
  const res = await store.applyOutcomes([
    { decisionId: a.id, offerId: 'x', reward: 1, timestampMs: 0 },
    { decisionId: a.id, offerId: 'y', reward: 0, timestampMs: 0 },
    { decisionId: b.id, offerId: 'x', reward: 0.5, timestampMs: 0 },
    { decisionId: k.id, offerId: 'x', reward: 1, timestampMs: 0 },
    { decisionId: a.id, offerId: 'x', reward: 1, timestampMs: 0 }, // DUPLICATE: not counted
  ]);
  expect(res.map((r) => r.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'DUPLICATE']);
}

describe.each(backends())('SeriesStore contract: $name', (backend) => {
  const env = useBackend(backend);

  it('keeps impressions, outcomes, rewards, predicted sums and calibration per offer and per model version', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('s-seq'));
    store.syncCampaign(c);
    const before = Date.now();
    await play(store, c.name);
    await env.settle(store);
    const buckets = await store.series(c.name, bucketStart(before), Date.now() + BUCKET_MS);
    expect(buckets.length).toBeGreaterThanOrEqual(1);
    for (const b of buckets) expect(b.start % BUCKET_MS).toBe(0);
    const t = total(buckets);
    expect(t.treatment).toEqual([2, 3, 1.5]);
    expect(t.control).toEqual([1, 1, 1]);
    expect(Object.keys(t.offers).sort()).toEqual(['x', 'y']);
    expect([t.offers['x']!.impressions, t.offers['x']!.outcomes]).toEqual([2, 2]);
    expect(t.offers['x']!.rewards).toBeCloseTo(1.5, 12);
    expect(t.offers['x']!.predicted).toBeCloseTo(0.35 + 0.92, 12);
    expect([t.offers['y']!.impressions, t.offers['y']!.outcomes, t.offers['y']!.rewards]).toEqual([1, 1, 0]);
    // Calibration bins of x: 0.35 -> bin 3 (reward 1), 0.92 -> bin 9 (reward 0.5).
    const cx = t.offers['x']!.cal;
    expect([cx[3], cx[9], cx[13], cx[19], cx[23], cx[29]].map((v) => Number(v!.toFixed(12)))).toEqual([1, 1, 0.35, 0.92, 1, 0.5]);
    expect(cx[30]).toBeCloseTo(0.65 ** 2 + 0.42 ** 2, 12);
    // Per model version: m1 has x (0.35, 1) and y (0.05, 0); m2 has x (0.92, 0.5); control decisions none.
    expect(Object.keys(t.models).sort()).toEqual(['m1', 'm2']);
    expect([t.models['m1']![0], t.models['m1']![3], t.models['m2']![9]]).toEqual([1, 1, 1]);
    expect(t.models['m1']![30]).toBeCloseTo(0.65 ** 2 + 0.05 ** 2, 12);
  });

  it('returns only buckets inside [from, to), and none for another campaign', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('s-range'));
    store.syncCampaign(c);
    const old = decision(c.name, ['x'], { ts: bucketStart(Date.now()) - 10 * BUCKET_MS });
    store.logDecision(old);
    store.logDecision(decision(c.name, ['x']));
    await env.settle(store);
    const now = Date.now();
    const all = await store.series(c.name, now - 20 * BUCKET_MS, now + BUCKET_MS);
    expect(all.map((b) => b.start)).toContain(bucketStart(old.ts));
    const recent = await store.series(c.name, bucketStart(old.ts) + BUCKET_MS, now + BUCKET_MS);
    expect(recent.map((b) => b.start)).not.toContain(bucketStart(old.ts));
    expect(recent.reduce((n, b) => n + b.treatment.decisions, 0)).toBe(1);
    expect(await store.series(uniqueName('s-none'), now - 20 * BUCKET_MS, now + BUCKET_MS)).toEqual([]);
  });

  it('keeps the buckets across a restart', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('s-restart'));
    store.syncCampaign(c);
    const before = Date.now();
    await play(store, c.name);
    const again = await env.reopen(store);
    const t = total(await again.series(c.name, bucketStart(before), Date.now() + BUCKET_MS));
    expect(t.treatment).toEqual([2, 3, 1.5]);
  });
});
