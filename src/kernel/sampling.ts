import { uniform } from './xoshiro';

/**
 * Scalar variates for the TypeScript fallback. Same algorithms as native/distributions.h except the
 * normal generator (polar method here, ziggurat there): the two agree in distribution, not bit for bit.
 */

// The polar method yields normals in pairs; the second is kept for the next call (per realm). It sits
// in a typed array because a double in a module variable is boxed on every store.
const spare = new Float64Array(1);
let hasSpare = false;

export function resetNormalCache(): void {
  hasSpare = false;
}

export function normal(): number {
  if (hasSpare) {
    hasSpare = false;
    return spare[0]!;
  }
  let u: number, v: number, s: number;
  do {
    u = 2 * uniform() - 1;
    v = 2 * uniform() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s === 0);
  const f = Math.sqrt((-2 * Math.log(s)) / s);
  spare[0] = v * f;
  hasSpare = true;
  return u * f;
}

/**
 * Squeeze constant: u < 1 - s x^4 with s = 1.272 / (81 d), where 1 + c x >= 0.5, implies the exact
 * Marsaglia-Tsang test (see native/distributions.h for the bound), and skips the logarithms far more
 * often than the classic 0.0331 x^4 at large shapes.
 */
const SQUEEZE = 1.272 / 81;

/** Marsaglia-Tsang for shape >= 1. */
function gammaAtLeastOne(a: number): number {
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const s = SQUEEZE / d;
  for (;;) {
    let x: number, y1: number;
    do {
      x = normal();
      y1 = 1 + c * x;
    } while (y1 <= 0);
    const v = y1 * y1 * y1;
    const u = uniform();
    const x2 = x * x;
    if (y1 >= 0.5 && u < 1 - s * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Gamma(a, 1); shape < 1 via Gamma(a + 1) * U^(1/a). */
export function gamma(a: number): number {
  if (a >= 1) return gammaAtLeastOne(a);
  return gammaAtLeastOne(a + 1) * Math.pow(uniform(), 1 / a);
}

/**
 * log(Gamma(a, 1)). For shape < 1 the draw itself can underflow to 0 (Gamma(0.01) is below 1e-308 with
 * probability ~1e-3), so the boost is applied in log space.
 */
function logGamma(a: number): number {
  if (a >= 1) return Math.log(gammaAtLeastOne(a));
  return Math.log(gammaAtLeastOne(a + 1)) + Math.log(uniform()) / a;
}

/**
 * Beta(a, b) as X / (X + Y); in log space when a shape is < 1 so tiny shapes do not give 0/0.
 * Beta(1, 1), every offer's default prior, is U(0, 1) itself (as in native/distributions.h).
 */
export function beta(a: number, b: number): number {
  if (a === 1 && b === 1) return uniform();
  if (a >= 1 && b >= 1) {
    const x = gammaAtLeastOne(a);
    return x / (x + gammaAtLeastOne(b));
  }
  const lx = logGamma(a);
  const ly = logGamma(b);
  return 1 / (1 + Math.exp(ly - lx));
}
