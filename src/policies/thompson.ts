import { DECAY_PARAMS, makeBetaUpdate, readDecay } from './beta-update';
import { anyBoost, anyBoostIn, checkMatrixOut, checkRankArgs, makeRanked, posteriorMean, type SlatePolicy } from './common';
import { checkKnownParams, readNumber } from './params';
import { F64Scratch, U32Scratch } from './scratch';
import type { ArmsView, DecideContext, PolicyParams, Ranked } from './types';

/**
 * Beta-Bernoulli Thompson sampling: one Beta draw per offer (times its boost), top-n by draw.
 *
 * Propensities are Monte-Carlo estimates (propensityDraws joint draws of all arms). That costs
 * propensityDraws * k Beta draws, far more than the decision itself, so the matrix is cached per
 * (cacheKey, slate size, boosts) and recomputed only when the state version changed AND the cached
 * matrix is older than propensityRefreshMs (measured with ctx.now). The logged propensity is therefore
 * that of a posterior at most propensityRefreshMs old (plus the outcomes that arrived within that
 * window). Being an MC estimate, the matrix can hold 0 for an arm that is almost never best; rank()
 * then logs 0.5 / propensityDraws for a shown offer (it was shown, so its propensity is not 0).
 */

const DEFAULTS = { propensityDraws: 1000, propensityRefreshMs: 1000 } as const;
const KNOWN = [...DECAY_PARAMS, 'propensityDraws', 'propensityRefreshMs'] as const;
/** Bounds on the cache so a campaign with many segments or eligible sets cannot grow it forever. */
const MAX_KEYS = 4096;
const MAX_ENTRIES_PER_KEY = 8;
const NO_BOOSTS = new Float64Array(0);

interface CacheEntry {
  m: number;
  k: number;
  version: number;
  at: number;
  /** The boosts were all 1 (the view said so, ArmsView.unboosted): no copy kept, none compared. */
  unboosted: boolean;
  boosts: Float64Array;
  matrix: Float64Array;
}

export function createThompson(params: PolicyParams = {}): SlatePolicy {
  checkKnownParams('thompson', params, KNOWN);
  const update = makeBetaUpdate(readDecay('thompson', params));
  const draws = readNumber('thompson', params, 'propensityDraws', DEFAULTS.propensityDraws, 'an integer >= 1', (x) => Number.isInteger(x) && x >= 1);
  const refreshMs = readNumber('thompson', params, 'propensityRefreshMs', DEFAULTS.propensityRefreshMs, 'a number >= 0', (x) => x >= 0);

  const drawBuf = new F64Scratch();
  const idxBuf = new U32Scratch();
  const cache = new Map<string, CacheEntry[]>();

  /** Fills `out` (length k * m) with MC slate propensities, boosts included. */
  function monteCarlo(arms: ArmsView, m: number, ctx: DecideContext, out: Float64Array): void {
    const { kernel } = ctx;
    if (!anyBoost(arms)) {
      kernel.propensities(arms.alpha, arms.beta, m, draws, out);
      return;
    }
    // The kernel's MC knows nothing of boosts: count top-n of boosted draws here, one kernel call each.
    const k = arms.k;
    const d = drawBuf.view(k);
    const idx = idxBuf.view(m);
    out.fill(0);
    for (let t = 0; t < draws; t++) {
      kernel.beta(arms.alpha, arms.beta, d);
      for (let i = 0; i < k; i++) d[i] *= arms.boosts[i];
      kernel.topN(d, m, idx);
      for (let j = 0; j < m; j++) out[idx[j] * m + j] += 1;
    }
    const inv = 1 / draws;
    for (let x = 0; x < out.length; x++) out[x] *= inv;
  }

  function sameBoosts(e: CacheEntry, arms: ArmsView, k: number): boolean {
    if (arms.unboosted === true) return e.unboosted || !anyBoostIn(e.boosts, k);
    const a = e.unboosted ? null : e.boosts;
    const b = arms.boosts;
    for (let i = 0; i < k; i++) if ((a === null ? 1 : a[i]) !== b[i]) return false;
    return true;
  }

  /** The cached matrix for this view, refreshed under the staleness rule above. */
  function cachedMatrix(arms: ArmsView, m: number, ctx: DecideContext): Float64Array {
    const k = arms.k;
    let entries = cache.get(arms.cacheKey);
    if (entries === undefined) {
      if (cache.size >= MAX_KEYS) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      entries = [];
      cache.set(arms.cacheKey, entries);
    }
    for (const e of entries) {
      if (e.m !== m || e.k !== k || !sameBoosts(e, arms, k)) continue;
      if (e.version !== arms.version && ctx.now - e.at >= refreshMs) {
        monteCarlo(arms, m, ctx, e.matrix);
        e.version = arms.version;
        e.at = ctx.now;
      }
      return e.matrix;
    }
    const unboosted = arms.unboosted === true;
    const e: CacheEntry = { m, k, version: arms.version, at: ctx.now, unboosted, boosts: unboosted ? NO_BOOSTS : arms.boosts.slice(0, k), matrix: new Float64Array(k * m) };
    monteCarlo(arms, m, ctx, e.matrix);
    if (entries.length >= MAX_ENTRIES_PER_KEY) entries.shift();
    entries.push(e);
    return e.matrix;
  }

  return {
    name: 'thompson',

    rank(arms: ArmsView, n: number, ctx: DecideContext): Ranked[] {
      const m = checkRankArgs('thompson', arms, n);
      const k = arms.k;
      const d = drawBuf.view(k);
      const idx = idxBuf.view(m);
      if (anyBoost(arms)) {
        ctx.kernel.beta(arms.alpha, arms.beta, d);
        for (let i = 0; i < k; i++) d[i] *= arms.boosts[i];
        ctx.kernel.topN(d, m, idx);
      } else {
        ctx.kernel.sampleTopN(arms.alpha, arms.beta, m, d, idx);
      }
      // Read the draws before the MC below reuses the scratch.
      const out: Ranked[] = new Array<Ranked>(m);
      for (let j = 0; j < m; j++) {
        const i = idx[j];
        out[j] = makeRanked(i, d[i], posteriorMean(arms, i), 0);
      }
      const matrix = cachedMatrix(arms, m, ctx);
      // An offer that was shown had a positive probability of being shown: an MC count of 0 means
      // "below 1/draws", so log half of that rather than a 0 that would break inverse weighting.
      const floor = 0.5 / draws;
      for (let j = 0; j < m; j++) {
        const p = matrix[out[j].index * m + j];
        out[j].propensity = p > floor ? p : floor;
      }
      return out;
    },

    propensityMatrix(arms: ArmsView, n: number, ctx: DecideContext, out: Float64Array): void {
      const m = checkRankArgs('thompson', arms, n);
      checkMatrixOut('thompson', arms, m, out);
      out.set(cachedMatrix(arms, m, ctx));
    },

    update,
  };
}
