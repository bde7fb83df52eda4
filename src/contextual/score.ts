import type { Kernel } from '../kernel/types';
import { sigmoid } from './laplace';

/**
 * Contextual Thompson scores after the kernel's draw (Kernel.linearScores gives each arm's linear
 * score mean + z sd): score = boost * ((1 - b) * sigmoid(linear) + b * model), and the Monte-Carlo
 * propensities of those scores.
 */
export interface Blend {
  readonly boosts: Float64Array | null;
  readonly model: Float64Array | null;
  readonly b: number;
}

/** score[a] from a drawn linear score lin[a] (sigmoid, then blend, then boost). */
export function scoresFromLinear(lin: Float64Array, k: number, blend: Blend, score: Float64Array): void {
  const { boosts, model, b } = blend;
  for (let a = 0; a < k; a++) {
    let s = sigmoid(lin[a]!);
    if (model !== null && b > 0) s = (1 - b) * s + b * model[a]!;
    if (boosts !== null) s *= boosts[a]!;
    score[a] = s;
  }
}

/** True when ranking by the linear score equals ranking by the final score (no boosts, no blend). */
export function isLinear(blend: Blend): boolean {
  return blend.boosts === null && (blend.model === null || blend.b <= 0);
}

/** score[a] from z[a] (already drawn) and the moments. */
export function scoresFrom(mean: Float64Array, sd: Float64Array, z: Float64Array, k: number, blend: Blend, score: Float64Array): void {
  const { boosts, model, b } = blend;
  for (let a = 0; a < k; a++) {
    let s = sigmoid(mean[a]! + z[a]! * sd[a]!);
    if (model !== null && b > 0) s = (1 - b) * s + b * model[a]!;
    if (boosts !== null) s *= boosts[a]!;
    score[a] = s;
  }
}

/** Half-width, in standard deviations, beyond which an arm is treated as never reaching the slate. */
export const PRUNE_SDS = 5;

/** The score of arm a for a linear score `lin` (boost and blend applied; monotone in lin). */
function transform(a: number, lin: number, blend: Blend, linear: boolean): number {
  if (linear) return lin;
  let s = sigmoid(lin);
  if (blend.model !== null && blend.b > 0) s = (1 - blend.b) * s + blend.b * blend.model[a]!;
  if (blend.boosts !== null) s *= blend.boosts[a]!;
  return s;
}

/** Scratch of the Monte-Carlo pass (grown, never shrunk). */
export class McScratch {
  cand = new Int32Array(16);
  cMean = new Float64Array(16);
  cSd = new Float64Array(16);
  cScore = new Float64Array(16);
  lower = new Float64Array(16);
  private zViews: Float64Array[] = [];
  private zBuf = new Float64Array(16);
  private tmp = new Float64Array(16);
  private views: ({ mean: Float64Array; sd: Float64Array } | undefined)[] = [];
  private tmpViews: (Float64Array | undefined)[] = [];

  ensure(k: number): void {
    if (this.cand.length >= k) return;
    const cap = Math.max(k, this.cand.length * 2);
    this.cand = new Int32Array(cap);
    this.cMean = new Float64Array(cap);
    this.cSd = new Float64Array(cap);
    this.cScore = new Float64Array(cap);
    this.lower = new Float64Array(cap);
    this.zBuf = new Float64Array(cap);
    this.zViews = [];
    this.views = [];
  }

  /** Exact-length views of the candidates' moments (the kernel takes lengths as counts). */
  moments(c: number): { mean: Float64Array; sd: Float64Array } {
    let v = this.views[c];
    if (v === undefined) {
      v = { mean: this.cMean.subarray(0, c), sd: this.cSd.subarray(0, c) };
      this.views[c] = v;
    }
    return v;
  }

  /** An exact-length view for the candidates' propensity matrix (c * n). */
  matrix(len: number): Float64Array {
    if (this.tmp.length < len) {
      this.tmp = new Float64Array(Math.max(len, this.tmp.length * 2));
      this.tmpViews = [];
    }
    let v = this.tmpViews[len];
    if (v === undefined) {
      v = this.tmp.subarray(0, len);
      this.tmpViews[len] = v;
    }
    return v;
  }

  /** A view of exactly c normals' room (the kernel fills a whole array). */
  z(c: number): Float64Array {
    let v = this.zViews[c];
    if (v === undefined) {
      v = this.zBuf.subarray(0, c);
      this.zViews[c] = v;
    }
    return v;
  }
}

