import type { Kernel } from '../kernel/types';
import type { ArmsView } from '../policies/types';

/**
 * Many Thompson decisions (argmax of one Beta draw per arm) for a frozen posterior, exact in
 * distribution but without drawing every arm at every step.
 *
 * Each arm's draw X_i ~ Beta_i is split by its (1 - tail)-quantile h_i: X_i > h_i with probability
 * `tail` exactly. For the "weak" arms (h_i far below the leader), the steps at which X_i lands above
 * h_i are drawn directly (geometric gaps), and only there is X_i drawn, by inversion from the upper
 * tail: X_i = Q_i(1 - tail + tail * u). At the other steps X_i <= h_i, and its value is only needed
 * when the best draw so far is below h_i (rare); it is then drawn by inversion from the lower part,
 * X_i = Q_i((1 - tail) * u). "Strong" arms are drawn at every step in one kernel.beta call. Every X_i
 * thus has exactly its Beta law, independently, so the argmax has exactly Thompson's law; which arms
 * count as weak only decides the speed. (Ties have probability zero for continuous draws.)
 */
export interface PrunedOptions {
  /** Upper-tail mass per weak arm and step (default 1e-4). */
  readonly tail: number;
  /** Weak means h_i < leader mean - margin * leader SD (default 4). */
  readonly margin: number;
}

export const PRUNED_DEFAULTS: PrunedOptions = { tail: 1e-4, margin: 4 };

/** A betaQuantile costs about this many Beta draws (measured on the native kernel). */
const QUANTILE_COST_DRAWS = 100;

class Grow {
  private buf = new Float64Array(0);
  view(len: number): Float64Array {
    if (this.buf.length < len) this.buf = new Float64Array(Math.max(len, this.buf.length * 2));
    return this.buf.length === len ? this.buf : this.buf.subarray(0, len);
  }
}

export class PrunedThompson {
  private cacheA = new Float64Array(0);
  private cacheB = new Float64Array(0);
  private cacheH = new Float64Array(0);
  private readonly a1 = new Float64Array(1);
  private readonly b1 = new Float64Array(1);
  private readonly o1 = new Float64Array(1);
  private readonly pool = new Float64Array(256);
  private poolAt = 256;
  private readonly rep = [new Grow(), new Grow(), new Grow(), new Grow(), new Grow(), new Grow()];
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
   * Fills picks[0..count) and returns true, or returns false (nothing written) when pruning would
   * not pay off for this state (then the caller draws every arm).
   */
  pick(view: ArmsView, count: number, picks: Int32Array, kernel: Kernel): boolean {
    const k = view.k;
    const { alpha, beta } = view;
    const { tail, margin } = this.o;
    if (this.cacheA.length !== k) {
      this.cacheA = new Float64Array(k).fill(NaN);
      this.cacheB = new Float64Array(k).fill(NaN);
      this.cacheH = new Float64Array(k);
    }
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
    // Candidates by a normal approximation (cheap); the exact quantile decides below.
    const cand: number[] = [];
    let stale = 0;
    for (let i = 0; i < k; i++) {
      if (i === L) continue;
      const si = alpha[i] + beta[i];
      const mi = alpha[i] / si;
      const sdi = Math.sqrt((alpha[i] * beta[i]) / (si * si * (si + 1)));
      if (mi + margin * sdi < bar) {
        cand.push(i);
        if (this.cacheA[i] !== alpha[i] || this.cacheB[i] !== beta[i]) stale++;
      }
    }
    if (cand.length === 0) return false;
    // Cached quantiles pay off over many windows unless every arm keeps changing (decay moves all
    // posteriors at each outcome): then draw every arm.
    this.staleAvg = 0.9 * this.staleAvg + (0.1 * stale) / cand.length;
    if (this.staleAvg > 0.5 && stale * QUANTILE_COST_DRAWS > count * cand.length) return false;
    if (stale > 0) {
      const qa = this.rep[0].view(stale), qb = this.rep[1].view(stale), qo = this.rep[2].view(stale);
      let j = 0;
      for (const i of cand) {
        if (this.cacheA[i] !== alpha[i] || this.cacheB[i] !== beta[i]) {
          qa[j] = alpha[i];
          qb[j] = beta[i];
          j++;
        }
      }
      kernel.betaQuantile(qa, qb, 1 - tail, qo);
      j = 0;
      for (const i of cand) {
        if (this.cacheA[i] !== alpha[i] || this.cacheB[i] !== beta[i]) {
          this.cacheA[i] = alpha[i];
          this.cacheB[i] = beta[i];
          this.cacheH[i] = qo[j++];
        }
      }
    }
    const isWeak = new Uint8Array(k);
    const weak: number[] = [];
    let hMax = -Infinity;
    for (const i of cand) {
      if (this.cacheH[i] < bar) {
        isWeak[i] = 1;
        weak.push(i);
        if (this.cacheH[i] > hMax) hMax = this.cacheH[i];
      }
    }
    if (weak.length === 0) return false;
    const strong: number[] = [];
    for (let i = 0; i < k; i++) if (isWeak[i] === 0) strong.push(i);
    const ns = strong.length;

    // Strong arms: every step, one kernel call.
    const ar = this.rep[0].view(ns * count), br = this.rep[1].view(ns * count), d = this.rep[2].view(ns * count);
    for (let j = 0; j < ns; j++) {
      ar[j] = alpha[strong[j]];
      br[j] = beta[strong[j]];
    }
    for (let len = ns; len < ns * count; ) {
      const n = Math.min(len, ns * count - len);
      ar.copyWithin(len, 0, n);
      br.copyWithin(len, 0, n);
      len += n;
    }
    kernel.beta(ar, br, d);
    const bestV = this.rep[3].view(count);
    for (let t = 0, base = 0; t < count; t++, base += ns) {
      let b = 0;
      let v = d[base];
      for (let j = 1; j < ns; j++) {
        if (d[base + j] > v) {
          v = d[base + j];
          b = j;
        }
      }
      picks[t] = strong[b];
      bestV[t] = v;
    }

    // Weak arms above their h_i: geometric gaps, then an upper-tail draw where they land.
    const logq = Math.log1p(-tail);
    for (const i of weak) {
      let t = Math.floor(Math.log(this.uniform(kernel)) / logq);
      while (t < count) {
        const x = this.quantile(kernel, alpha[i], beta[i], 1 - tail + tail * this.uniform(kernel));
        if (x > bestV[t]) {
          bestV[t] = x;
          picks[t] = i;
        }
        t += 1 + Math.floor(Math.log(this.uniform(kernel)) / logq);
      }
    }

    // Weak arms below their h_i matter only where the best draw is below h_i.
    for (let t = 0; t < count; t++) {
      if (bestV[t] >= hMax) continue;
      for (const i of weak) {
        // An arm that landed above h_i at t already counts in bestV[t] > h_i.
        if (this.cacheH[i] <= bestV[t]) continue;
        const x = this.quantile(kernel, alpha[i], beta[i], (1 - tail) * this.uniform(kernel));
        if (x > bestV[t]) {
          bestV[t] = x;
          picks[t] = i;
        }
      }
    }
    return true;
  }
}
