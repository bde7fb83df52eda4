/**
 * The sampling kernel: pure functions over caller-owned typed arrays. Two implementations share this
 * interface: the C++ addon (native/) and the TypeScript fallback (fallback.ts). Both keep one
 * xoshiro256++ generator per environment (per worker thread / per JS realm), seeded by `seed()`.
 *
 * Rules every entry point follows (and tests check):
 * - arguments are checked before any output is written: wrong type -> TypeError, bad value (NaN,
 *   negative or zero shape, length mismatch, n > k, ...) -> RangeError, with the exact messages in
 *   `messages.ts`;
 * - no allocation per call on the hot path (scratch space is kept per environment and grown once);
 * - one call per decision: a whole vector of arms is processed at once.
 */
export interface Kernel {
  /** Which implementation this is. */
  readonly impl: 'native' | 'fallback';

  /** Re-seeds this environment's generator (splitmix64 expansion of `seed`, a safe integer >= 0). */
  seed(seed: number): void;

  /** Fills `out` with U(0,1) draws (53-bit resolution, never 0). */
  uniform(out: Float64Array): void;

  /** Fills `out` with standard normal draws. */
  normal(out: Float64Array): void;

  /** out[i] ~ Gamma(shape[i], 1) (Marsaglia-Tsang; shape < 1 via the U^(1/shape) boost). */
  gamma(shape: Float64Array, out: Float64Array): void;

  /** out[i] ~ Beta(alpha[i], beta[i]), as X/(X+Y) with X~Gamma(alpha), Y~Gamma(beta). */
  beta(alpha: Float64Array, beta: Float64Array, out: Float64Array): void;

  /**
   * Writes into `outIdx[0..n)` the indices of the n largest `values`, largest first; ties go to the
   * lower index. Requires 1 <= n <= values.length and outIdx.length >= n.
   */
  topN(values: Float64Array, n: number, outIdx: Uint32Array): void;

  /**
   * One Thompson decision in one call: draws[i] ~ Beta(alpha[i], beta[i]) and outIdx[0..n) = topN(draws).
   * `draws` must have the length of alpha; it holds the draws afterwards (used as scores).
   */
  sampleTopN(alpha: Float64Array, beta: Float64Array, n: number, draws: Float64Array, outIdx: Uint32Array): void;

  /**
   * Monte-Carlo slate propensities: over `m` joint draws of all arms' Betas, out[i * n + j] is the share
   * of draws in which arm i lands in position j of the top-n. Each column j sums to 1 (for n <= k).
   * n = 1 gives the probability of being best. out.length must be alpha.length * n.
   */
  propensities(alpha: Float64Array, beta: Float64Array, n: number, m: number, out: Float64Array): void;

  /** out[i] = the p-quantile of Beta(alpha[i], beta[i]), 0 < p < 1. */
  betaQuantile(alpha: Float64Array, beta: Float64Array, p: number, out: Float64Array): void;

  /**
   * `reps` Thompson decisions for a frozen posterior in one call (the simulator's feedback window):
   * for each t < reps, one Beta(alpha[i], beta[i]) draw per arm; outIdx[t] = the arm with the largest
   * draw (ties to the lower index, as topN) and outMax[t] = that draw. Requires alpha.length >= 1,
   * outIdx.length >= reps and outMax.length >= reps.
   */
  thompsonPicks(alpha: Float64Array, beta: Float64Array, reps: number, outIdx: Uint32Array, outMax: Float64Array): void;

  /**
   * Contextual Thompson scores (logistic-thompson) for all arms in one call, k = out.length arms over
   * dim = x.length features: mean[a] = sum_i m[a*dim+i] x[i], sd[a] = sqrt(sum_i x[i]^2 / q[a*dim+i]),
   * out[a] = mean[a] + z sd[a] with z ~ N(0, 1): the linear score w . x of weights w ~ N(m_a, diag(1/q_a))
   * (exactly that distribution, with one normal draw per arm). m and q have length k * dim; x and m
   * not NaN; q[i] finite > 0 (checked x first, then m[i] before q[i]).
   */
  linearScores(m: Float64Array, q: Float64Array, x: Float64Array, mean: Float64Array, sd: Float64Array, out: Float64Array): void;

  /**
   * Monte-Carlo slate propensities of independent Gaussian scores N(mean[i], sd[i]^2): over m joint
   * draws, out[i * n + j] is the share in which arm i is at position j of the top-n (ties to the lower
   * index). mean not NaN, sd[i] finite >= 0, out.length = mean.length * n.
   */
  gaussianPropensities(mean: Float64Array, sd: Float64Array, n: number, m: number, out: Float64Array): void;
}
