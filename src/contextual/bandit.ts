import { getKernel } from '../kernel/index';
import type { Kernel } from '../kernel/types';
import { createLogisticThompson } from '../policies/logistic-thompson';
import type { ArmsView, Ranked } from '../policies/types';
import { LaplaceScratch, laplaceUpdate } from './laplace';

/**
 * logistic-thompson as a plain object for loops outside the server (simulator, notebooks, tests):
 * create, rank or choose for a feature vector, update with (x, arm, reward). Same mathematics as the
 * served policy: the same rank() code, and the same batch Laplace update the store applies.
 */
export interface ContextualBanditOptions {
  /** Number of arms (offers). */
  readonly arms: number;
  /** Length of the feature vectors, bias column included (VectorBuilder.dim). */
  readonly dim: number;
  /** Prior precision of every weight (prior N(0, 1/priorPrecision)). */
  readonly priorPrecision?: number;
  /** Outcomes buffered before a Laplace update (the server batches by group commit, at most this). */
  readonly batchSize?: number;
  /** Monte-Carlo draws behind rank()'s propensities. */
  readonly propensityDraws?: number;
  /** Kernel to draw from (default: this thread's); seeded with `seed` when given. */
  readonly kernel?: Kernel;
  readonly seed?: number;
}

export const BANDIT_DEFAULTS = { priorPrecision: 1, batchSize: 32, propensityDraws: 100 } as const;

function positiveInt(v: unknown, name: string): number {
  if (typeof v !== 'number') throw new TypeError(`options.${name} must be a positive integer`);
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`options.${name} must be a positive integer`);
  return v;
}

export class LogisticThompsonBandit {
  readonly arms: number;
  readonly dim: number;
  /** Weight means and precisions, arm-major: arm a's weights at [a * dim, (a + 1) * dim). */
  readonly m: Float64Array;
  readonly q: Float64Array;
  private readonly kernel: Kernel;
  private readonly batchSize: number;
  private readonly policy;
  private readonly view: ArmsView;
  private readonly xs: Float64Array;
  private readonly arm: Int32Array;
  private readonly reward: Float64Array;
  private pending = 0;
  private readonly armXs: Float64Array;
  private readonly armYs: Float64Array;
  private readonly scratch = new LaplaceScratch();
  private readonly mean: Float64Array;
  private readonly sd: Float64Array;
  private readonly z: Float64Array;

  constructor(options: ContextualBanditOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.arms = positiveInt(options.arms, 'arms');
    this.dim = positiveInt(options.dim, 'dim');
    const prior = options.priorPrecision ?? BANDIT_DEFAULTS.priorPrecision;
    if (typeof prior !== 'number') throw new TypeError('options.priorPrecision must be a positive number');
    if (!(prior > 0) || !Number.isFinite(prior)) throw new RangeError('options.priorPrecision must be a positive number');
    this.batchSize = positiveInt(options.batchSize ?? BANDIT_DEFAULTS.batchSize, 'batchSize');
    const draws = positiveInt(options.propensityDraws ?? BANDIT_DEFAULTS.propensityDraws, 'propensityDraws');
    this.kernel = options.kernel ?? getKernel();
    if (options.seed !== undefined) this.kernel.seed(options.seed);
    this.policy = createLogisticThompson({ propensityDraws: draws });
    const k = this.arms;
    this.m = new Float64Array(k * this.dim);
    this.q = new Float64Array(k * this.dim).fill(prior);
    const ones = new Float64Array(k).fill(1);
    this.view = { k, alpha: ones, beta: ones, priorAlpha: ones, priorBeta: ones, weights: ones, boosts: ones, cacheKey: 'bandit', version: 0 };
    this.xs = new Float64Array(this.batchSize * this.dim);
    this.arm = new Int32Array(this.batchSize);
    this.reward = new Float64Array(this.batchSize);
    this.armXs = new Float64Array(this.batchSize * this.dim);
    this.armYs = new Float64Array(this.batchSize);
    this.mean = new Float64Array(k);
    this.sd = new Float64Array(k);
    this.z = new Float64Array(k);
  }

  /** Top-n arms for x with score, predicted probability and Monte-Carlo propensity. */
  rank(x: Float64Array, n = 1): Ranked[] {
    this.checkX(x);
    return this.policy.rank(this.view, n, { kernel: this.kernel, stickyKey: '', now: 0, contextual: { x, dim: this.dim, m: this.m, q: this.q } });
  }

  /** The arm Thompson sampling picks for x (no propensities: the fast path for simulations). */
  choose(x: Float64Array): number {
    this.checkX(x);
    this.kernel.linearScores(this.m, this.q, x.length === this.dim ? x : x.subarray(0, this.dim), this.mean, this.sd, this.z);
    let best = 0;
    let bestV = -Infinity;
    for (let a = 0; a < this.arms; a++) {
      // sigmoid is monotone: compare the linear scores.
      const v = this.z[a]!;
      if (v > bestV) {
        bestV = v;
        best = a;
      }
    }
    return best;
  }

  /** Records one outcome; the weights change when the batch is full (or on flush()). */
  update(x: Float64Array, arm: number, reward: number): void {
    this.checkX(x);
    if (typeof arm !== 'number') throw new TypeError('arm must be an integer in [0, arms)');
    if (!Number.isInteger(arm) || arm < 0 || arm >= this.arms) throw new RangeError('arm must be an integer in [0, arms)');
    if (typeof reward !== 'number') throw new TypeError('reward must be a number in [0, 1]');
    if (!(reward >= 0 && reward <= 1)) throw new RangeError('reward must be a number in [0, 1]');
    const j = this.pending++;
    this.xs.set(x.subarray(0, this.dim), j * this.dim);
    this.arm[j] = arm;
    this.reward[j] = reward;
    if (this.pending === this.batchSize) this.flush();
  }

  /** Applies the buffered outcomes now, arm by arm. */
  flush(): void {
    const dim = this.dim;
    for (let a = 0; a < this.arms; a++) {
      let n = 0;
      for (let j = 0; j < this.pending; j++) {
        if (this.arm[j] !== a) continue;
        this.armXs.set(this.xs.subarray(j * dim, (j + 1) * dim), n * dim);
        this.armYs[n++] = this.reward[j]!;
      }
      if (n > 0) laplaceUpdate(this.m, this.q, a * dim, dim, this.armXs, this.armYs, n, this.scratch);
    }
    this.pending = 0;
  }

  private checkX(x: Float64Array): void {
    if (!(x instanceof Float64Array)) throw new TypeError('x must be a Float64Array');
    if (x.length < this.dim) throw new RangeError(`x.length must be >= dim (${this.dim})`);
  }
}

export function createLogisticThompsonBandit(options: ContextualBanditOptions): LogisticThompsonBandit {
  return new LogisticThompsonBandit(options);
}
