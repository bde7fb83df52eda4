import type { CampaignConfig } from '../campaigns/types';
import type { CampaignStats__Output } from '../generated/nudge/v1/CampaignStats';
import type { GroupStats__Output } from '../generated/nudge/v1/GroupStats';
import type { OfferStats__Output } from '../generated/nudge/v1/OfferStats';
import type { Kernel } from '../kernel/types';
import { BUCKET_MS } from '../store/series';
import { calibrationOf, expectedLosses, srmChecks, upliftCheck } from './experiment-checks';
import type { FeatureDrift__Output } from '../generated/nudge/v1/FeatureDrift';
import type { GroupCounters, LearningStore, OfferCounters, SeriesBucket, SeriesOffer } from '../store/types';

/** Monte-Carlo draws behind p_best: standard error <= 0.005 per offer. */
const P_BEST_DRAWS = 10_000;

/** FNV-1a (32 bit) over the shapes' bytes: a seed that only the posterior determines. */
export function shapeSeed(alpha: Float64Array, beta: Float64Array): number {
  let h = 0x811c9dc5;
  for (const arr of [alpha, beta]) {
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Results of one campaign: per offer counts, posterior mean, 95% credible interval and probability of
 * being best; control vs treatment reward rates and the uplift. With a segment, the posterior is that
 * segment's table (decay included); pooled over all segments it is prior + pooled counts, since
 * tables of different segments cannot be added.
 */
/** `kernel` is re-seeded here: pass one that Decide does not draw from (server.ts makes one for stats). */
/** Where GetCampaignStats gets its windowed parts: series-window.ts and drift.ts (monitor.ts builds it). */
export interface StatsMonitor {
  /** NUDGE_CALIBRATION_WINDOW and NUDGE_MONITOR_RETENTION. */
  readonly defaultWindowMs: number;
  readonly retentionMs: number;
  window(c: CampaignConfig, windowMs: number): Promise<StatsWindow>;
}

/** The request's window (0 = the default), in whole minutes, at most the buckets' retention. */
export function statsWindowMs(requested: number, m: Pick<StatsMonitor, 'defaultWindowMs' | 'retentionMs'>): number {
  const w = requested > 0 ? requested : m.defaultWindowMs;
  return Math.min(Math.ceil(w / BUCKET_MS) * BUCKET_MS, m.retentionMs);
}

export interface StatsWindow {
  /** Monitoring buckets summed over the calibration window (series-window.ts). */
  readonly bucket: SeriesBucket;
  readonly windowMs: number;
  readonly drift: FeatureDrift__Output[];
}

export function campaignStats(c: CampaignConfig, store: LearningStore, kernel: Kernel, segment: string, w: StatsWindow): CampaignStats__Output {
  const counters = store.counters(c.name, segment === '' ? undefined : segment);
  const byId = new Map<string, OfferCounters>();
  for (const oc of counters.offers) byId.set(oc.offerId, oc);
  const entry = segment === '' ? null : store.arms(c.name, segment);

  const k = c.offers.length;
  const alpha = new Float64Array(k);
  const beta = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const o = c.offers[i]!;
    const slot = entry?.slots.get(o.id);
    if (entry != null && slot !== undefined && slot >= 0 && slot < entry.table.k) {
      alpha[i] = entry.table.alpha[slot]!;
      beta[i] = entry.table.beta[slot]!;
    } else {
      const n = byId.get(o.id);
      const rewards = n?.rewards ?? 0;
      const outcomes = n?.outcomes ?? 0;
      alpha[i] = o.priorAlpha + rewards;
      beta[i] = o.priorBeta + Math.max(0, outcomes - rewards);
    }
  }
  // Sums of many large rewards could leave the finite range; the kernel refuses such shapes.
  for (let i = 0; i < k; i++) {
    alpha[i] = finiteShape(alpha[i]!);
    beta[i] = finiteShape(beta[i]!);
  }
  const lo = new Float64Array(k);
  const hi = new Float64Array(k);
  const pBest = new Float64Array(k);
  kernel.betaQuantile(alpha, beta, 0.025, lo);
  kernel.betaQuantile(alpha, beta, 0.975, hi);
  // Seeded by the shapes: the same counters give the same P(best) on every replica and every call
  // (replicas on a shared store report identical stats; a refresh does not jitter the dashboard).
  kernel.seed(shapeSeed(alpha, beta));
  const loss = expectedLosses(kernel, alpha, beta);
  kernel.propensities(alpha, beta, 1, P_BEST_DRAWS, pBest);

  const offers: OfferStats__Output[] = c.offers.map((o, i) => {
    const n = byId.get(o.id);
    const outcomes = n?.outcomes ?? 0;
    return {
      offerId: o.id,
      impressions: n?.impressions ?? 0,
      rewards: n?.rewards ?? 0,
      outcomes,
      mean: alpha[i]! / (alpha[i]! + beta[i]!),
      ciLow: lo[i]!,
      ciHigh: hi[i]!,
      pBest: pBest[i]!,
      meanDelta: outcomes > 0 ? (n?.deltaSum ?? 0) / outcomes : 0,
      expectedLoss: loss[i]!,
      calibration: calibrationOf([windowOffer(w.bucket, o.id)?.calibration]),
    };
  });
  const control = group(counters.control);
  const treatment = group(counters.treatment);
  const uplift = treatment.rewardRate - control.rewardRate;
  const interval = upliftCheck(counters);
  return {
    campaign: c.name,
    offers,
    control,
    treatment,
    uplift,
    relativeUplift: control.rewardRate > 0 ? uplift / control.rewardRate : 0,
    upliftCiLow: interval.lower,
    upliftCiHigh: interval.upper,
    upliftVerdict: interval.verdict,
    srm: srmChecks(c, counters),
    calibration: calibrationOf(Object.values(w.bucket.offers).map((o) => o.calibration)),
    calibrationWindowMs: w.windowMs,
    modelCalibration: Object.keys(w.bucket.models)
      .sort()
      .map((v) => ({ modelVersion: v, calibration: calibrationOf([w.bucket.models[v]]) })),
    drift: w.drift,
  };
}

function windowOffer(b: SeriesBucket, id: string): SeriesOffer | undefined {
  return Object.hasOwn(b.offers, id) ? b.offers[id] : undefined;
}

const MAX_SHAPE = 1e300;
const MIN_SHAPE = 1e-300;

function finiteShape(v: number): number {
  if (Number.isNaN(v)) return MIN_SHAPE;
  return Math.min(MAX_SHAPE, Math.max(MIN_SHAPE, v));
}

function group(g: GroupCounters): GroupStats__Output {
  return { decisions: g.decisions, outcomes: g.outcomes, rewards: g.rewards, rewardRate: g.decisions > 0 ? g.rewards / g.decisions : 0 };
}
