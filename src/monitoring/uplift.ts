import { describe, requireCount, requireFinite, requireNumberArray, requireObject } from './check';

/**
 * Uplift of treatment over control: the difference of mean rewards with a 95% Wald interval,
 *
 *   diff = mean_T - mean_C,   se = sqrt(var_T / n_T + var_C / n_C),   diff +- 1.959964 se.
 *
 * Rewards are in [0, 1]. When the caller has the sum of squared rewards, var is the sample variance
 * (sumSq - n mean^2) / (n - 1): fractional rewards have less spread than p(1-p), and using the
 * Bernoulli bound for them would widen the interval for nothing. Without it, var = mean (1 - mean), the
 * Bernoulli variance (exact for 0/1 rewards up to the n/(n-1) factor).
 *
 * Verdict: 'better' when the interval is entirely above 0, 'worse' when entirely below, otherwise
 * 'inconclusive'; and always 'inconclusive' when either group has fewer than `minN` (default 30)
 * observations. The Wald interval rests on the normal approximation of each mean, which is poor for
 * small n and worst near 0 or 1 (with 0 rewards out of 20 the estimated variance is 0 and the interval
 * collapses to a point): its true coverage there is far below 95%, so a verdict from it would be
 * overconfident. 30 is the usual rule of thumb for the approximation; the numbers are still returned.
 */
export interface GroupSummary {
  /** Observations (outcomes counted, rewards of 0 included). */
  readonly n: number;
  /** Sum of rewards. */
  readonly sum: number;
  /** Sum of squared rewards; optional (see above). */
  readonly sumSq?: number;
}

export type UpliftVerdict = 'better' | 'worse' | 'inconclusive';

export interface UpliftResult {
  /** null when the group is empty. */
  readonly treatmentRate: number | null;
  readonly controlRate: number | null;
  /** treatmentRate - controlRate; null when either group is empty. */
  readonly diff: number | null;
  readonly se: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly verdict: UpliftVerdict;
}

export interface UpliftOptions {
  /** Smallest group size for a verdict (default 30). */
  readonly minN?: number;
}

/** Two-sided 95% standard normal quantile, Phi^-1(0.975). */
export const Z_95 = 1.959963984540054;
export const UPLIFT_DEFAULTS = { minN: 30 } as const;

function checkGroup(name: string, g: unknown): { n: number; mean: number | null; variance: number | null } {
  const o = requireObject(name, g);
  const n = requireCount(`${name}.n`, o.n);
  const sum = requireFinite(`${name}.sum`, o.sum);
  // Rounding in long running sums may push a bound by a hair; 1e-9 per observation absorbs that.
  const tol = 1e-9 * Math.max(1, n);
  if (sum < -tol || sum > n + tol) throw new RangeError(`${name}.sum must be in [0, n], got ${sum}`);
  let sumSq: number | undefined;
  if (o.sumSq !== undefined) {
    sumSq = requireFinite(`${name}.sumSq`, o.sumSq);
    // For y in [0, 1]: y^2 <= y gives sumSq <= sum, and Cauchy-Schwarz gives sumSq >= sum^2 / n.
    const lo = n > 0 ? (sum * sum) / n : 0;
    if (sumSq < lo - tol || sumSq > sum + tol) throw new RangeError(`${name}.sumSq must be in [sum^2 / n, sum], got ${sumSq}`);
  }
  if (n === 0) return { n, mean: null, variance: null };
  const mean = sum / n;
  let variance: number;
  if (sumSq !== undefined) variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
  else variance = mean * (1 - mean);
  return { n, mean, variance: Math.max(0, variance) };
}

export function uplift(treatment: GroupSummary, control: GroupSummary, options: UpliftOptions = {}): UpliftResult {
  const t = checkGroup('treatment', treatment);
  const c = checkGroup('control', control);
  const opts = requireObject('options', options);
  const minN = opts.minN === undefined ? UPLIFT_DEFAULTS.minN : requireCount('options.minN', opts.minN);
  if (t.mean === null || c.mean === null || t.variance === null || c.variance === null) {
    return { treatmentRate: t.mean, controlRate: c.mean, diff: null, se: null, lower: null, upper: null, verdict: 'inconclusive' };
  }
  const diff = t.mean - c.mean;
  const se = Math.sqrt(t.variance / t.n + c.variance / c.n);
  const lower = diff - Z_95 * se;
  const upper = diff + Z_95 * se;
  let verdict: UpliftVerdict = 'inconclusive';
  if (t.n >= minN && c.n >= minN) verdict = lower > 0 ? 'better' : upper < 0 ? 'worse' : 'inconclusive';
  return { treatmentRate: t.mean, controlRate: c.mean, diff, se, lower, upper, verdict };
}

