import type { CampaignConfig } from '../campaigns/types';
import type { SrmCheck__Output } from '../generated/nudge/v1/SrmCheck';
import type { Kernel } from '../kernel/types';
import type { Calibration__Output } from '../generated/nudge/v1/Calibration';
import { CalibrationAccumulator, expectedLoss, sampleRatioMismatch, uplift } from '../monitoring/index';
import type { CampaignCounters } from '../store/types';

/** Joint posterior draws behind expected loss: its Monte-Carlo error is about sd/sqrt(2000). */
const LOSS_DRAWS = 2000;

/**
 * Experiment health beside GetCampaignStats' counts (issue 13): the uplift interval and verdict,
 * sample-ratio-mismatch checks, and each offer's expected loss. Pure over the counters and the
 * posterior shapes; the kernel draws the posterior samples (seeded by the caller, so replicas agree).
 */
export function upliftCheck(counters: CampaignCounters): { lower: number; upper: number; verdict: string } {
  const t = counters.treatment;
  const c = counters.control;
  // Rewards per decision; a reward in [0, 1] has at most the Bernoulli variance, which uplift() uses.
  const r = uplift({ n: t.decisions, sum: Math.min(t.rewards, t.decisions) }, { n: c.decisions, sum: Math.min(c.rewards, c.decisions) });
  return { lower: r.lower ?? 0, upper: r.upper ?? 0, verdict: r.verdict };
}

export function srmChecks(c: CampaignConfig, counters: CampaignCounters): SrmCheck__Output[] {
  const out: SrmCheck__Output[] = [];
  const check = (name: string, observed: number[], shares: number[]): void => {
    const r = sampleRatioMismatch(observed, shares);
    out.push({ name, observed, expected: r.expected, chi2: r.chi2, df: r.df, pValue: r.pValue, flagged: r.flagged });
  };
  if (c.controlShare > 0 && c.controlShare < 1) {
    check('control', [counters.control.decisions, counters.treatment.decisions], [c.controlShare, 1 - c.controlShare]);
  }
  // A fixed split shows each offer in proportion to its weight (one offer per decision): impressions
  // against weights. Offers with weight 0 are never shown and left out.
  if (c.policy === 'fixed') {
    const byId = new Map(counters.offers.map((o) => [o.offerId, o.impressions]));
    const shown = c.offers.filter((o) => o.weight > 0);
    if (shown.length > 1) check('fixed-split', shown.map((o) => byId.get(o.id) ?? 0), shown.map((o) => o.weight));
  }
  return out;
}

/** E[max_j theta_j - theta_i] per offer, from LOSS_DRAWS joint draws of the Beta posteriors. */
export function expectedLosses(kernel: Kernel, alpha: Float64Array, beta: Float64Array): number[] {
  const k = alpha.length;
  if (k === 0) return [];
  const draws = Array.from({ length: k }, () => new Float64Array(LOSS_DRAWS));
  const one = new Float64Array(k);
  for (let t = 0; t < LOSS_DRAWS; t++) {
    kernel.beta(alpha, beta, one);
    for (let i = 0; i < k; i++) draws[i]![t] = one[i]!;
  }
  return expectedLoss(draws).expectedLoss;
}

/** Calibration sums (store/counters.ts CALIBRATION_SLOTS) of several offers, added. */
function addSums(into: number[], cal: readonly number[] | undefined): void {
  if (cal === undefined || cal.length !== into.length) return;
  for (let i = 0; i < into.length; i++) into[i]! += cal[i]!;
}

/** The report of calibration sums: reliability bins, ECE and Brier (zeros before any outcome). */
export function calibrationOf(cals: ReadonlyArray<readonly number[] | undefined>): Calibration__Output {
  const sums = new Array<number>(31).fill(0);
  for (const c of cals) addSums(sums, c);
  // A sliding window subtracts the minutes it leaves (series-window.ts): rounding can leave -1e-17.
  for (let i = 0; i < sums.length; i++) sums[i] = i < 10 ? Math.max(0, Math.round(sums[i]!)) : Math.max(0, sums[i]!);
  const r = CalibrationAccumulator.fromSums({
    count: sums.slice(0, 10),
    sumPredicted: sums.slice(10, 20),
    sumReward: sums.slice(20, 30),
    sumSquaredError: sums[30]!,
  }).result();
  return {
    n: r.n,
    ece: r.ece ?? 0,
    brier: r.brier ?? 0,
    bins: r.bins.map((b) => ({ lower: b.lower, upper: b.upper, count: b.count, meanPredicted: b.meanPredicted ?? 0, observedRate: b.observedRate ?? 0 })),
  };
}
