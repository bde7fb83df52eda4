import type { ArmsView, DecideContext, Policy, Ranked } from './types';

/**
 * What every policy of this folder offers beyond the Policy contract: the whole slate propensity
 * matrix, out[i * n + j] = probability that arm i lands in slot j (n = min(requested, k)). rank()
 * reports the entries of this matrix for the arms it shows; tests check that each column sums to 1,
 * and stats / off-policy evaluation can use it directly.
 */
export interface SlatePolicy extends Policy {
  propensityMatrix(arms: ArmsView, n: number, ctx: DecideContext, out: Float64Array): void;
}

export function checkRankArgs(policy: string, arms: ArmsView, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${policy}.rank: n must be an integer >= 1`);
  if (arms.k < 1) throw new RangeError(`${policy}.rank: arms.k must be >= 1`);
  return n < arms.k ? n : arms.k;
}

export function checkMatrixOut(policy: string, arms: ArmsView, m: number, out: Float64Array): void {
  if (out.length !== arms.k * m) {
    throw new RangeError(`${policy}.propensityMatrix: out.length must be arms.k * min(n, arms.k)`);
  }
}

export function posteriorMean(arms: ArmsView, i: number): number {
  return arms.alpha[i] / (arms.alpha[i] + arms.beta[i]);
}

export function anyBoost(arms: ArmsView): boolean {
  return arms.unboosted !== true && anyBoostIn(arms.boosts, arms.k);
}

/** Whether any of the first k boosts differs from 1. */
export function anyBoostIn(b: Float64Array, k: number): boolean {
  for (let i = 0; i < k; i++) if (b[i] !== 1) return true;
  return false;
}

/**
 * JS top-n (largest first, ties to the lower index) for values the kernel may refuse (+Infinity).
 * O(n * k); n is a slate size, small.
 */
export function topNInto(values: Float64Array, k: number, n: number, taken: Uint8Array, outIdx: Uint32Array): void {
  taken.fill(0, 0, k);
  for (let j = 0; j < n; j++) {
    let best = -1;
    let bestV = -Infinity;
    for (let i = 0; i < k; i++) {
      if (taken[i] === 1) continue;
      const v = values[i];
      if (best === -1 || v > bestV) {
        best = i;
        bestV = v;
      }
    }
    taken[best] = 1;
    outIdx[j] = best;
  }
}

/** Deterministic policies: the matrix is 1 where the ranking puts an arm, 0 elsewhere. */
export function deterministicMatrix(idx: Uint32Array, m: number, out: Float64Array): void {
  out.fill(0);
  for (let j = 0; j < m; j++) out[idx[j] * m + j] = 1;
}

export function makeRanked(index: number, score: number, probability: number, propensity: number): Ranked {
  return { index, score, probability, propensity };
}
