/**
 * Bayesian logistic regression with a diagonal Laplace approximation (Chapelle & Li 2011, Algorithm
 * 3), one independent model per arm: weights w ~ N(m, diag(1/q)).
 *
 * Update on a batch (x_j, r_j) of one arm: w* = argmin 1/2 sum_i q_i (w_i - m_i)^2
 * - sum_j [r_j log p_j + (1 - r_j) log(1 - p_j)], p_j = sigmoid(w . x_j), found by Newton steps on the
 * exact Hessian (dense, Cholesky) when dim is small and by diagonal-preconditioned steps otherwise;
 * then m = w*, q_i += sum_j x_ij^2 p_j (1 - p_j). Rewards in [0, 1] are used as soft labels.
 *
 * Scoring: w . x with w ~ N(m, diag(1/q)) is exactly N(m . x, sum_i x_i^2 / q_i), so one normal draw
 * per arm gives the same distribution as drawing every weight (and costs dim times fewer draws).
 */

/** Above this many columns the dense Newton step (O(dim^3)) gives way to diagonal steps. */
export const DENSE_NEWTON_MAX_DIM = 96;
const NEWTON_ITERS = 8;
const DIAG_ITERS = 25;

export function sigmoid(s: number): number {
  return s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
}

/** Scratch for batch updates, grown once per dimension. */
export class LaplaceScratch {
  w = new Float64Array(0);
  g = new Float64Array(0);
  h = new Float64Array(0);
  step = new Float64Array(0);
  p = new Float64Array(0);

  ensure(dim: number, n: number): void {
    if (this.w.length < dim) {
      this.w = new Float64Array(dim);
      this.g = new Float64Array(dim);
      this.step = new Float64Array(dim);
    }
    const hSize = dim <= DENSE_NEWTON_MAX_DIM ? dim * dim : dim;
    if (this.h.length < hSize) this.h = new Float64Array(hSize);
    if (this.p.length < n) this.p = new Float64Array(n);
  }
}

/**
 * Applies a batch of n observations of one arm to (m, q) in place. `mOff`/`qOff` index the arm's first
 * weight; xs holds n rows of dim values; ys the rewards in [0, 1].
 */
export function laplaceUpdate(
  m: Float64Array,
  q: Float64Array,
  off: number,
  dim: number,
  xs: Float64Array,
  ys: ArrayLike<number>,
  n: number,
  s: LaplaceScratch,
): void {
  if (n === 0) return;
  s.ensure(dim, n);
  const w = s.w;
  for (let i = 0; i < dim; i++) w[i] = m[off + i]!;
  const dense = dim <= DENSE_NEWTON_MAX_DIM;
  const iters = dense ? NEWTON_ITERS : DIAG_ITERS;
  for (let it = 0; it < iters; it++) {
    const g = s.g;
    const h = s.h;
    // Gradient and Hessian of the objective at w (prior part first).
    for (let i = 0; i < dim; i++) g[i] = q[off + i]! * (w[i]! - m[off + i]!);
    if (dense) {
      h.fill(0, 0, dim * dim);
      for (let i = 0; i < dim; i++) h[i * dim + i] = q[off + i]!;
    } else {
      for (let i = 0; i < dim; i++) h[i] = q[off + i]!;
    }
    for (let j = 0; j < n; j++) {
      const row = j * dim;
      let z = 0;
      for (let i = 0; i < dim; i++) z += w[i]! * xs[row + i]!;
      const p = sigmoid(z);
      const r = p - ys[j]!;
      const c = p * (1 - p);
      for (let i = 0; i < dim; i++) {
        const xi = xs[row + i]!;
        if (xi === 0) continue;
        g[i] += r * xi;
        if (dense) {
          for (let l = 0; l <= i; l++) h[i * dim + l] += c * xi * xs[row + l]!;
        } else {
          h[i] += c * xi * xi;
        }
      }
    }
    let maxStep = 0;
    if (dense) {
      choleskySolve(h, g, s.step, dim);
      for (let i = 0; i < dim; i++) {
        w[i] -= s.step[i]!;
        maxStep = Math.max(maxStep, Math.abs(s.step[i]!));
      }
    } else {
      // Diagonal steps overshoot on correlated columns (bias + one-hot): damped by half.
      for (let i = 0; i < dim; i++) {
        const d = (0.5 * g[i]!) / h[i]!;
        w[i] -= d;
        maxStep = Math.max(maxStep, Math.abs(d));
      }
    }
    if (maxStep < 1e-8) break;
  }
  // q_i += sum_j x_ij^2 p_j (1 - p_j) at the new mode.
  for (let j = 0; j < n; j++) {
    const row = j * dim;
    let z = 0;
    for (let i = 0; i < dim; i++) z += w[i]! * xs[row + i]!;
    const p = sigmoid(z);
    s.p[j] = p * (1 - p);
  }
  for (let i = 0; i < dim; i++) {
    let add = 0;
    for (let j = 0; j < n; j++) {
      const xi = xs[j * dim + i]!;
      add += xi * xi * s.p[j]!;
    }
    q[off + i] = q[off + i]! + add;
    m[off + i] = w[i]!;
  }
}

/**
 * Solves H x = g for symmetric positive definite H (lower triangle filled, row-major), in place
 * (H is overwritten by its Cholesky factor). The prior precision keeps H positive definite.
 */
function choleskySolve(h: Float64Array, g: Float64Array, out: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = h[j * n + j]!;
    for (let k = 0; k < j; k++) d -= h[j * n + k]! * h[j * n + k]!;
    const ljj = Math.sqrt(Math.max(d, 1e-300));
    h[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let v = h[i * n + j]!;
      for (let k = 0; k < j; k++) v -= h[i * n + k]! * h[j * n + k]!;
      h[i * n + j] = v / ljj;
    }
  }
  for (let i = 0; i < n; i++) {
    let v = g[i]!;
    for (let k = 0; k < i; k++) v -= h[i * n + k]! * out[k]!;
    out[i] = v / h[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = out[i]!;
    for (let k = i + 1; k < n; k++) v -= h[k * n + i]! * out[k]!;
    out[i] = v / h[i * n + i]!;
  }
}
