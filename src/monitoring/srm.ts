import { describe, requireCount, requireFinite, requireNumberArray } from './check';
import { chiSquaredSurvival } from './gamma';

/**
 * Sample ratio mismatch: are the observed group counts (control / treatment, or the arms of a `fixed`
 * split) consistent with the configured shares? Pearson's chi-squared goodness-of-fit test,
 *
 *   chi2 = sum_i (O_i - E_i)^2 / E_i,   E_i = n * share_i,   df = k - 1,
 *
 * p = P(chi2_{k-1} >= chi2). An SRM almost always means a bug (assignment, logging, a filter that
 * drops one group more than the other), and every other number of the experiment is then suspect.
 *
 * The flag needs p < 0.001, not 0.05, because the check runs continuously on every campaign: at 0.05
 * a healthy experiment would raise it once in twenty looks (the threshold GrowthBook and Statsig use).
 * It also needs every expected count >= 5, the textbook validity condition of the chi-squared
 * approximation: below that the statistic's distribution is far from chi-squared and tiny p-values
 * appear from a handful of events (e.g. at a 1% share and n = 50, one extra event is a "mismatch").
 */
export interface SrmOptions {
  /** Flag threshold on the p-value (default 0.001). */
  readonly alpha?: number;
  /** Smallest expected count for which the test is trusted (default 5). */
  readonly minExpected?: number;
}

export interface SrmResult {
  readonly chi2: number;
  readonly df: number;
  readonly pValue: number;
  readonly flagged: boolean;
  /** Expected count per group, n * share (shares normalised to sum to 1). */
  readonly expected: number[];
}

export const SRM_DEFAULTS = { alpha: 0.001, minExpected: 5 } as const;

/**
 * `observed[i]`: count of group i; `shares[i]`: its configured share. Shares are positive weights
 * normalised by their sum, so `[10, 90]` and `[0.1, 0.9]` mean the same split (configs carry
 * percentages); a zero share is refused because a group that should receive nothing makes the test
 * meaningless (any event in it is an infinite chi2).
 */
export function sampleRatioMismatch(observed: ArrayLike<number>, shares: ArrayLike<number>, options: SrmOptions = {}): SrmResult {
  const obs = requireNumberArray('observed', observed);
  const sh = requireNumberArray('shares', shares);
  if (obs.length < 2) throw new RangeError(`observed must have at least 2 groups, got ${obs.length}`);
  if (sh.length !== obs.length) throw new RangeError(`shares must have one entry per group (${obs.length}), got ${sh.length}`);
  if (typeof options !== 'object' || options === null) throw new TypeError(`options must be an object, got ${describe(options)}`);
  const alpha = options.alpha === undefined ? SRM_DEFAULTS.alpha : requireFinite('options.alpha', options.alpha);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`options.alpha must be in (0, 1), got ${alpha}`);
  const minExpected = options.minExpected === undefined ? SRM_DEFAULTS.minExpected : requireFinite('options.minExpected', options.minExpected);
  if (minExpected < 0) throw new RangeError(`options.minExpected must be >= 0, got ${minExpected}`);

  let n = 0;
  let shareSum = 0;
  for (let i = 0; i < obs.length; i++) {
    n += requireCount(`observed[${i}]`, obs[i]);
    const s = requireFinite(`shares[${i}]`, sh[i]);
    if (!(s > 0)) throw new RangeError(`shares[${i}] must be > 0, got ${s}`);
    shareSum += s;
  }
  const df = obs.length - 1;
  const expected = Array.from(sh, (s) => (n * s) / shareSum);
  // No events yet: nothing can mismatch. chi2 = 0 and p = 1 is the limit, not a division by zero.
  if (n === 0) return { chi2: 0, df, pValue: 1, flagged: false, expected };

  let chi2 = 0;
  for (let i = 0; i < obs.length; i++) {
    const d = obs[i] - expected[i];
    chi2 += (d * d) / expected[i];
  }
  const pValue = chiSquaredSurvival(chi2, df);
  const flagged = pValue < alpha && expected.every((e) => e >= minExpected);
  return { chi2, df, pValue, flagged, expected };
}
