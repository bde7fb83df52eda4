/**
 * Beta quantile (inverse regularized incomplete beta) for the TypeScript fallback; native/quantile.h is
 * a line-by-line port. The root is sought in t = logit(x), so both tails keep full relative precision
 * (x = 1e-100 and 1 - x = 1e-12 alike), by Newton steps on log I_x(a, b) - log p (lower half) or
 * log(1 - p) - log(1 - I_x(a, b)) (upper half), which are nearly linear in t in the tails; a bracket
 * in t with bisection keeps every step safe. I_x comes from the Lentz continued fraction.
 */
const LOG_SQRT_2PI = 0.9189385332046728;
const CF_EPS = 1e-15;
const CF_TINY = 1e-300;
const CF_MAX_ITER = 100000;
const T_MIN = -750;
const T_MAX = 750;
// Stopping step in t. Newton converges quadratically, so after a step of size h the error is about
// C h^2 (C = |g''/2g'|, below ~1e3 even for shapes of 1e7): 1e-9 leaves < 1e-15 and saves the final
// evaluation that would only confirm convergence. (I_x carries ~1e-14 of rounding noise anyway.)
const T_TOL = 1e-9;

/** lgamma(x) - Stirling's approximation, for x >= 10 (error < 2e-14). */
function stirlingCorrection(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
}

export function lgamma(x: number): number {
  let p = 1;
  while (x < 10) {
    p *= x;
    x += 1;
  }
  return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + stirlingCorrection(x) - Math.log(p);
}

/** log B(a, b), avoiding the cancellation of lgamma(a) + lgamma(b) - lgamma(a + b) for large shapes. */
export function lbeta(a: number, b: number): number {
  if (a > b) {
    const t = a;
    a = b;
    b = t;
  }
  const s = a + b;
  if (a >= 10) {
    return (a - 0.5) * Math.log(a / s) + (b - 0.5) * Math.log1p(-a / s) - 0.5 * Math.log(s) + LOG_SQRT_2PI +
      stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(s);
  }
  if (b >= 10) {
    // lgamma(b) - lgamma(a + b), expanded
    const diff = stirlingCorrection(b) - stirlingCorrection(s) - (b - 0.5) * Math.log1p(a / b) - a * Math.log(s) + a;
    return lgamma(a) + diff;
  }
  return lgamma(a) + lgamma(b) - lgamma(s);
}

/** log(1 + e^z) without overflow. */
function log1pexp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** log(1 - e^l) for l <= 0. */
function log1mexp(l: number): number {
  return l > -0.6931471805599453 ? Math.log(-Math.expm1(l)) : Math.log1p(-Math.exp(l));
}

/** Continued fraction of I_x(a, b) (modified Lentz), as in Numerical Recipes' betacf. */
function betacf(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < CF_TINY) d = CF_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= CF_MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < CF_TINY) d = CF_TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < CF_TINY) c = CF_TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < CF_EPS) break;
  }
  return h;
}

// Results of evalAt (module scratch: avoids an object per evaluation).
let logI = 0;
let logIc = 0;
let logW = 0;

/** log I_x(a, b) and log(1 - I_x(a, b)) at x = logistic(t). */
function evalAt(a: number, b: number, lb: number, t: number): void {
  const lx = -log1pexp(-t);
  const l1x = -log1pexp(t);
  logW = a * lx + b * l1x - lb; // log(x^a (1-x)^b / B(a,b)) = log(pdf(x) * dx/dt)
  const x = Math.exp(lx);
  if (x * (a + b + 2) < a + 1) {
    logI = logW + Math.log(betacf(a, b, x) / a);
    logIc = log1mexp(Math.min(logI, 0));
  } else {
    logIc = logW + Math.log(betacf(b, a, Math.exp(l1x)) / b);
    logI = log1mexp(Math.min(logIc, 0));
  }
}

/** Starting point in t (Numerical Recipes' invbetai guesses). */
function initialT(a: number, b: number, p: number): number {
  if (a >= 1 && b >= 1) {
    const pp = p < 0.5 ? p : 1 - p;
    const tt = Math.sqrt(-2 * Math.log(pp));
    let z = (2.30753 + tt * 0.27061) / (1 + tt * (0.99229 + tt * 0.04481)) - tt;
    if (p < 0.5) z = -z;
    const al = (z * z - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (z * Math.sqrt(al + h)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5 / 6 - 2 / (3 * h));
    return Math.log(a / b) - 2 * w;
  }
  const lna = Math.log(a / (a + b));
  const lnb = Math.log(b / (a + b));
  const ta = Math.exp(a * lna) / a;
  const tb = Math.exp(b * lnb) / b;
  const w = ta + tb;
  if (p < ta / w) {
    const lx = Math.log(a * w * p) / a;
    return lx - log1mexp(Math.min(lx, 0));
  }
  const l1x = Math.log(b * w * (1 - p)) / b;
  return log1mexp(Math.min(l1x, 0)) - l1x;
}

/** The p-quantile of Beta(a, b); a, b > 0 finite and 0 < p < 1 (checked by the caller). */
export function betaQuantile(a: number, b: number, p: number): number {
  const lb = lbeta(a, b);
  const lower = p <= 0.5;
  const target = lower ? Math.log(p) : Math.log1p(-p);
  let lo = T_MIN;
  let hi = T_MAX;
  let t = initialT(a, b, p);
  if (!(t > lo && t < hi)) t = Math.max(lo + 1, Math.min(hi - 1, t === t ? t : 0));
  for (let iter = 0; iter < 300; iter++) {
    evalAt(a, b, lb, t);
    // g(t) increases with t in both halves; g' = pdf(x) * dx/dt / (I or 1 - I).
    const g = lower ? logI - target : target - logIc;
    if (g === 0) break;
    if (g < 0) lo = t;
    else hi = t;
    const gp = Math.exp(logW - (lower ? logI : logIc));
    const step = g / gp;
    // Converged: Newton is quadratic, so a step this small leaves an error far below it. Tested before
    // the bracket, since a step below one ulp would otherwise look like it left the bracket.
    if (Math.abs(step) <= T_TOL * Math.max(1, Math.abs(t))) {
      t -= step;
      break;
    }
    let next = t - step;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    t = next;
    if (hi - lo <= T_TOL * Math.max(1, Math.abs(t))) break;
  }
  return t < 0 ? Math.exp(t - log1pexp(t)) : 1 / (1 + Math.exp(-t));
}
