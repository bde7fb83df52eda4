import type { Kernel } from './types';
import { MSG } from './messages';
import {
  checkF64, checkN, checkNotNaN, checkNumber, checkP, checkReps, checkSameLength, checkSeed, checkShapePairs,
  checkShapes, checkSlateArgs, checkU32,
} from './checks';
import { seedGenerator, uniform as uniformDraw } from './xoshiro';
import { beta as betaDraw, gamma as gammaDraw, normal as normalDraw, resetNormalCache } from './sampling';
import { topNInto } from './select';
import { gaussianPropensities, linearScores } from './gaussian';
import { betaQuantile as quantile } from './quantile';

/**
 * The pure TypeScript kernel. All instances share this realm's generator (module state in xoshiro.ts),
 * as the native addon shares one per environment. Scratch arrays grow once and are reused.
 */
let drawScratch = new Float64Array(0);
let idxScratch = new Uint32Array(0);

function seed(s: number): void {
  checkNumber(s, MSG.seed);
  checkSeed(s);
  seedGenerator(s);
  resetNormalCache();
}

function uniform(out: Float64Array): void {
  checkF64(out, 'out');
  for (let i = 0; i < out.length; i++) out[i] = uniformDraw();
}

function normal(out: Float64Array): void {
  checkF64(out, 'out');
  for (let i = 0; i < out.length; i++) out[i] = normalDraw();
}

function gamma(shape: Float64Array, out: Float64Array): void {
  checkF64(shape, 'shape');
  checkF64(out, 'out');
  if (out.length !== shape.length) throw new RangeError(MSG.outLength('shape'));
  checkShapes(shape, 'shape');
  for (let i = 0; i < shape.length; i++) out[i] = gammaDraw(shape[i]!);
}

function beta(alpha: Float64Array, betaArr: Float64Array, out: Float64Array): void {
  checkF64(alpha, 'alpha');
  checkF64(betaArr, 'beta');
  checkF64(out, 'out');
  checkSameLength(alpha, betaArr);
  if (out.length !== alpha.length) throw new RangeError(MSG.outLength('alpha'));
  checkShapePairs(alpha, betaArr);
  for (let i = 0; i < alpha.length; i++) out[i] = betaDraw(alpha[i]!, betaArr[i]!);
}

function topN(values: Float64Array, n: number, outIdx: Uint32Array): void {
  checkF64(values, 'values');
  checkNumber(n, MSG.n);
  checkU32(outIdx, 'outIdx');
  checkN(n, values.length);
  if (outIdx.length < n) throw new RangeError(MSG.outIdxLength);
  checkNotNaN(values, 'values');
  topNInto(values, values.length, n, outIdx);
}

function sampleTopN(alpha: Float64Array, betaArr: Float64Array, n: number, draws: Float64Array, outIdx: Uint32Array): void {
  checkF64(alpha, 'alpha');
  checkF64(betaArr, 'beta');
  checkNumber(n, MSG.n);
  checkF64(draws, 'draws');
  checkU32(outIdx, 'outIdx');
  const k = alpha.length;
  checkN(n, k);
  checkSameLength(alpha, betaArr);
  if (draws.length !== k) throw new RangeError(MSG.drawsLength);
  if (outIdx.length < n) throw new RangeError(MSG.outIdxLength);
  checkShapePairs(alpha, betaArr);
  for (let i = 0; i < k; i++) draws[i] = betaDraw(alpha[i]!, betaArr[i]!);
  topNInto(draws, k, n, outIdx);
}

function propensities(alpha: Float64Array, betaArr: Float64Array, n: number, m: number, out: Float64Array): void {
  checkSlateArgs(alpha, 'alpha', betaArr, 'beta', n, m, out, MSG.sameLength);
  const k = alpha.length;
  checkShapePairs(alpha, betaArr);
  if (drawScratch.length < k) drawScratch = new Float64Array(k);
  if (idxScratch.length < n) idxScratch = new Uint32Array(n);
  const draws = drawScratch;
  const idx = idxScratch;
  out.fill(0);
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < k; i++) draws[i] = betaDraw(alpha[i]!, betaArr[i]!);
    topNInto(draws, k, n, idx);
    for (let j = 0; j < n; j++) out[idx[j]! * n + j] += 1;
  }
  const inv = 1 / m;
  for (let i = 0; i < out.length; i++) out[i] *= inv;
}

function betaQuantile(alpha: Float64Array, betaArr: Float64Array, p: number, out: Float64Array): void {
  checkF64(alpha, 'alpha');
  checkF64(betaArr, 'beta');
  checkNumber(p, MSG.p);
  checkF64(out, 'out');
  checkP(p);
  checkSameLength(alpha, betaArr);
  if (out.length !== alpha.length) throw new RangeError(MSG.outLength('alpha'));
  checkShapePairs(alpha, betaArr);
  for (let i = 0; i < alpha.length; i++) out[i] = quantile(alpha[i]!, betaArr[i]!, p);
}

function thompsonPicks(alpha: Float64Array, betaArr: Float64Array, reps: number, outIdx: Uint32Array, outMax: Float64Array): void {
  checkF64(alpha, 'alpha');
  checkF64(betaArr, 'beta');
  checkNumber(reps, MSG.reps);
  checkU32(outIdx, 'outIdx');
  checkF64(outMax, 'outMax');
  checkReps(reps);
  checkSameLength(alpha, betaArr);
  const k = alpha.length;
  if (k === 0) throw new RangeError(MSG.notEmpty);
  if (outIdx.length < reps) throw new RangeError(MSG.outIdxReps);
  if (outMax.length < reps) throw new RangeError(MSG.outMaxReps);
  checkShapePairs(alpha, betaArr);
  for (let t = 0; t < reps; t++) {
    let best = 0;
    let bestV = betaDraw(alpha[0]!, betaArr[0]!);
    for (let i = 1; i < k; i++) {
      const v = betaDraw(alpha[i]!, betaArr[i]!);
      if (v > bestV) {
        bestV = v;
        best = i;
      }
    }
    outIdx[t] = best;
    outMax[t] = bestV;
  }
}

const FALLBACK: Kernel = Object.freeze({
  impl: 'fallback' as const,
  seed,
  uniform,
  normal,
  gamma,
  beta,
  topN,
  sampleTopN,
  propensities,
  betaQuantile,
  thompsonPicks,
  linearScores,
  gaussianPropensities,
});

export function createFallbackKernel(): Kernel {
  return FALLBACK;
}
