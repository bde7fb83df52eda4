import { describe, requireCount, requireFinite, requireNumberArray, requireObject, requireUnit } from './check';

/**
 * Calibration of predicted reward probabilities against observed rewards: does an offer predicted
 * at 0.3 earn a reward about 30% of the time?
 *
 * - Reliability bins: 10 equal-width bins over the prediction, [0, 0.1), [0.1, 0.2), ..., [0.9, 1];
 *   the last is closed so that p = 1 has a bin. The bin of p is min(9, floor(10 p)); decimal
 *   literals land where a reader expects (0.3 * 10 rounds to exactly 3, so 0.3 is in [0.3, 0.4)).
 *   Per bin: count, mean predicted, observed rate (mean reward); both null for an empty bin, since
 *   there is no honest number for them.
 * - Expected calibration error: ECE = sum_b (count_b / n) |observedRate_b - meanPredicted_b|.
 * - Brier score: mean (p - y)^2.
 *
 * Rewards are in [0, 1] (Nudge's reward scale), not only 0/1; the formulas hold for a fractional
 * reward read as a probability of success.
 *
 * The store keeps these as sums per one-minute bucket, so the accumulator holds only additive
 * quantities (per bin: count, sum of predicted, sum of reward; overall: sum of squared error): buckets
 * merge by adding, and a window's report is the result of merging its buckets. ECE and the means are
 * derived only in `result()`, never stored, because ratios do not add.
 */
export const CALIBRATION_BINS = 10;

export interface ReliabilityBin {
  /** Inclusive lower edge. */
  readonly lower: number;
  /** Upper edge: exclusive, except for the last bin (1, inclusive). */
  readonly upper: number;
  readonly count: number;
  readonly meanPredicted: number | null;
  readonly observedRate: number | null;
}

export interface CalibrationReport {
  readonly n: number;
  readonly bins: ReliabilityBin[];
  /** Expected calibration error; null when n = 0. */
  readonly ece: number | null;
  /** Brier score; null when n = 0. */
  readonly brier: number | null;
}

/** The additive state of a `CalibrationAccumulator` (what a store bucket keeps). */
export interface CalibrationSums {
  /** Per bin (length 10). */
  readonly count: number[];
  readonly sumPredicted: number[];
  readonly sumReward: number[];
  readonly sumSquaredError: number;
}

/** Bin index of a prediction in [0, 1] (unchecked; callers check p first). */
export function calibrationBin(p: number): number {
  return Math.min(CALIBRATION_BINS - 1, Math.floor(p * CALIBRATION_BINS));
}

export class CalibrationAccumulator {
  private readonly count = new Float64Array(CALIBRATION_BINS);
  private readonly sumPredicted = new Float64Array(CALIBRATION_BINS);
  private readonly sumReward = new Float64Array(CALIBRATION_BINS);
  private sumSquaredError = 0;

  /** Rebuilds an accumulator from stored sums (checked: a store value is input like any other). */
  static fromSums(sums: CalibrationSums): CalibrationAccumulator {
    const s = requireObject('sums', sums);
    const acc = new CalibrationAccumulator();
    const arrays = ['count', 'sumPredicted', 'sumReward'] as const;
    for (const key of arrays) {
      const a = requireNumberArray(`sums.${key}`, s[key]);
      if (a.length !== CALIBRATION_BINS) throw new RangeError(`sums.${key} must have ${CALIBRATION_BINS} entries, got ${a.length}`);
    }
    for (let b = 0; b < CALIBRATION_BINS; b++) {
      const c = requireCount(`sums.count[${b}]`, sums.count[b]);
      const sp = requireFinite(`sums.sumPredicted[${b}]`, sums.sumPredicted[b]);
      const sr = requireFinite(`sums.sumReward[${b}]`, sums.sumReward[b]);
      // Each sum is of c values in [0, 1]; a tolerance of 1e-9 per value absorbs rounding in the
      // store's additions, not a wrong value. The bin's own range bounds the predicted sum too, but
      // that check would be brittle at the edges for no gain.
      const tol = 1e-9 * Math.max(1, c);
      if (sp < -tol || sp > c + tol) throw new RangeError(`sums.sumPredicted[${b}] must be in [0, count], got ${sp}`);
      if (sr < -tol || sr > c + tol) throw new RangeError(`sums.sumReward[${b}] must be in [0, count], got ${sr}`);
      acc.count[b] = c;
      acc.sumPredicted[b] = sp;
      acc.sumReward[b] = sr;
    }
    const n = acc.count.reduce((x, y) => x + y, 0);
    const sse = requireFinite('sums.sumSquaredError', sums.sumSquaredError);
    if (sse < -1e-9 * Math.max(1, n) || sse > n + 1e-9 * Math.max(1, n)) throw new RangeError(`sums.sumSquaredError must be in [0, n], got ${sse}`);
    acc.sumSquaredError = sse;
    return acc;
  }

  /** One outcome: the prediction p made at decision time and the reward y received. */
  add(p: number, y: number): this {
    requireUnit('p', p);
    requireUnit('y', y);
    const b = calibrationBin(p);
    this.count[b] += 1;
    this.sumPredicted[b] += p;
    this.sumReward[b] += y;
    this.sumSquaredError += (p - y) * (p - y);
    return this;
  }

  /** Adds another accumulator's sums into this one (buckets of a window). */
  merge(other: CalibrationAccumulator): this {
    if (!(other instanceof CalibrationAccumulator)) throw new TypeError(`other must be a CalibrationAccumulator, got ${describe(other)}`);
    for (let b = 0; b < CALIBRATION_BINS; b++) {
      this.count[b] += other.count[b];
      this.sumPredicted[b] += other.sumPredicted[b];
      this.sumReward[b] += other.sumReward[b];
    }
    this.sumSquaredError += other.sumSquaredError;
    return this;
  }

  /** A copy of the additive state, for the store. */
  sums(): CalibrationSums {
    return {
      count: Array.from(this.count),
      sumPredicted: Array.from(this.sumPredicted),
      sumReward: Array.from(this.sumReward),
      sumSquaredError: this.sumSquaredError,
    };
  }

  result(): CalibrationReport {
    let n = 0;
    for (const c of this.count) n += c;
    const bins: ReliabilityBin[] = [];
    let ece = 0;
    for (let b = 0; b < CALIBRATION_BINS; b++) {
      const c = this.count[b];
      const meanPredicted = c > 0 ? this.sumPredicted[b] / c : null;
      const observedRate = c > 0 ? this.sumReward[b] / c : null;
      if (meanPredicted !== null && observedRate !== null) ece += (c / n) * Math.abs(observedRate - meanPredicted);
      bins.push({ lower: b / CALIBRATION_BINS, upper: (b + 1) / CALIBRATION_BINS, count: c, meanPredicted, observedRate });
    }
    return { n, bins, ece: n > 0 ? ece : null, brier: n > 0 ? this.sumSquaredError / n : null };
  }
}

/** Reliability bins, ECE and Brier score of paired predictions and rewards. */
export function calibration(predicted: ArrayLike<number>, rewards: ArrayLike<number>): CalibrationReport {
  const p = requireNumberArray('predicted', predicted);
  const y = requireNumberArray('rewards', rewards);
  if (p.length !== y.length) throw new RangeError(`rewards must have one entry per prediction (${p.length}), got ${y.length}`);
  const acc = new CalibrationAccumulator();
  for (let i = 0; i < p.length; i++) {
    requireUnit(`predicted[${i}]`, p[i]);
    requireUnit(`rewards[${i}]`, y[i]);
    acc.add(p[i], y[i]);
  }
  return acc.result();
}
