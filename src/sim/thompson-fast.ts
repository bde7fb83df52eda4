import type { Kernel } from '../kernel/types';
import type { ArmsView } from '../policies/types';

/**
 * Many Thompson decisions (argmax of one Beta draw per arm) for a frozen posterior, exact in
 * distribution but without drawing every arm at every step.
 *
 * Each arm's draw X_i ~ Beta_i is split by its (1 - tail)-quantile h_i: X_i > h_i with probability
 * `tail` exactly. For the "weak" arms (h_i below the leader's mean), the steps at which X_i lands above
 * h_i are drawn directly (geometric gaps), and only there is X_i drawn, from the upper tail (by
 * rejection under the exponential tangent to log f_i at h_i, exact because a Beta density with both
 * shapes >= 1 is log-concave; else by inversion, X_i = Q_i(1 - tail + tail * u)). At the other steps
 * X_i <= h_i, and its value is only needed when the best draw so far is below h_i; it is then drawn
 * from Beta_i conditioned on X_i <= h_i, by rejection (a draw above h_i, probability `tail`, is drawn
 * again), in one kernel.beta call for all such (step, arm) pairs. "Strong" arms are drawn at every
 * step in one kernel.thompsonPicks call.
 * Every X_i thus has exactly its Beta law, independently, so the argmax has exactly Thompson's law;
 * which arms count as weak only decides the speed. (Ties have probability zero for continuous draws.)
 */
export interface PrunedOptions {
  /**
   * Upper-tail mass per weak arm and step (default 0.01). Larger makes more arms weak (h_i is lower)
   * but costs more upper-tail draws (tail * steps per weak arm).
   */
  readonly tail: number;
  /**
   * Weak means h_i < leader mean - margin * leader SD (default 0.5: the leader alone is below h_i in
   * at most ~30% of the steps, and a weak arm costs one draw only at those).
   */
  readonly margin: number;
}

export const PRUNED_DEFAULTS: PrunedOptions = { tail: 0.01, margin: 0.5 };

/** A betaQuantile costs about this many Beta draws (measured on the native kernel). */
const QUANTILE_COST_DRAWS = 100;

/** Attempts of the tangent-exponential rejection before falling back to inversion. */
const MAX_TAIL_ATTEMPTS = 16;

/**
 * z of the normal approximation to the (1 - tail)-quantile, for the cheap screen before the exact
 * quantile. It only decides speed: an arm it lets through may fail the exact test (one wasted
 * quantile per change of that arm), an arm it stops is drawn at every step.
 */
function candidateZ(tail: number): number {
  return tail <= 1e-6 ? 4.7 : tail <= 1e-4 ? 3.7 : tail <= 1e-2 ? 2.3 : 0;
}

/** Views of exactly these lengths are kept, so a steady state allocates nothing per window. */
const CACHED_VIEWS = 256;

/** A growing Float64Array scratch: atLeast() for calls that take a length, view() for exact ones. */
class Grow {
  private buf = new Float64Array(0);
  private views: (Float64Array | undefined)[] = [];
  atLeast(len: number): Float64Array {
    if (this.buf.length < len) {
      const next = new Float64Array(Math.max(len, this.buf.length * 2));
      next.set(this.buf);
      this.buf = next;
      this.views = [];
    }
    return this.buf;
  }
  view(len: number): Float64Array {
    const buf = this.atLeast(len);
    if (len >= CACHED_VIEWS) return buf.length === len ? buf : buf.subarray(0, len);
    return (this.views[len] ??= buf.subarray(0, len));
  }
}

class GrowU32 {
  private buf = new Uint32Array(0);
  private views: (Uint32Array | undefined)[] = [];
  atLeast(len: number): Uint32Array {
    if (this.buf.length < len) {
      const next = new Uint32Array(Math.max(len, this.buf.length * 2));
      next.set(this.buf);
      this.buf = next;
      this.views = [];
    }
    return this.buf;
  }
  view(len: number): Uint32Array {
    const buf = this.atLeast(len);
    if (len >= CACHED_VIEWS) return buf.length === len ? buf : buf.subarray(0, len);
    return (this.views[len] ??= buf.subarray(0, len));
  }
}

export class PrunedThompson {
  private cacheA = new Float64Array(0);
  private cacheB = new Float64Array(0);
  private cacheH = new Float64Array(0);
  private isWeak = new Uint8Array(0);
  private armList = new Int32Array(0);
  private readonly a1 = new Float64Array(1);
  private readonly b1 = new Float64Array(1);
  private readonly o1 = new Float64Array(1);
  private readonly pool = new Float64Array(256);
  private poolAt = 256;

