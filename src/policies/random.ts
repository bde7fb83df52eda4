import { DECAY_PARAMS, makeBetaUpdate, readDecay } from './beta-update';
import { checkMatrixOut, checkRankArgs, makeRanked, posteriorMean, type SlatePolicy } from './common';
import { checkKnownParams } from './params';
import { F64Scratch, U32Scratch } from './scratch';
import type { ArmsView, DecideContext, PolicyParams, Ranked } from './types';

/**
 * Uniformly random slate (partial Fisher-Yates on kernel uniforms). Every arm is in every slot with
 * probability 1/k, which is also its score. It still learns the Beta posterior (for stats).
 */

const KNOWN = [...DECAY_PARAMS] as const;

export function createRandom(params: PolicyParams = {}): SlatePolicy {
  checkKnownParams('random', params, KNOWN);
  const update = makeBetaUpdate(readDecay('random', params));
  const uBuf = new F64Scratch();
  const permBuf = new U32Scratch();

  return {
    name: 'random',

    rank(arms: ArmsView, n: number, ctx: DecideContext): Ranked[] {
      const m = checkRankArgs('random', arms, n);
      const k = arms.k;
      const u = uBuf.view(m);
      ctx.kernel.uniform(u);
      const perm = permBuf.view(k);
      for (let i = 0; i < k; i++) perm[i] = i;
      const p = 1 / k;
      const out: Ranked[] = new Array<Ranked>(m);
      for (let j = 0; j < m; j++) {
        let r = j + Math.floor(u[j] * (k - j));
        if (r >= k) r = k - 1;
        const pick = perm[r];
        perm[r] = perm[j];
        perm[j] = pick;
        out[j] = makeRanked(pick, p, posteriorMean(arms, pick), p);
      }
      return out;
    },

    propensityMatrix(arms: ArmsView, n: number, _ctx: DecideContext, out: Float64Array): void {
      const m = checkRankArgs('random', arms, n);
      checkMatrixOut('random', arms, m, out);
      out.fill(1 / arms.k);
    },

    update,
  };
}