/**
 * Expected loss of choosing each offer, from joint posterior draws: loss_i = E[max_j theta_j - theta_i],
 * the reward per impression given up by serving offer i if another turned out better (the quantity
 * Bayesian A/B tools such as GrowthBook show beside P(best); stopping when the leader's loss is below
 * a tolerance is the usual rule). P(best) from the same draws is returned with it, so the two agree;
 * ties share the win equally.
 *
 * The draws come from the caller, keeping this module pure and deterministic in tests:
 * `draws[i][t]` is draw t of offer i (every offer the same number of draws, paired by t).
 */
export interface ExpectedLossResult {
  readonly expectedLoss: number[];
  readonly probBest: number[];
}

export function expectedLoss(draws: readonly ArrayLike<number>[]): ExpectedLossResult {
  if (!Array.isArray(draws)) throw new TypeError(`draws must be an array of arrays of numbers, got ${describe(draws)}`);
  if (draws.length < 1) throw new RangeError('draws must have at least 1 offer, got 0');
  const rows = draws.map((d, i) => requireNumberArray(`draws[${i}]`, d));
  const m = rows[0].length;
  if (m < 1) throw new RangeError('draws[0] must have at least 1 draw, got 0');
  rows.forEach((r, i) => {
    if (r.length !== m) throw new RangeError(`draws[${i}] must have ${m} draws like draws[0], got ${r.length}`);
    for (let t = 0; t < m; t++) requireFinite(`draws[${i}][${t}]`, r[t]);
  });
  const k = rows.length;
  const loss = new Array<number>(k).fill(0);
  const best = new Array<number>(k).fill(0);
  for (let t = 0; t < m; t++) {
    let max = -Infinity;
    for (let i = 0; i < k; i++) if (rows[i][t] > max) max = rows[i][t];
    let ties = 0;
    for (let i = 0; i < k; i++) if (rows[i][t] === max) ties++;
    for (let i = 0; i < k; i++) {
      loss[i] += max - rows[i][t];
      if (rows[i][t] === max) best[i] += 1 / ties;
    }
  }
  return { expectedLoss: loss.map((l) => l / m), probBest: best.map((b) => b / m) };
}

export interface BetaPosterior {
  readonly alpha: number;
  readonly beta: number;
}

/**
 * The same from Beta posteriors, with draws made by `sampleBeta(alpha, beta)` (the caller's seeded
 * generator: the kernel's, or a test's), `n` draws per offer.
 */
export function expectedLossFromPosteriors(
  posteriors: readonly BetaPosterior[],
  n: number,
  sampleBeta: (alpha: number, beta: number) => number,
): ExpectedLossResult {
  if (!Array.isArray(posteriors)) throw new TypeError(`posteriors must be an array, got ${describe(posteriors)}`);
  const draws = requireCount('n', n);
  if (draws < 1) throw new RangeError(`n must be >= 1, got ${n}`);
  if (typeof sampleBeta !== 'function') throw new TypeError(`sampleBeta must be a function, got ${describe(sampleBeta)}`);
  const checked = posteriors.map((p, i) => {
    const o = requireObject(`posteriors[${i}]`, p);
    const a = requireFinite(`posteriors[${i}].alpha`, o.alpha);
    const b = requireFinite(`posteriors[${i}].beta`, o.beta);
    if (!(a > 0)) throw new RangeError(`posteriors[${i}].alpha must be > 0, got ${a}`);
    if (!(b > 0)) throw new RangeError(`posteriors[${i}].beta must be > 0, got ${b}`);
    return { a, b };
  });
  const samples = checked.map(({ a, b }, i) => {
    const row = new Float64Array(draws);
    for (let t = 0; t < draws; t++) {
      const v = sampleBeta(a, b);
      // A sampler bug (NaN, a value outside [0, 1]) would silently skew every loss; refuse it here.
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`sampleBeta(${a}, ${b}) returned ${describe(v)} for posteriors[${i}], not a number in [0, 1]`);
      row[t] = v;
    }
    return row;
  });
  return expectedLoss(samples);
}