  private readonly f = [new Grow(), new Grow(), new Grow(), new Grow(), new Grow(), new Grow()];
  private readonly u = [new GrowU32(), new GrowU32(), new GrowU32(), new GrowU32()];
  private readonly o: PrunedOptions;
  private staleAvg = 0;

  constructor(options: Partial<PrunedOptions> = {}) {
    this.o = { ...PRUNED_DEFAULTS, ...options };
  }

  private uniform(kernel: Kernel): number {
    if (this.poolAt === this.pool.length) {
      kernel.uniform(this.pool);
      this.poolAt = 0;
    }
    return this.pool[this.poolAt++];
  }

  private quantile(kernel: Kernel, a: number, b: number, p: number): number {
    this.a1[0] = a;
    this.b1[0] = b;
    kernel.betaQuantile(this.a1, this.b1, p, this.o1);
    return this.o1[0];
  }

  /**
   * X ~ Beta(a, b) conditioned on X > h, where P(X > h) = tail. For a, b >= 1 and h above the mode,
   * log f is concave, so f(x) <= f(h) exp(-lambda (x - h)) with lambda = -(log f)'(h) > 0: propose
   * x = h + Exp(lambda), accept with probability f(x) / (f(h) exp(-lambda (x - h))). Exact; most
   * proposals are accepted in the far tail. Otherwise (or after many rejections) by inversion.
   */
  private upperTail(kernel: Kernel, a: number, b: number, h: number, tail: number): number {
    const lambda = (b - 1) / (1 - h) - (a - 1) / h;
    if (a >= 1 && b >= 1 && lambda * (1 - h) > 4) {
      for (let n = 0; n < MAX_TAIL_ATTEMPTS; n++) {
        const delta = -Math.log(this.uniform(kernel)) / lambda;
        if (h + delta >= 1) continue;
        const logRatio = (a - 1) * Math.log1p(delta / h) + (b - 1) * Math.log1p(-delta / (1 - h)) + lambda * delta;
        if (Math.log(this.uniform(kernel)) < logRatio) return h + delta;
      }
    }
    return this.quantile(kernel, a, b, 1 - tail + tail * this.uniform(kernel));
  }

  private resize(k: number): void {
    this.cacheA = new Float64Array(k).fill(NaN);
    this.cacheB = new Float64Array(k).fill(NaN);
    this.cacheH = new Float64Array(k);
    this.isWeak = new Uint8Array(k);
    this.armList = new Int32Array(k);
  }

