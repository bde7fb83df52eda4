/**
 * A small seeded generator (sfc32) for the simulated world and for bootstrap resampling. It is kept
 * apart from the kernel's generator on purpose: the world (true rates, churn, the uniforms that decide
 * rewards) is then the same for every policy of a run (common random numbers, so policy differences
 * are not drowned in world noise), and the kernel stream stays the policy's own.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `parts` are mixed into one seed (e.g. scenario seed, run index, stream id). */
  constructor(...parts: number[]) {
    let h = 0x9e3779b9;
    for (const p of parts) {
      // Fold the 53-bit safe integer in two halves.
      h = mix32(h ^ (p >>> 0));
      h = mix32(h ^ Math.floor(p / 0x100000000));
    }
    this.a = mix32(h ^ 0x243f6a88);
    this.b = mix32(this.a ^ 0x85a308d3);
    this.c = mix32(this.b ^ 0x13198a2e);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next32();
  }

  /** Uniform 32-bit unsigned integer. */
  next32(): number {
    const a = this.a, b = this.b, c = this.c, d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = ((c << 21) | (c >>> 11)) + t | 0;
    return t >>> 0;
  }

  /** U(0,1), never 0 or 1 (32-bit resolution, centred in its cell). */
  uniform(): number {
    return (this.next32() + 0.5) * 2.3283064365386963e-10;
  }

  /**
   * Writes n uniforms into out[0..n), the same values n uniform() calls would return, with the state
   * kept in locals (the simulator draws one per step, so this loop is on its hot path).
   */
  fill(out: Float64Array, n: number): void {
    // `| 0`: the fields may hold doubles (constructor values above 2^31); int32 locals keep the loop in integer registers.
    let a = this.a | 0, b = this.b | 0, c = this.c | 0, d = this.d | 0;
    for (let i = 0; i < n; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = ((c << 21) | (c >>> 11)) + t | 0;
      out[i] = ((t >>> 0) + 0.5) * 2.3283064365386963e-10;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    const x = Math.floor(this.uniform() * n);
    return x < n ? x : n - 1;
  }

  /**
   * Number of failures before the first success of a Bernoulli(p) sequence (>= 0); Infinity for p = 0.
   * Lets the simulator jump straight to the next churn event instead of flipping a coin per step.
   */
  geometric(p: number): number {
    if (p <= 0) return Infinity;
    if (p >= 1) return 0;
    return Math.floor(Math.log(this.uniform()) / Math.log1p(-p));
  }

  /** Gamma(shape, 1) by Marsaglia-Tsang (world rates only; the policies use the kernel). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a);
    return x / (x + this.gamma(b));
  }

  /** Standard normal (Box-Muller; one of the pair is dropped, speed does not matter here). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}
