import { DECAY_PARAMS, makeBetaUpdate, readDecay } from './beta-update';
import { checkMatrixOut, checkRankArgs, deterministicMatrix, makeRanked, posteriorMean, type SlatePolicy } from './common';
import { checkKnownParams, readNumber } from './params';
import { F64Scratch, U32Scratch } from './scratch';
import type { ArmsView, DecideContext, PolicyParams, Ranked } from './types';

/**
 * Risk-averse ranking: score = the `quantile`-quantile of each offer's Beta posterior, times its
 * boost, so an offer known to be decent beats one that is only possibly better. Deterministic:
 * propensity 1 in the slot shown, 0 elsewhere; probability = posterior mean.
 */

const DEFAULTS = { quantile: 0.1 } as const;
const KNOWN = [...DECAY_PARAMS, 'quantile'] as const;

export function createRiskAverse(params: PolicyParams = {}): SlatePolicy {
  checkKnownParams('risk-averse', params, KNOWN);
  const update = makeBetaUpdate(readDecay('risk-averse', params));
  const quantile = readNumber('risk-averse', params, 'quantile', DEFAULTS.quantile, 'a number in (0, 0.5]', (x) => x > 0 && x <= 0.5);

  const scoreBuf = new F64Scratch();
  const idxBuf = new U32Scratch();

  function ranking(arms: ArmsView, m: number, ctx: DecideContext): Uint32Array {
    const s = scoreBuf.view(arms.k);
    ctx.kernel.betaQuantile(arms.alpha, arms.beta, quantile, s);
    for (let i = 0; i < arms.k; i++) s[i] *= arms.boosts[i];
    const idx = idxBuf.view(m);
    ctx.kernel.topN(s, m, idx);
    return idx;
  }

  return {
    name: 'risk-averse',

    rank(arms: ArmsView, n: number, ctx: DecideContext): Ranked[] {
      const m = checkRankArgs('risk-averse', arms, n);
      const idx = ranking(arms, m, ctx);
      const s = scoreBuf.view(arms.k);
      const out: Ranked[] = new Array<Ranked>(m);
      for (let j = 0; j < m; j++) {
        const i = idx[j];
        out[j] = makeRanked(i, s[i], posteriorMean(arms, i), 1);
      }
      return out;
    },

    propensityMatrix(arms: ArmsView, n: number, ctx: DecideContext, out: Float64Array): void {
      const m = checkRankArgs('risk-averse', arms, n);
      checkMatrixOut('risk-averse', arms, m, out);
      deterministicMatrix(ranking(arms, m, ctx), m, out);
    },

    update,
  };
}
