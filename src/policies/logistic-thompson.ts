import { sigmoid } from '../contextual/laplace';
import { contextualPropensities, isLinear, McScratch, scoresFromLinear, type Blend } from '../contextual/score';
import { makeBetaUpdate, readDecay, DECAY_PARAMS } from './beta-update';
import { anyBoost, checkMatrixOut, checkRankArgs, makeRanked, type SlatePolicy } from './common';
import { checkKnownParams, readNumber } from './params';
import { F64Scratch, U32Scratch } from './scratch';
import { createThompson } from './thompson';
import type { ArmsView, DecideContext, PolicyParams, Ranked } from './types';

/**
 * Contextual Thompson sampling over per-offer Bayesian logistic regressions (diagonal Laplace,
 * Chapelle & Li 2011, Algorithm 3). The engine passes the feature vector and the view's weights in
 * ctx.contextual; the weights are learned by the store (src/store/contextual.ts), not by update():
 * update() keeps the offer's Beta counters current so that stats and a switch back to `thompson` stay
 * meaningful.
 *
 * Propensities: Monte Carlo over `propensityDraws` joint draws of the arms' scores (no cache: the
 * feature vector differs per request).
 *
 * Without ctx.contextual (a caller that has no feature vector) it is Beta-Bernoulli `thompson` on the
 * view: the context-free special case, so the policy is usable anywhere a Policy is.
 */

const DEFAULTS = { propensityDraws: 100, priorPrecision: 1, batchSize: 32 } as const;
/** priorPrecision / batchSize are read by the store; accepted here so one parameter map serves both. */
const KNOWN = [...DECAY_PARAMS, 'propensityDraws', 'priorPrecision', 'batchSize'] as const;

export function readContextualParams(params: PolicyParams): { priorPrecision: number; batchSize: number; propensityDraws: number } {
  const p = 'logistic-thompson';
  return {
    priorPrecision: readNumber(p, params, 'priorPrecision', DEFAULTS.priorPrecision, 'a number > 0', (x) => x > 0 && Number.isFinite(x)),
    batchSize: readNumber(p, params, 'batchSize', DEFAULTS.batchSize, 'an integer >= 1', (x) => Number.isInteger(x) && x >= 1),
    propensityDraws: readNumber(p, params, 'propensityDraws', DEFAULTS.propensityDraws, 'an integer >= 1', (x) => Number.isInteger(x) && x >= 1),
  };
}

function decayParams(params: PolicyParams): PolicyParams {
  const out: Record<string, string | number | boolean> = {};
  for (const k of DECAY_PARAMS) if (params[k] !== undefined) out[k] = params[k]!;
  return out;
}

export function createLogisticThompson(params: PolicyParams = {}): SlatePolicy {
  checkKnownParams('logistic-thompson', params, KNOWN);
  const { propensityDraws } = readContextualParams(params);
  const update = makeBetaUpdate(readDecay('logistic-thompson', params));
  const fallback = createThompson({ propensityDraws, ...decayParams(params) });
  const mean = new F64Scratch();
  const sd = new F64Scratch();
  const z = new F64Scratch();
  const score = new F64Scratch();
  const mc = new McScratch();
  const idxBuf = new U32Scratch();
  const mcIdx = new U32Scratch();
  const matrix = new F64Scratch();

  /** Moments and one Thompson draw of every arm's linear score, in one kernel call. */
  function inputs(arms: ArmsView, ctx: DecideContext) {
    const c = ctx.contextual;
    if (c === undefined) throw new RangeError('logistic-thompson.rank: ctx.contextual is required');
    const k = arms.k;
    const kd = k * c.dim;
    if (c.m.length < kd || c.q.length < kd || c.x.length < c.dim) {
      throw new RangeError('logistic-thompson.rank: ctx.contextual must hold arms.k * dim weights and dim features');
    }
    const mu = mean.view(k);
    const s = sd.view(k);
    const lin = z.view(k);
    // The kernel takes lengths as counts: exact views (the engine passes exact ones; others pay a subarray).
    ctx.kernel.linearScores(
      c.m.length === kd ? c.m : c.m.subarray(0, kd),
      c.q.length === kd ? c.q : c.q.subarray(0, kd),
      c.x.length === c.dim ? c.x : c.x.subarray(0, c.dim),
      mu,
      s,
      lin,
    );
    const model = ctx.modelScores !== undefined && ctx.modelScores.length >= k ? ctx.modelScores : null;
    const blend: Blend = { boosts: anyBoost(arms) ? arms.boosts : null, model, b: model === null ? 0 : (ctx.modelBlend ?? 0) };
    return { mu, s, lin, blend };
  }

  function fillMatrix(arms: ArmsView, m: number, ctx: DecideContext, mu: Float64Array, s: Float64Array, blend: Blend): Float64Array {
    const k = arms.k;
    const out = matrix.view(k * m);
    contextualPropensities(ctx.kernel, mu, s, k, m, propensityDraws, blend, mc, mcIdx.view(m), out);
    return out;
  }

  return {
    name: 'logistic-thompson',

    rank(arms: ArmsView, n: number, ctx: DecideContext): Ranked[] {
      const m = checkRankArgs('logistic-thompson', arms, n);
      if (ctx.contextual === undefined) return fallback.rank(arms, n, ctx);
      const k = arms.k;
      const { mu, s, lin, blend } = inputs(arms, ctx);
      // Ranked by the linear draw when no boost or blend changes the order (sigmoid is monotone).
      const idx = idxBuf.view(m);
      const linear = isLinear(blend);
      let sc: Float64Array | null = null;
      if (linear) ctx.kernel.topN(lin, m, idx);
      else {
        sc = score.view(k);
        scoresFromLinear(lin, k, blend, sc);
        ctx.kernel.topN(sc, m, idx);
      }
      const out: Ranked[] = new Array<Ranked>(m);
      for (let j = 0; j < m; j++) {
        const i = idx[j]!;
        out[j] = makeRanked(i, sc !== null ? sc[i]! : sigmoid(lin[i]!), sigmoid(mu[i]!), 0);
      }
      const mat = fillMatrix(arms, m, ctx, mu, s, blend);
      for (let j = 0; j < m; j++) out[j]!.propensity = mat[out[j]!.index * m + j]!;
      return out;
    },

    propensityMatrix(arms: ArmsView, n: number, ctx: DecideContext, out: Float64Array): void {
      const m = checkRankArgs('logistic-thompson', arms, n);
      checkMatrixOut('logistic-thompson', arms, m, out);
      if (ctx.contextual === undefined) {
        fallback.propensityMatrix(arms, n, ctx, out);
        return;
      }
      const { mu, s, blend } = inputs(arms, ctx);
      out.set(fillMatrix(arms, m, ctx, mu, s, blend));
    },

    update,
  };
}
