import type { CampaignConfig } from '../campaigns/types';
import type { Kernel } from '../kernel/types';
import { shapeSeed } from '../server/stats';
import { BUCKET_MS, addBucket, emptyBucket, type MutableBucket } from '../store/series';
import type { CampaignCounters, SeriesBucket } from '../store/types';

/** Most points a chart gets: longer ranges are drawn with coarser steps. */
export const MAX_POINTS = 120;
/** Posterior draws per point behind P(best) over time (the leaderboard's figure uses 10,000). */
const DRAWS = 2000;

export interface OverTime {
  /** Step between points, ms (a whole number of minutes). */
  readonly stepMs: number;
  /** Start of each step, seconds since epoch (what uPlot's time axis takes). */
  readonly t: number[];
  readonly offers: string[];
  /** Per offer (in `offers` order), per step: its share of the step's impressions (null: none). */
  readonly share: Array<Array<number | null>>;
  /** Rewards per outcome in the step (null: no outcome). */
  readonly rewardRate: Array<Array<number | null>>;
  /** P(best) at the end of the step, from the pooled posterior as it was then. */
  readonly pBest: number[][];
  readonly control: { readonly decisions: number[]; readonly rewardRate: Array<number | null> };
  readonly treatment: { readonly decisions: number[]; readonly rewardRate: Array<number | null> };
}

export const stepFor = (minutes: number): number => Math.max(1, Math.ceil(minutes / MAX_POINTS)) * BUCKET_MS;

/**
 * Charts over time from the store's one-minute buckets. P(best) at a past time needs the posterior
 * as it was then: the pooled counts now minus what the buckets after that time added (outcomes count
 * in the minute they were applied, as in the counters), on top of each offer's prior. Like the pooled
 * figures of GetCampaignStats, this ignores segments and decay.
 */
export function overTime(
  c: CampaignConfig,
  buckets: readonly SeriesBucket[],
  counters: CampaignCounters,
  kernel: Kernel,
  from: number,
  to: number,
  stepMs: number,
): OverTime {
  const offers = c.offers.map((o) => o.id);
  const steps: MutableBucket[] = [];
  for (let t = from; t < to; t += stepMs) steps.push(emptyBucket(t));
  for (const b of buckets) {
    const i = Math.floor((b.start - from) / stepMs);
    if (i >= 0 && i < steps.length) addBucket(steps[i]!, b);
  }
  // Counts after each step's end: start from what came after the last step (buckets past `to`).
  const k = offers.length;
  const outcomes = new Float64Array(k);
  const rewards = new Float64Array(k);
  const byId = new Map(counters.offers.map((o) => [o.offerId, o]));
  offers.forEach((id, i) => {
    outcomes[i] = byId.get(id)?.outcomes ?? 0;
    rewards[i] = byId.get(id)?.rewards ?? 0;
  });
  for (const b of buckets) {
    if (b.start < to) continue;
    offers.forEach((id, i) => {
      const o = Object.hasOwn(b.offers, id) ? b.offers[id] : undefined;
      outcomes[i]! -= o?.outcomes ?? 0;
      rewards[i]! -= o?.rewards ?? 0;
    });
  }
  const pBest: number[][] = offers.map(() => new Array<number>(steps.length).fill(0));
  const alpha = new Float64Array(k);
  const beta = new Float64Array(k);
  const out = new Float64Array(k);
  for (let s = steps.length - 1; s >= 0; s--) {
    for (let i = 0; i < k; i++) {
      const o = c.offers[i]!;
      alpha[i] = o.priorAlpha + Math.max(0, rewards[i]!);
      beta[i] = o.priorBeta + Math.max(0, outcomes[i]! - rewards[i]!);
    }
    if (k > 0) {
      kernel.seed(shapeSeed(alpha, beta));
      kernel.propensities(alpha, beta, 1, DRAWS, out);
    }
    for (let i = 0; i < k; i++) pBest[i]![s] = out[i]!;
    // Going back one step: remove what this step added.
    const step = steps[s]!;
    offers.forEach((id, i) => {
      const o = Object.hasOwn(step.offers, id) ? step.offers[id] : undefined;
      outcomes[i]! -= o?.outcomes ?? 0;
      rewards[i]! -= o?.rewards ?? 0;
    });
  }
  const rate = (r: number, n: number): number | null => (n > 0 ? r / n : null);
  const offerOf = (b: MutableBucket, id: string) => (Object.hasOwn(b.offers, id) ? b.offers[id] : undefined);
  return {
    stepMs,
    t: steps.map((b) => b.start / 1000),
    offers,
    share: offers.map((id) =>
      steps.map((b) => {
        let total = 0;
        for (const o of Object.values(b.offers)) total += o.impressions;
        return total > 0 ? (offerOf(b, id)?.impressions ?? 0) / total : null;
      }),
    ),
    rewardRate: offers.map((id) => steps.map((b) => rate(offerOf(b, id)?.rewards ?? 0, offerOf(b, id)?.outcomes ?? 0))),
    pBest,
    control: { decisions: steps.map((b) => b.control.decisions), rewardRate: steps.map((b) => rate(b.control.rewards, b.control.outcomes)) },
    treatment: { decisions: steps.map((b) => b.treatment.decisions), rewardRate: steps.map((b) => rate(b.treatment.rewards, b.treatment.outcomes)) },
  };
}
