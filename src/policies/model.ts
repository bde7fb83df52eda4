import { makeBetaUpdate, readDecay, DECAY_PARAMS } from './beta-update';
import { checkMatrixOut, checkRankArgs, deterministicMatrix, makeRanked, posteriorMean, topNInto, type SlatePolicy } from './common';
import { checkKnownParams } from './params';
import { F64Scratch, U32Scratch } from './scratch';
import type { ArmsView, DecideContext, PolicyParams, Ranked } from './types';

/**
 * The campaign's active model as the policy: offers ranked by the model's predicted reward
 * probability (times boosts), greedily, so the propensity is 1 for what is shown (a deterministic
 * policy: off-policy evaluation of its logs needs another policy's exploration). Without an active
 * model (ctx.modelScores absent) it ranks by the Beta posterior mean.
 */
export function createModelPolicy(params: PolicyParams = {}): SlatePolicy {
  checkKnownParams('model', params, DECAY_PARAMS);
  const update = makeBetaUpdate(readDecay('model', params));
  const values = new F64Scratch();
  const idxBuf = new U32Scratch();
  let taken = new Uint8Array(16);

  function order(arms: ArmsView, m: number, ctx: DecideContext): { v: Float64Array; idx: Uint32Array } {
    const k = arms.k;
    const v = values.view(k);
    const model = ctx.modelScores !== undefined && ctx.modelScores.length >= k ? ctx.modelScores : null;
    for (let i = 0; i < k; i++) v[i] = (model !== null ? model[i]! : posteriorMean(arms, i)) * arms.boosts[i]!;
    if (taken.length < k) taken = new Uint8Array(k * 2);
    const idx = idxBuf.view(m);
    topNInto(v, k, m, taken, idx);
    return { v, idx };
  }

  return {
    name: 'model',
    rank(arms: ArmsView, n: number, ctx: DecideContext): Ranked[] {
      const m = checkRankArgs('model', arms, n);
      const { v, idx } = order(arms, m, ctx);
      const model = ctx.modelScores !== undefined && ctx.modelScores.length >= arms.k ? ctx.modelScores : null;
      const out: Ranked[] = new Array<Ranked>(m);
      for (let j = 0; j < m; j++) {
        const i = idx[j]!;
        out[j] = makeRanked(i, v[i]!, model !== null ? model[i]! : posteriorMean(arms, i), 1);
      }
      return out;
    },
    propensityMatrix(arms: ArmsView, n: number, ctx: DecideContext, out: Float64Array): void {
      const m = checkRankArgs('model', arms, n);
      checkMatrixOut('model', arms, m, out);
      deterministicMatrix(order(arms, m, ctx).idx, m, out);
    },
    update,
  };
}
