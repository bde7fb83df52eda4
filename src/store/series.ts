import { CALIBRATION_SLOTS, addCalibration } from './counters';
import { OwnEntryIndex, ownEntry } from './own-entries';
import type { SeriesBucket, ShownOffer } from './types';

export type { SeriesBucket, SeriesOffer, SeriesStore } from './types';

/**
 * Per-campaign time buckets (one minute each) that monitoring sums over a window and a dashboard draws
 * over time. Everything in a bucket is a sum, so buckets merge by adding and a window is the sum of
 * its buckets. Decisions count in the bucket of their own time, outcomes (and default rewards) in the
 * bucket of the time they were applied: "reward rate over time" is what was learned when.
 */
export const BUCKET_MS = 60_000;

export const bucketStart = (ts: number): number => Math.floor(ts / BUCKET_MS) * BUCKET_MS;

export interface MutableOffer {
  impressions: number;
  outcomes: number;
  rewards: number;
  predicted: number;
  calibration?: number[];
}

interface MutableGroup {
  decisions: number;
  outcomes: number;
  rewards: number;
}

export interface MutableBucket {
  start: number;
  offers: Record<string, MutableOffer>;
  models: Record<string, number[]>;
  control: MutableGroup;
  treatment: MutableGroup;
}

const group = (): MutableGroup => ({ decisions: 0, outcomes: 0, rewards: 0 });

export function emptyBucket(start: number): MutableBucket {
  return { start, offers: Object.create(null) as Record<string, MutableOffer>, models: Object.create(null) as Record<string, number[]>, control: group(), treatment: group() };
}

const newOffer = (): MutableOffer => ({ impressions: 0, outcomes: 0, rewards: 0, predicted: 0 });
const newSums = (): number[] => new Array<number>(CALIBRATION_SLOTS).fill(0);

export function bucketOffer(b: MutableBucket, offerId: string): MutableOffer {
  return ownEntry(b.offers, offerId, newOffer);
}

/** An index of buckets' offers (OwnEntryIndex), for callers that add into the same buckets again and again. */
export const bucketOfferIndex = (): OwnEntryIndex<MutableOffer> => new OwnEntryIndex(newOffer);

export function bucketModel(b: MutableBucket, version: string): number[] {
  return ownEntry(b.models, version, newSums);
}

/**
 * Adds `from` into `into` (sign -1 subtracts: a sliding window drops the minutes it leaves). `index`
 * (bucketOfferIndex) is for a caller that adds into the same bucket again and again: the series
 * writer, at every commit.
 */
export function addBucket(into: MutableBucket, from: SeriesBucket, sign: 1 | -1 = 1, index?: OwnEntryIndex<MutableOffer>): void {
  for (const g of ['control', 'treatment'] as const) {
    into[g].decisions += sign * from[g].decisions;
    into[g].outcomes += sign * from[g].outcomes;
    into[g].rewards += sign * from[g].rewards;
  }
  for (const id of Object.keys(from.offers)) {
    const o = from.offers[id]!;
    const acc = index !== undefined ? index.get(into.offers, id) : bucketOffer(into, id);
    acc.impressions += sign * o.impressions;
    acc.outcomes += sign * o.outcomes;
    acc.rewards += sign * o.rewards;
    acc.predicted += sign * o.predicted;
    if (o.calibration !== undefined && o.calibration.length === CALIBRATION_SLOTS) {
      const c = (acc.calibration ??= newSums());
      for (let i = 0; i < CALIBRATION_SLOTS; i++) c[i]! += sign * o.calibration[i]!;
    }
  }
  for (const v of Object.keys(from.models)) {
    const sums = from.models[v]!;
    if (sums.length !== CALIBRATION_SLOTS) continue;
    const acc = bucketModel(into, v);
    for (let i = 0; i < CALIBRATION_SLOTS; i++) acc[i]! += sign * sums[i]!;
  }
}

/**
 * Bucket deltas since the last drain, per campaign and minute. The embedded store adds them into its
 * stored buckets at each group commit; the Redis store's scripts add their own (they do not use this).
 */
export class SeriesBook {
  private readonly pending = new Map<string, Map<number, MutableBucket>>();
  private readonly offers = bucketOfferIndex();

  private bucket(campaign: string, ts: number): MutableBucket {
    let byMinute = this.pending.get(campaign);
    if (byMinute === undefined) this.pending.set(campaign, (byMinute = new Map()));
    const start = bucketStart(ts);
    let b = byMinute.get(start);
    if (b === undefined) byMinute.set(start, (b = emptyBucket(start)));
    return b;
  }

  decision(campaign: string, control: boolean, shown: readonly ShownOffer[], ts: number): void {
    const b = this.bucket(campaign, ts);
    (control ? b.control : b.treatment).decisions += 1;
    if (!control) for (let i = 0; i < shown.length; i++) this.offers.get(b.offers, shown[i]!.offerId).impressions += 1;
  }

  /** `predicted` is the decision's predicted probability of the offer; `modelVersion` the decision's. */
  outcome(campaign: string, control: boolean, offerId: string, reward: number, predicted: number, modelVersion: string, now: number): void {
    const b = this.bucket(campaign, now);
    const g = control ? b.control : b.treatment;
    g.outcomes += 1;
    g.rewards += reward;
    if (control) return;
    const o = this.offers.get(b.offers, offerId);
    o.outcomes += 1;
    o.rewards += reward;
    o.predicted += predicted;
    addCalibration((o.calibration ??= newSums()), predicted, reward);
    addCalibration(bucketModel(b, modelVersion), predicted, reward);
  }

  /** Pending deltas for reads that must include what the next commit writes. */
  peek(campaign: string): readonly MutableBucket[] {
    return [...(this.pending.get(campaign)?.values() ?? [])];
  }

  drain(): Array<{ campaign: string; bucket: MutableBucket }> {
    const out: Array<{ campaign: string; bucket: MutableBucket }> = [];
    for (const [campaign, byMinute] of this.pending) for (const bucket of byMinute.values()) out.push({ campaign, bucket });
    this.pending.clear();
    return out;
  }

  /** Puts drained deltas back (after a failed commit). */
  requeue(items: ReadonlyArray<{ campaign: string; bucket: MutableBucket }>): void {
    for (const { campaign, bucket } of items) addBucket(this.bucket(campaign, bucket.start), bucket);
  }
}
