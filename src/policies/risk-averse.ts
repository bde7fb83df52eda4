import { DECAY_PARAMS, makeBetaUpdate, readDecay } from './beta-update';
import { checkMatrixOut, checkRankArgs, deterministicMatrix, makeRanked, posteriorMean, type SlatePolicy } from './common';
import { checkKnownParams, readNumber } from './params';
import { F64Scratch, U32Scratch } from './scratch';
import type { ArmsView, DecideContext, PolicyParams, Ranked } from './types';

/**
 * Risk-averse ranking: score = the `quantile`-quantile of each offer's Beta posterior, times its
 * boost, so an offer known to be decent beats one that is only possibly better. Deterministic:
 * propensity 1 in the slot shown, 0 elsewhere; probability = posterior mean.
 *
 * A Beta quantile costs ~1.5 us (an inverse incomplete beta), so a fresh K=100 ranking would cost
 * ~150 us. Quantiles are memoised per view (cacheKey) and per arm: an outcome changes one arm's
 * posterior, so only that arm's quantile is recomputed.
 */

const DEFAULTS = { quantile: 0.1 } as const;
const KNOWN = [...DECAY_PARAMS, 'quantile'] as const;
/** Bounds the memo so a campaign with many segments or eligible sets cannot grow it forever. */
const MAX_MEMO_KEYS = 4096;

export function createRiskAverse(params: PolicyParams = {}): SlatePolicy {
  checkKnownParams('risk-averse', params, KNOWN);
  const update = makeBetaUpdate(readDecay('risk-averse', params));
  const quantile = readNumber('risk-averse', params, 'quantile', DEFAULTS.quantile, 'a number in (0, 0.5]', (x) => x > 0 && x <= 0.5);

  const scoreBuf = new F64Scratch();
  const idxBuf = new U32Scratch();
  const memo = new Map<string, { alpha: Float64Array; beta: Float64Array; q: Float64Array }>();
  const one = { alpha: new Float64Array(1), beta: new Float64Array(1), q: new Float64Array(1) };

  /** s[i] = quantile of arm i, recomputing only arms whose posterior changed since the last call. */
  function quantiles(arms: ArmsView, ctx: DecideContext, s: Float64Array): void {
    const k = arms.k;
    let e = memo.get(arms.cacheKey);
    if (e === undefined || e.q.length !== k) {
      if (memo.size >= MAX_MEMO_KEYS) {
        const oldest = memo.keys().next().value;
        if (oldest !== undefined) memo.delete(oldest);
      }
      e = { alpha: arms.alpha.slice(0, k), beta: arms.beta.slice(0, k), q: new Float64Array(k) };
      ctx.kernel.betaQuantile(e.alpha, e.beta, quantile, e.q);
      memo.set(arms.cacheKey, e);
    } else {
      for (let i = 0; i < k; i++) {
        if (e.alpha[i] === arms.alpha[i] && e.beta[i] === arms.beta[i]) continue;
        one.alpha[0] = e.alpha[i] = arms.alpha[i];
        one.beta[0] = e.beta[i] = arms.beta[i];
        ctx.kernel.betaQuantile(one.alpha, one.beta, quantile, one.q);
        e.q[i] = one.q[0];
      }
    }
    s.set(e.q);
  }

  function ranking(arms: ArmsView, m: number, ctx: DecideContext): Uint32Array {
    const s = scoreBuf.view(arms.k);
    quantiles(arms, ctx, s);
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
