import { MSG } from './messages';
import { checkF64, checkSlateArgs } from './checks';
import { normal as normalDraw } from './sampling';
import { topNInto } from './select';

/**
 * Gaussian entry points of the TypeScript fallback (contextual Thompson sampling, logistic-thompson):
 * the same checks, order and messages as native/gaussian.h.
 */
let scoreScratch = new Float64Array(0);
let topScratch = new Uint32Array(0);

export function linearScores(m: Float64Array, q: Float64Array, x: Float64Array, mean: Float64Array, sd: Float64Array, out: Float64Array): void {
  checkF64(m, 'm');
  checkF64(q, 'q');
  checkF64(x, 'x');
  checkF64(mean, 'mean');
  checkF64(sd, 'sd');
  checkF64(out, 'out');
  const k = out.length;
  const dim = x.length;
  if (m.length !== k * dim || q.length !== k * dim) throw new RangeError(MSG.weightsLength);
  if (mean.length !== k || sd.length !== k) throw new RangeError(MSG.momentsLength);
  for (let i = 0; i < dim; i++) if (x[i] !== x[i]) throw new RangeError(MSG.notNaN('x', i));
  for (let i = 0; i < m.length; i++) {
    if (m[i] !== m[i]) throw new RangeError(MSG.notNaN('m', i));
    const v = q[i]!;
    if (!(v > 0 && v < Infinity)) throw new RangeError(MSG.positiveFinite('q', i));
  }
  for (let a = 0; a < k; a++) {
    const base = a * dim;
    let mu = 0;
    let v = 0;
    for (let i = 0; i < dim; i++) {
      const xi = x[i]!;
      mu += m[base + i]! * xi;
      v += (xi * xi) / q[base + i]!;
    }
    const s = Math.sqrt(v);
    mean[a] = mu;
    sd[a] = s;
    out[a] = mu + normalDraw() * s;
  }
}

export function gaussianPropensities(mean: Float64Array, sd: Float64Array, n: number, m: number, out: Float64Array): void {
  checkSlateArgs(mean, 'mean', sd, 'sd', n, m, out, MSG.meanSdLength);
  const k = mean.length;
  for (let i = 0; i < k; i++) {
    if (mean[i] !== mean[i]) throw new RangeError(MSG.notNaN('mean', i));
    const s = sd[i]!;
    if (!(s >= 0 && s < Infinity)) throw new RangeError(MSG.nonNegativeFinite('sd', i));
  }
  if (scoreScratch.length < k) scoreScratch = new Float64Array(k);
  if (topScratch.length < n) topScratch = new Uint32Array(n);
  const score = scoreScratch;
  const top = topScratch;
  out.fill(0);
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < k; i++) score[i] = mean[i]! + normalDraw() * sd[i]!;
    if (n === 1) {
      let best = 0;
      let bestV = score[0]!;
      for (let i = 1; i < k; i++) {
        if (score[i]! > bestV) {
          bestV = score[i]!;
          best = i;
        }
      }
      out[best] += 1;
    } else {
      topNInto(score, k, n, top);
      for (let j = 0; j < n; j++) out[top[j]! * n + j] += 1;
    }
  }
  const inv = 1 / m;
  for (let i = 0; i < out.length; i++) out[i] *= inv;
}