/**
 * Monte-Carlo slate propensities: over `draws` joint draws, out[a * n + j] = share of draws in which
 * arm a is in slot j of the top-n.
 *
 * Cost is draws x (arms drawn) normals, so arms that cannot reach the slate are left out first: an
 * arm whose score at mean + 5 sd is below the n-th best score at mean - 5 sd has probability < 3e-7
 * of beating each of those n arms, and gets propensity 0. After some learning this leaves a handful
 * of contenders out of hundreds of offers. Identical arms (all at the prior, no boosts) get 1/k exactly.
 */
export function contextualPropensities(
  kernel: Kernel,
  mean: Float64Array,
  sd: Float64Array,
  k: number,
  n: number,
  draws: number,
  blend: Blend,
  mc: McScratch,
  idx: Uint32Array,
  out: Float64Array,
): void {
  out.fill(0, 0, k * n);
  // sigmoid is monotone: without boosts or a model blend the linear scores rank the same (no exp).
  const linear = blend.boosts === null && (blend.model === null || blend.b <= 0);
  if (linear && allEqual(mean, sd, k)) {
    out.fill(1 / k, 0, k * n);
    return;
  }
  mc.ensure(k);
  const lower = mc.lower;
  for (let a = 0; a < k; a++) lower[a] = transform(a, mean[a]! - PRUNE_SDS * sd[a]!, blend, linear);
  const bar = nthLargest(lower, k, n, mc.cScore);
  let c = 0;
  for (let a = 0; a < k; a++) {
    if (transform(a, mean[a]! + PRUNE_SDS * sd[a]!, blend, linear) < bar) continue;
    mc.cand[c] = a;
    mc.cMean[c] = mean[a]!;
    mc.cSd[c] = sd[a]!;
    c++;
  }
  const m = Math.min(n, c);
  if (linear) {
    // The common case runs in the kernel: draws, scores and top-n counts in one call.
    const v = mc.moments(c);
    const tmp = mc.matrix(c * m);
    kernel.gaussianPropensities(v.mean, v.sd, m, draws, tmp);
    for (let i = 0; i < c; i++) for (let j = 0; j < m; j++) out[mc.cand[i]! * n + j] = tmp[i * m + j]!;
    return;
  }
  const z = mc.z(c);
  const score = mc.cScore;
  for (let t = 0; t < draws; t++) {
    kernel.normal(z);
    for (let i = 0; i < c; i++) score[i] = transform(mc.cand[i]!, mc.cMean[i]! + z[i]! * mc.cSd[i]!, blend, linear);
    if (m === 1) {
      let best = 0;
      let bestV = score[0]!;
      for (let i = 1; i < c; i++) {
        if (score[i]! > bestV) {
          bestV = score[i]!;
          best = i;
        }
      }
      out[mc.cand[best]! * n] += 1;
    } else {
      topNSmall(score, c, m, idx);
      for (let j = 0; j < m; j++) out[mc.cand[idx[j]!]! * n + j] += 1;
    }
  }
  const inv = 1 / draws;
  for (let i = 0; i < k * n; i++) out[i] *= inv;
}

function allEqual(mean: Float64Array, sd: Float64Array, k: number): boolean {
  for (let a = 1; a < k; a++) if (mean[a] !== mean[0] || sd[a] !== sd[0]) return false;
  return true;
}

/** The n-th largest of v[0..k) (n <= k), using tmp as scratch. O(n k); n is a slate size. */
function nthLargest(v: Float64Array, k: number, n: number, tmp: Float64Array): number {
  if (n >= k) {
    let lo = Infinity;
    for (let a = 0; a < k; a++) lo = Math.min(lo, v[a]!);
    return lo;
  }
  for (let a = 0; a < k; a++) tmp[a] = v[a]!;
  let bar = -Infinity;
  for (let j = 0; j < n; j++) {
    let best = -1;
    for (let a = 0; a < k; a++) if (tmp[a] !== -Infinity && (best === -1 || tmp[a]! > tmp[best]!)) best = a;
    bar = tmp[best]!;
    tmp[best] = -Infinity;
  }
  return bar;
}

/** Top-m indices of score[0..c), largest first, ties to the lower index. */
function topNSmall(score: Float64Array, c: number, m: number, idx: Uint32Array): void {
  for (let j = 0; j < m; j++) {
    let best = -1;
    for (let i = 0; i < c; i++) {
      let taken = false;
      for (let l = 0; l < j; l++) if (idx[l] === i) taken = true;
      if (taken) continue;
      if (best === -1 || score[i]! > score[best]!) best = i;
    }
    idx[j] = best;
  }
}
