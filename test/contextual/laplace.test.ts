import { describe, expect, it } from 'vitest';
import { LaplaceScratch, laplaceUpdate, sigmoid, DENSE_NEWTON_MAX_DIM } from '../../src/contextual/laplace';
import { contextualPropensities, McScratch } from '../../src/contextual/score';
import { createFallbackKernel } from '../../src/kernel/fallback';
import { getKernel } from '../../src/kernel/index';
import { createPolicy } from '../../src/policies/index';
import type { ArmsView } from '../../src/policies/types';

describe('diagonal Laplace update (Chapelle & Li 2011, Algorithm 3)', () => {
  it('one observation, one weight: the MAP solves w = 1 - sigmoid(w); q grows by p(1 - p)', () => {
    const m = new Float64Array([0]);
    const q = new Float64Array([1]);
    laplaceUpdate(m, q, 0, 1, new Float64Array([1]), [1], 1, new LaplaceScratch());
    // Fixed point of w = 1 - sigmoid(w), by bisection here.
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (mid - (1 - sigmoid(mid)) < 0) lo = mid;
      else hi = mid;
    }
    expect(m[0]).toBeCloseTo(lo, 9);
    const p = sigmoid(lo);
    expect(q[0]).toBeCloseTo(1 + p * (1 - p), 9);
  });

  it('dense and diagonal solvers agree on uncorrelated columns', () => {
    const dim = DENSE_NEWTON_MAX_DIM + 1;
    const n = 4;
    const xs = new Float64Array(n * dim);
    // Each observation touches its own column: the Hessian is diagonal, both solvers are exact.
    for (let j = 0; j < n; j++) xs[j * dim + j] = 1;
    const ys = [1, 0, 1, 1];
    const mBig = new Float64Array(dim);
    const qBig = new Float64Array(dim).fill(2);
    laplaceUpdate(mBig, qBig, 0, dim, xs, ys, n, new LaplaceScratch());
    const small = 4;
    const xs2 = new Float64Array(n * small);
    for (let j = 0; j < n; j++) xs2[j * small + j] = 1;
    const mS = new Float64Array(small);
    const qS = new Float64Array(small).fill(2);
    laplaceUpdate(mS, qS, 0, small, xs2, ys, n, new LaplaceScratch());
    for (let i = 0; i < small; i++) {
      expect(mBig[i]).toBeCloseTo(mS[i]!, 6);
      expect(qBig[i]).toBeCloseTo(qS[i]!, 6);
    }
  });
});

describe('logistic-thompson policy', () => {
  const ones = new Float64Array(3).fill(1);
  const view = (boosts = ones): ArmsView => ({ k: 3, alpha: ones, beta: ones, priorAlpha: ones, priorBeta: ones, weights: ones, boosts, cacheKey: 't', version: 0 });

  it('blended with a model at b = 1 ranks by the model; propensity 1', () => {
    const p = createPolicy('logistic-thompson', { propensityDraws: 50 });
    const kernel = getKernel();
    kernel.seed(3);
    const x = new Float64Array([1, 0.5]);
    const ctx = {
      kernel,
      stickyKey: '',
      now: 0,
      contextual: { x, dim: 2, m: new Float64Array(6), q: new Float64Array(6).fill(1) },
      modelScores: new Float64Array([0.1, 0.9, 0.5]),
      modelBlend: 1,
    };
    const r = p.rank(view(), 2, ctx);
    expect(r.map((o) => o.index)).toEqual([1, 2]);
    expect(r[0]!.propensity).toBe(1);
  });

  it('separated posteriors: the clearly best arm wins with propensity near 1; boosts apply', () => {
    const p = createPolicy('logistic-thompson', { propensityDraws: 400 });
    const kernel = getKernel();
    kernel.seed(4);
    const x = new Float64Array([1]);
    const m = new Float64Array([-2, 2, -2]);
    const q = new Float64Array([400, 400, 400]);
    const ctx = { kernel, stickyKey: '', now: 0, contextual: { x, dim: 1, m, q } };
    const r = p.rank(view(), 1, ctx);
    expect(r[0]!.index).toBe(1);
    expect(r[0]!.propensity).toBeGreaterThan(0.99);
    expect(r[0]!.probability).toBeCloseTo(sigmoid(2), 12);
    // sigmoid(-2) * 10 > sigmoid(2): a boost of 10 on arm 0 flips the ranking.
    const boosted = p.rank(view(new Float64Array([10, 1, 1])), 1, ctx);
    expect(boosted[0]!.index).toBe(0);
  });

  it('checks the contextual input', () => {
    const p = createPolicy('logistic-thompson');
    const ctx = { kernel: getKernel(), stickyKey: '', now: 0, contextual: { x: new Float64Array(2), dim: 2, m: new Float64Array(2), q: new Float64Array(2) } };
    expect(() => p.rank(view(), 1, ctx)).toThrow(new RangeError('logistic-thompson.rank: ctx.contextual must hold arms.k * dim weights and dim features'));
  });
});

describe('contextual Monte-Carlo propensities', () => {
  it('prunes offers that cannot reach the slate and agrees with the unpruned estimate', () => {
    const k = 6;
    const mean = new Float64Array([0, 0.2, -8, 0.1, -9, 0.15]);
    const sd = new Float64Array([0.3, 0.3, 0.3, 0.3, 0.3, 0.3]);
    const n = 2;
    const out = new Float64Array(k * n);
    const kernel = getKernel();
    kernel.seed(11);
    contextualPropensities(kernel, mean, sd, k, n, 20000, { boosts: null, model: null, b: 0 }, new McScratch(), new Uint32Array(n), out);
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let a = 0; a < k; a++) sum += out[a * n + j]!;
      expect(sum).toBeCloseTo(1, 12);
    }
    // Far below the others (26 sd): exactly 0, not drawn.
    expect(out[2 * n]).toBe(0);
    expect(out[4 * n + 1]).toBe(0);
    // The kernel's unpruned estimate of the contenders agrees.
    const full = new Float64Array(k * n);
    createFallbackKernel().seed(3);
    createFallbackKernel().gaussianPropensities(mean, sd, n, 20000, full);
    for (let x = 0; x < k * n; x++) expect(Math.abs(out[x]! - full[x]!)).toBeLessThan(0.02);
  });

  it('answers identical arms exactly (1/k per slot) and boosted arms through the TypeScript loop', () => {
    const out = new Float64Array(3);
    const kernel = getKernel();
    contextualPropensities(kernel, new Float64Array(3), new Float64Array(3).fill(1), 3, 1, 10, { boosts: null, model: null, b: 0 }, new McScratch(), new Uint32Array(1), out);
    expect(Array.from(out)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    kernel.seed(12);
    const boosted = new Float64Array(2);
    // Scores ~ sigmoid(0 +- 0.01): boosted 3 * 0.5 always beats 0.5, although the linear scores tie.
    contextualPropensities(kernel, new Float64Array(2), new Float64Array(2).fill(0.01), 2, 1, 200, { boosts: new Float64Array([1, 3]), model: null, b: 0 }, new McScratch(), new Uint32Array(1), boosted);
    expect(Array.from(boosted)).toEqual([0, 1]);
  });
});
