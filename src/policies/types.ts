import type { Kernel } from '../kernel/types';

/**
 * Posterior state of one campaign segment: one slot per offer. Lives in shared memory
 * (SharedArrayBuffer) so that workers read it without a copy; only the main thread writes it.
 * For Beta-Bernoulli policies alpha = priorAlpha + (decayed) reward sum and
 * beta = priorBeta + (decayed) (1 - reward) sum, so pulls = alpha + beta - priorAlpha - priorBeta.
 */
export interface ArmTable {
  /** Number of slots in use. */
  readonly k: number;
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  readonly priorAlpha: Float64Array;
  readonly priorBeta: Float64Array;
  /**
   * meta[0]: time of the last decay step (ms since epoch);
   * meta[1]: version, incremented by every write (readers use it to invalidate caches).
   */
  readonly meta: Float64Array;
}

/** What a policy ranks: the eligible offers of one request, as dense arrays of length k. */
export interface ArmsView {
  readonly k: number;
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  readonly priorAlpha: Float64Array;
  readonly priorBeta: Float64Array;
  /** Split weights for `fixed` (offer.weight, default 1); length k. */
  readonly weights: Float64Array;
  /** Tag boosts (>= 0, 1 = none) applied multiplicatively to scores by behavioural routes; length k. */
  readonly boosts: Float64Array;
  /**
   * True only when every boost is known to be 1, so that a policy can skip reading them (the engine's
   * view says so until a route boost or an arbitration factor is written). Absent or false: read them.
   */
  readonly unboosted?: boolean;
  /**
   * Identity of this view for caches (campaign, segment, eligible set) and the state version it was
   * read at. Same key + same version means the same posterior.
   */
  readonly cacheKey: string;
  readonly version: number;
}

/**
 * Per-request input of contextual policies (logistic-thompson): the customer's feature vector and the
 * Laplace posterior of each arm of the view, arm-major (arm j's weights at m[j*dim .. (j+1)*dim)).
 */
export interface ContextualInput {
  readonly x: Float64Array;
  readonly dim: number;
  readonly m: Float64Array;
  readonly q: Float64Array;
}

export interface DecideContext {
  readonly kernel: Kernel;
  /** Set by the engine for contextual policies (optional: context-free policies ignore it). */
  readonly contextual?: ContextualInput;
  /** Predicted reward probability of each arm of the view from the campaign's active model, if any. */
  readonly modelScores?: Float64Array;
  /** b in score = (1 - b) * draw + b * model, when the campaign blends its model (0 = no blend). */
  readonly modelBlend?: number;
  /** Stable per customer and campaign (customer id + campaign + salt); used for sticky splits. */
  readonly stickyKey: string;
  /** Milliseconds since epoch. */
  readonly now: number;
}

/** One ranked offer, by index into the ArmsView. */
export interface Ranked {
  index: number;
  /** What the policy ranked by (a draw, a UCB, a quantile, ...). */
  score: number;
  /** Predicted reward probability (posterior mean, or empirical mean). */
  probability: number;
  /** Probability that this policy puts this offer in this slot, given the same state. */
  propensity: number;
}

export interface Policy {
  /** Policy name as in DESIGN.md (`thompson`, `ucb1`, ...). */
  readonly name: string;
  /** Ranks min(n, arms.k) offers. n >= 1. Must not write to `arms`. */
  rank(arms: ArmsView, n: number, ctx: DecideContext): Ranked[];
  /** Applies one outcome to slot `arm` of `table` (the single writer calls this). */
  update(table: ArmTable, arm: number, reward: number, now: number): void;
}

/** Parameters as they come from a campaign or a spec string (`epsilon-greedy:epsilon=0.05`). */
export type PolicyParams = Readonly<Record<string, string | number | boolean>>;
