import { stickyUnitAt } from '../shared/hash';
import { DECAY_PARAMS, makeBetaUpdate, readDecay } from './beta-update';
import { checkMatrixOut, checkRankArgs, makeRanked, posteriorMean, type SlatePolicy } from './common';
import { checkKnownParams, readNumber } from './params';
import { F64Scratch, U32Scratch, U8Scratch } from './scratch';
import type { ArmsView, DecideContext, PolicyParams, Ranked } from './types';

/**
 * Fixed weighted split (A/B, multivariate), sticky per customer: the same ctx.stickyKey always gets
 * the same slate for the same eligible offers and weights. Slot 1 is picked by stickyUnit(key) against
 * the cumulative weights; slot j > 1 continues weighted sampling without replacement with
 * stickyUnit(key + '#' + (j - 1)). Weights <= 0 (or not finite) never win while a positive weight
 * remains; once only such arms remain, the pick is uniform among them. Boosts are ignored: a split is
 * a split.
 *
 * Propensities are exact (sum over the ordered prefixes of earlier slots) while that enumeration stays
 * under EXACT_BUDGET prefixes (slot 3 up to k = 448, slot 4 up to k = 77, ...). Beyond that they are Monte-Carlo
 * estimates over propensityDraws samples (Efraimidis-Spirakis keys, same distribution), cached per
 * (cacheKey, slate size, weights).
 */

const DEFAULTS = { propensityDraws: 1000 } as const;
const KNOWN = [...DECAY_PARAMS, 'propensityDraws'] as const;
const EXACT_BUDGET = 200_000;
const MAX_CACHE = 1024;

function weightOf(arms: ArmsView, i: number): number {
  const w = arms.weights[i];
  return w > 0 && w < Infinity ? w : 0;
}

interface McEntry {
  m: number;
  weights: Float64Array;
  matrix: Float64Array;
}

