import { DECAY_PARAMS, makeBetaUpdate, readDecay } from './beta-update';
import {
  checkMatrixOut,
  checkRankArgs,
  deterministicMatrix,
  makeRanked,
  posteriorMean,
  topNInto,
  type SlatePolicy,
} from './common';
import { checkKnownParams, readNumber } from './params';
import { F64Scratch, U32Scratch, U8Scratch } from './scratch';
import type { ArmsView, DecideContext, PolicyParams, Ranked } from './types';

/**
 * UCB1 on the Beta counters: pulls n_i = alpha + beta - priorAlpha - priorBeta (fractional under
 * decay), empirical mean (alpha - priorAlpha) / n_i, score = mean + sqrt(c ln N / n_i) with N the
 * total pulls, times the arm's boost. Arms never pulled score +Infinity (boost or not), so each is
 * tried once, lower index first. Deterministic: propensity 1 in the slot shown, 0 elsewhere.
 * `probability` is the posterior mean (the empirical mean of one pull is 0 or 1).
 */

const DEFAULTS = { c: 2 } as const;
const KNOWN = [...DECAY_PARAMS, 'c'] as const;

export function createUcb1(params: PolicyParams = {}): SlatePolicy {
  checkKnownParams('ucb1', params, KNOWN);
  const update = makeBetaUpdate(readDecay('ucb1', params));
  const c = readNumber('ucb1', params, 'c', DEFAULTS.c, 'a number >= 0', (x) => x >= 0 && Number.isFinite(x));

  const scoreBuf = new F64Scratch();
  const idxBuf = new U32Scratch();
  const takenBuf = new U8Scratch();

  /** Scores into scratch and the ranking into idx[0..m). */
  function ranking(arms: ArmsView, m: number): Uint32Array {
    const k = arms.k;
    const s = scoreBuf.view(k);
    let total = 0;
    for (let i = 0; i < k; i++) {
      const pulls = arms.alpha[i] + arms.beta[i] - arms.priorAlpha[i] - arms.priorBeta[i];
      if (pulls > 0) total += pulls;
    }
    // ln N < 0 for N < 1 (heavily decayed counters) would make the bonus NaN.
    const logN = total > 1 ? Math.log(total) : 0;
    for (let i = 0; i < k; i++) {
      const pulls = arms.alpha[i] + arms.beta[i] - arms.priorAlpha[i] - arms.priorBeta[i];
      if (!(pulls > 1e-12)) {
        s[i] = Infinity;
      } else {
        const mean = (arms.alpha[i] - arms.priorAlpha[i]) / pulls;
        s[i] = (mean + Math.sqrt((c * logN) / pulls)) * arms.boosts[i];
      }
    }
    const idx = idxBuf.view(m);
    topNInto(s, k, m, takenBuf.view(k), idx);
    return idx;
  }

  return {
    name: 'ucb1',

    rank(arms: ArmsView, n: number, _ctx: DecideContext): Ranked[] {
      const m = checkRankArgs('ucb1', arms, n);
      const idx = ranking(arms, m);
      const s = scoreBuf.view(arms.k);
      const out: Ranked[] = new Array<Ranked>(m);
      for (let j = 0; j < m; j++) {
        const i = idx[j];
        out[j] = makeRanked(i, s[i], posteriorMean(arms, i), 1);
      }
      return out;
    },

    propensityMatrix(arms: ArmsView, n: number, _ctx: DecideContext, out: Float64Array): void {
      const m = checkRankArgs('ucb1', arms, n);
      checkMatrixOut('ucb1', arms, m, out);
      deterministicMatrix(ranking(arms, m), m, out);
    },

    update,
  };
}
