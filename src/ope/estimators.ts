import { Rng } from '../sim/rng';
import type { Estimate } from './types';

/**
 * IPW, self-normalised IPW, direct method and doubly robust, in the Open Bandit Pipeline's forms
 * (Saito et al. 2021), for one slot. For event i with logged action a_i, reward r_i, logging
 * propensity p_i, the evaluated policy's action distribution pi_i(.) and the reward model q(.):
 *
 *   w_i   = pi_i(a_i) / p_i
 *   IPW   = mean_i  w_i r_i
 *   SNIPW = sum_i w_i r_i / sum_i w_i
 *   DM    = mean_i  sum_a pi_i(a) q(a)
 *   DR    = mean_i [sum_a pi_i(a) q(a) + w_i (r_i - q(a_i))]
 *
 * q is the per-action mean reward of the same events (overall mean for an action never logged).
 * Intervals: nonparametric bootstrap over events (seeded), percentile method.
 */
export interface OffPolicyInput {
  readonly actions: Int32Array;
  readonly rewards: Float64Array;
  readonly propensities: Float64Array;
  /** pi_i(.) per event, length K each; events may share one array (a static policy). */
  readonly pi: readonly Float64Array[];
  /** Number of actions K (the per-action reward model is fitted here, per resample). */
  readonly k: number;
}

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  readonly resamples?: number;
  /** Interval level (default 0.95). */
  readonly level?: number;
  readonly seed?: number;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 1000, level: 0.95, seed: 1 } as const;

/** Per-action mean reward of the events (the direct method's model); overall mean for unseen actions. */
export function perActionMeans(actions: Int32Array, rewards: Float64Array, k: number): Float64Array {
  const sum = new Float64Array(k);
  const cnt = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < actions.length; i++) {
    sum[actions[i]] += rewards[i];
    cnt[actions[i]] += 1;
    total += rewards[i];
  }
  const overall = actions.length > 0 ? total / actions.length : 0;
  return sum.map((s, a) => (cnt[a] > 0 ? s / cnt[a] : overall));
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const x = q * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - lo);
}

function sdOf(xs: Float64Array): number {
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return xs.length > 1 ? Math.sqrt(ss / (xs.length - 1)) : 0;
}

function summary(values: Float64Array, level: number): { ci: [number, number]; se: number } {
  const finite = values.filter((v) => Number.isFinite(v)).sort();
  return { ci: [percentile(finite, (1 - level) / 2), percentile(finite, 1 - (1 - level) / 2)], se: sdOf(finite) };
}

/** Distinct action-distribution rows and each event's row (a static policy has one row). */
function rowsOf(pi: readonly Float64Array[]): { rows: Float64Array[]; rowOf: Int32Array } {
  const rows: Float64Array[] = [];
  const ids = new Map<Float64Array, number>();
  const rowOf = new Int32Array(pi.length);
  pi.forEach((p, i) => {
    let id = ids.get(p);
    if (id === undefined) {
      id = rows.length;
      ids.set(p, id);
      rows.push(p);
    }
    rowOf[i] = id;
  });
  return { rows, rowOf };
}

/**
 * The four estimators with bootstrap intervals. Each resample refits the per-action reward model
 * (so DM's interval reflects the model's own noise), using sufficient statistics: per action the
 * count, reward sum and weight sum, per distribution row the count. An action a resample never saw
 * gets the resample's overall mean.
 */
export function offPolicyEstimates(input: OffPolicyInput, options: BootstrapOptions = {}): Estimate[] {
  const { resamples, level, seed } = { ...BOOTSTRAP_DEFAULTS, ...options };
  const n = input.actions.length;
  const k = input.k;
  const { actions, rewards } = input;
  const w = new Float64Array(n);
  let sW2 = 0;
  for (let i = 0; i < n; i++) {
    w[i] = input.pi[i][actions[i]] / input.propensities[i];
    sW2 += w[i] * w[i];
  }
  const { rows, rowOf } = rowsOf(input.pi);
  const cnt = new Float64Array(k), sumR = new Float64Array(k), sumW = new Float64Array(k);
  const rowCnt = new Float64Array(rows.length);
  const q = new Float64Array(k);

  /** [ipw, snipw, dm, dr, sum of weights] from the accumulated statistics. */
  const finish = (sWr: number, sW: number, sR: number): [number, number, number, number, number] => {
    const overall = sR / n;
    for (let a = 0; a < k; a++) q[a] = cnt[a] > 0 ? sumR[a] / cnt[a] : overall;
    let dm = 0;
    for (let r = 0; r < rows.length; r++) {
      if (rowCnt[r] === 0) continue;
      const row = rows[r];
      let v = 0;
      for (let a = 0; a < k; a++) v += row[a] * q[a];
      dm += rowCnt[r] * v;
    }
    let corr = sWr;
    for (let a = 0; a < k; a++) corr -= q[a] * sumW[a];
    return [sWr / n, sWr / sW, dm / n, (dm + corr) / n, sW];
  };
  /** Statistics of the events listed in `idx` (all events when null). */
  const accumulate = (idx: Int32Array | null): [number, number, number, number, number] => {
    cnt.fill(0);
    sumR.fill(0);
    sumW.fill(0);
    rowCnt.fill(0);
    let sWr = 0, sW = 0, sR = 0;
    for (let j = 0; j < n; j++) {
      const i = idx === null ? j : idx[j];
      const a = actions[i];
      const wi = w[i];
      cnt[a] += 1;
      sumR[a] += rewards[i];
      sumW[a] += wi;
      rowCnt[rowOf[i]] += 1;
      sWr += wi * rewards[i];
      sW += wi;
      sR += rewards[i];
    }
    return finish(sWr, sW, sR);
  };

  const point = accumulate(null);
  const sW = point[4];
  const boot = [new Float64Array(resamples), new Float64Array(resamples), new Float64Array(resamples), new Float64Array(resamples)];
  const rng = new Rng(seed, n, 7);
  const draw = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let j = 0; j < n; j++) draw[j] = rng.int(n);
    const r = accumulate(draw);
    for (let e = 0; e < 4; e++) boot[e][b] = r[e];
  }
  const ess = sW2 > 0 ? (sW * sW) / sW2 : 0;
  const make = (estimator: Estimate['estimator'], e: number, detail: Record<string, number>): Estimate => ({
    estimator,
    value: point[e],
    ...summary(boot[e], level),
    n,
    detail,
  });
  return [
    make('ipw', 0, { effectiveSampleSize: ess, meanWeight: sW / n }),
    make('snipw', 1, { effectiveSampleSize: ess, meanWeight: sW / n }),
    make('dm', 2, {}),
    make('dr', 3, { effectiveSampleSize: ess }),
  ];
}

/** Bootstrap of a plain mean (replay's matched rewards, the logged rewards). */
export function meanWithInterval(xs: Float64Array, options: BootstrapOptions = {}): { value: number; ci: [number, number]; se: number } {
  const { resamples, level, seed } = { ...BOOTSTRAP_DEFAULTS, ...options };
  const n = xs.length;
  let s = 0;
  for (const x of xs) s += x;
  if (n === 0) return { value: NaN, ci: [NaN, NaN], se: NaN };
  const rng = new Rng(seed, n, 11);
  const boot = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let t = 0;
    for (let j = 0; j < n; j++) t += xs[rng.int(n)];
    boot[b] = t / n;
  }
  return { value: s / n, ...summary(boot, level) };
}