export function createFixed(params: PolicyParams = {}): SlatePolicy {
  checkKnownParams('fixed', params, KNOWN);
  const update = makeBetaUpdate(readDecay('fixed', params));
  const draws = readNumber('fixed', params, 'propensityDraws', DEFAULTS.propensityDraws, 'an integer >= 1', (x) => Number.isInteger(x) && x >= 1);

  const takenBuf = new U8Scratch();
  const keyBuf = new F64Scratch();
  const idxBuf = new U32Scratch();
  const mcCache = new Map<string, McEntry>();

  // State of the exact enumeration (module of this instance; recursion, no closures per call).
  let eArms: ArmsView;
  let eTaken: Uint8Array;
  let eTarget = 0;
  let eDepth = 0;

  /** Probability of picking x next, given the remaining weight / positive count / count. */
  function pickProb(x: number, remW: number, remPos: number, remCount: number): number {
    if (remPos > 0) return weightOf(eArms, x) / remW;
    return 1 / remCount;
  }

  function enumerate(depth: number, remW: number, remPos: number, remCount: number): number {
    if (depth === eDepth) return pickProb(eTarget, remW, remPos, remCount);
    let total = 0;
    const k = eArms.k;
    for (let x = 0; x < k; x++) {
      if (eTaken[x] === 1 || x === eTarget) continue;
      const px = pickProb(x, remW, remPos, remCount);
      if (px === 0) continue;
      const wx = weightOf(eArms, x);
      eTaken[x] = 1;
      total += px * enumerate(depth + 1, wx > 0 ? remW - wx : remW, wx > 0 ? remPos - 1 : remPos, remCount - 1);
      eTaken[x] = 0;
    }
    return total;
  }

  // Results of totals(), kept in variables so the hot path allocates nothing.
  let totalW = 0;
  let totalPos = 0;
  function totals(arms: ArmsView): void {
    totalW = 0;
    totalPos = 0;
    for (let i = 0; i < arms.k; i++) {
      const x = weightOf(arms, i);
      if (x > 0) {
        totalW += x;
        totalPos++;
      }
    }
  }

  /** The enumeration visits k (k-1) ... (k-slot+1) prefixes. */
  function exactFeasible(k: number, slot: number): boolean {
    let prefixes = 1;
    for (let d = 0; d < slot; d++) {
      prefixes *= k - d;
      if (prefixes > EXACT_BUDGET) return false;
    }
    return true;
  }

  /** Exact probability that `arm` lands in `slot`. */
  function exact(arms: ArmsView, arm: number, slot: number): number {
    totals(arms);
    eArms = arms;
    eTaken = takenBuf.view(arms.k);
    eTaken.fill(0);
    eTarget = arm;
    eDepth = slot;
    return enumerate(0, totalW, totalPos, arms.k);
  }

  function sameWeights(a: Float64Array, arms: ArmsView): boolean {
    for (let i = 0; i < arms.k; i++) if (a[i] !== arms.weights[i]) return false;
    return true;
  }

  /** MC matrix (cached): keys ln(U)/w, largest first, zero weights after all positive ones. */
  function monteCarlo(arms: ArmsView, m: number, ctx: DecideContext): Float64Array {
    const k = arms.k;
    const hit = mcCache.get(arms.cacheKey);
    if (hit !== undefined && hit.m === m && hit.weights.length === k && sameWeights(hit.weights, arms)) return hit.matrix;
    const matrix = new Float64Array(k * m);
    const keys = keyBuf.view(k);
    const idx = idxBuf.view(m);
    for (let t = 0; t < draws; t++) {
      ctx.kernel.uniform(keys);
      for (let i = 0; i < k; i++) {
        const w = weightOf(arms, i);
        keys[i] = w > 0 ? Math.log(keys[i]) / w : -1e300 - keys[i] * 1e299;
      }
      ctx.kernel.topN(keys, m, idx);
      for (let j = 0; j < m; j++) matrix[idx[j] * m + j] += 1;
    }
    for (let x = 0; x < matrix.length; x++) matrix[x] /= draws;
    if (mcCache.size >= MAX_CACHE) {
      const oldest = mcCache.keys().next().value;
      if (oldest !== undefined) mcCache.delete(oldest);
    }
    mcCache.set(arms.cacheKey, { m, weights: arms.weights.slice(0, k), matrix });
    return matrix;
  }

  function propensity(arms: ArmsView, arm: number, slot: number, m: number, ctx: DecideContext): number {
    if (exactFeasible(arms.k, slot)) return exact(arms, arm, slot);
    return monteCarlo(arms, m, ctx)[arm * m + slot];
  }

  return {
    name: 'fixed',

    rank(arms: ArmsView, n: number, ctx: DecideContext): Ranked[] {
      const m = checkRankArgs('fixed', arms, n);
      const k = arms.k;
      const taken = takenBuf.view(k);
      taken.fill(0);
      totals(arms);
      let remW = totalW;
      let remPos = totalPos;
      const sumW = totalW;
      const picks = idxBuf.view(m);
      for (let j = 0; j < m; j++) {
        const u = stickyUnitAt(ctx.stickyKey, j);
        let pick = -1;
        if (remPos > 0) {
          const target = u * remW;
          let cum = 0;
          for (let i = 0; i < k; i++) {
            if (taken[i] === 1) continue;
            const w = weightOf(arms, i);
            if (w === 0) continue;
            cum += w;
            pick = i;
            if (target < cum) break; // rounding past the last positive arm keeps that arm
          }
          remW -= weightOf(arms, pick);
          remPos--;
        } else {
          let target = Math.floor(u * (k - j));
          for (let i = 0; i < k; i++) {
            if (taken[i] === 1) continue;
            pick = i;
            if (target === 0) break;
            target--;
          }
        }
        taken[pick] = 1;
        picks[j] = pick;
      }
      const out: Ranked[] = new Array<Ranked>(m);
      for (let j = 0; j < m; j++) {
        const i = picks[j];
        const score = sumW > 0 ? weightOf(arms, i) / sumW : 1 / k;
        out[j] = makeRanked(i, score, posteriorMean(arms, i), 0);
      }
      // after the picks: exact() reuses the taken/idx scratch
      for (let j = 0; j < m; j++) out[j].propensity = propensity(arms, out[j].index, j, m, ctx);
      return out;
    },

    propensityMatrix(arms: ArmsView, n: number, ctx: DecideContext, out: Float64Array): void {
      const m = checkRankArgs('fixed', arms, n);
      checkMatrixOut('fixed', arms, m, out);
      for (let i = 0; i < arms.k; i++) {
        for (let j = 0; j < m; j++) out[i * m + j] = propensity(arms, i, j, m, ctx);
      }
    },

    update,
  };
}