  /**
   * Fills picks[0..count) and returns true, or returns false (nothing written) when pruning would
   * not pay off for this state (then the caller draws every arm).
   */
  pick(view: ArmsView, count: number, picks: Int32Array, kernel: Kernel): boolean {
    const k = view.k;
    const { alpha, beta } = view;
    const { tail, margin } = this.o;
    if (this.cacheA.length !== k) this.resize(k);
    const { cacheA, cacheB, cacheH, isWeak } = this;
    let L = 0;
    let bestMean = -1;
    for (let i = 0; i < k; i++) {
      const m = alpha[i] / (alpha[i] + beta[i]);
      if (m > bestMean) {
        bestMean = m;
        L = i;
      }
    }
    const s = alpha[L] + beta[L];
    const bar = bestMean - margin * Math.sqrt((alpha[L] * beta[L]) / (s * s * (s + 1)));
    // Candidates by a normal approximation (cheap); the exact quantile decides below. Candidates are
    // listed in armList[0..nc), and marked 2 in isWeak until confirmed.
    const cand = this.armList;
    const zCand = candidateZ(tail);
    let nc = 0;
    let stale = 0;
    for (let i = 0; i < k; i++) {
      isWeak[i] = 0;
      if (i === L) continue;
      const si = alpha[i] + beta[i];
      const mi = alpha[i] / si;
      const sdi = Math.sqrt((alpha[i] * beta[i]) / (si * si * (si + 1)));
      if (mi + zCand * sdi < bar) {
        cand[nc++] = i;
        if (cacheA[i] !== alpha[i] || cacheB[i] !== beta[i]) stale++;
      }
    }
    if (nc === 0) return false;
    // Cached quantiles pay off over many windows unless every arm keeps changing (decay moves all
    // posteriors at each outcome): then draw every arm.
    this.staleAvg = 0.9 * this.staleAvg + (0.1 * stale) / nc;
    if (this.staleAvg > 0.5 && stale * QUANTILE_COST_DRAWS > count * nc) return false;
    if (stale > 0) {
      const qa = this.f[0].view(stale), qb = this.f[1].view(stale), qo = this.f[5].view(stale);
      let j = 0;
      for (let c = 0; c < nc; c++) {
        const i = cand[c];
        if (cacheA[i] !== alpha[i] || cacheB[i] !== beta[i]) {
          qa[j] = alpha[i];
          qb[j] = beta[i];
          j++;
        }
      }
      kernel.betaQuantile(qa, qb, 1 - tail, qo);
      j = 0;
      for (let c = 0; c < nc; c++) {
        const i = cand[c];
        if (cacheA[i] !== alpha[i] || cacheB[i] !== beta[i]) {
          cacheA[i] = alpha[i];
          cacheB[i] = beta[i];
          cacheH[i] = qo[j++];
        }
      }
    }
    // Confirmed weak arms go to the front of armList.
    let nw = 0;
    let hMax = -Infinity;
    for (let c = 0; c < nc; c++) {
      const i = cand[c];
      if (cacheH[i] < bar) {
        isWeak[i] = 1;
        cand[nw++] = i;
        if (cacheH[i] > hMax) hMax = cacheH[i];
      }
    }
    if (nw === 0) return false;
    const weak = cand;
    const ns = k - nw;

    // Strong arms: every step, one kernel call over their shapes.
    const sa = this.f[0].view(ns), sb = this.f[1].view(ns);
    const strong = this.u[0].atLeast(ns);
    for (let i = 0, j = 0; i < k; i++) {
      if (isWeak[i] === 0) {
        sa[j] = alpha[i];
        sb[j] = beta[i];
        strong[j++] = i;
      }
    }
    // thompsonPicks needs outIdx/outMax of length >= count: whole buffers, no views
    const idx = this.u[1].atLeast(count);
    const bestV = this.f[2].atLeast(count);
    kernel.thompsonPicks(sa, sb, count, idx, bestV);
    for (let t = 0; t < count; t++) picks[t] = strong[idx[t]];

    // Weak arms above their h_i: geometric gaps, then an upper-tail draw where they land.
    const logq = Math.log1p(-tail);
    for (let w = 0; w < nw; w++) {
      const i = weak[w];
      let t = Math.floor(Math.log(this.uniform(kernel)) / logq);
      while (t < count) {
        const x = this.upperTail(kernel, alpha[i], beta[i], cacheH[i], tail);
        if (x > bestV[t]) {
          bestV[t] = x;
          picks[t] = i;
        }
        t += 1 + Math.floor(Math.log(this.uniform(kernel)) / logq);
      }
    }

    // Weak arms below their h_i matter only where the best draw is below h_i: those (step, arm)
    // pairs are drawn together, conditioned on X_i <= h_i by redrawing the few above h_i. An arm that
    // landed above h_i at t already counts in bestV[t] > h_i, so it is never drawn twice.
    let np = 0;
    let pt = this.u[2].atLeast(0);
    let pi = this.u[3].atLeast(0);
    for (let t = 0; t < count; t++) {
      const v = bestV[t];
      if (v >= hMax) continue;
      for (let w = 0; w < nw; w++) {
        const i = weak[w];
        if (cacheH[i] <= v) continue;
        if (np === pt.length) {
          pt = this.u[2].atLeast(np + 1);
          pi = this.u[3].atLeast(np + 1);
        }
        pt[np] = t;
        pi[np++] = i;
      }
    }
    while (np > 0) {
      const pa = this.f[3].view(np), pb = this.f[4].view(np), px = this.f[5].view(np);
      for (let j = 0; j < np; j++) {
        const i = pi[j];
        pa[j] = alpha[i];
        pb[j] = beta[i];
      }
      kernel.beta(pa, pb, px);
      let redo = 0;
      for (let j = 0; j < np; j++) {
        const t = pt[j];
        const i = pi[j];
        const x = px[j];
        if (x > cacheH[i]) {
          pt[redo] = t;
          pi[redo++] = i;
          continue;
        }
        if (x > bestV[t]) {
          bestV[t] = x;
          picks[t] = i;
        }
      }
      np = redo;
    }
    return true;
  }
}
