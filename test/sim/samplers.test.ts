import { describe, expect, it } from 'vitest';
import { getKernel } from '../../src/kernel';
import { createPolicy } from '../../src/policies';
import type { ArmsView, DecideContext } from '../../src/policies/types';
import { rankSampler, samplerFor } from '../../src/sim/samplers';

/**
 * The simulator's fast paths must pick like Policy.rank: same distribution of the chosen arm for a
 * frozen posterior. Two-sample comparison of pick frequencies, per arm, at 5 standard errors.
 */
const alpha = Float64Array.from([12, 30, 25, 5, 28]);
const beta = Float64Array.from([40, 60, 50, 20, 58]);
const ones = new Float64Array(5).fill(1);
const view: ArmsView = { k: 5, alpha, beta, priorAlpha: ones, priorBeta: ones, weights: ones, boosts: ones, cacheKey: 't', version: 1 };

function frequencies(pickFn: (n: number, out: Int32Array) => void, n: number): number[] {
  const out = new Int32Array(n);
  pickFn(n, out);
  const f = [0, 0, 0, 0, 0];
  for (const a of out) f[a]++;
  return f.map((x) => x / n);
}

describe.each(['thompson', 'epsilon-greedy:epsilon=0.2', 'ucb1', 'random', 'risk-averse'])('fast path of %s', (spec) => {
  it('agrees in distribution with Policy.rank', () => {
    const kernel = getKernel();
    const [name, param] = spec.split(':');
    const params = param ? { [param.split('=')[0]]: Number(param.split('=')[1]) } : {};
    const ctx: DecideContext = { kernel, stickyKey: '', now: 1 };
    const fast = samplerFor(createPolicy(name, params));
    expect(fast.kind).toBe(name === 'thompson' ? 'thompson-batch' : 'matrix');
    const slow = rankSampler(createPolicy(name, params));
    kernel.seed(11);
    const nFast = 200_000;
    const nSlow = 40_000;
    const pf = frequencies((n, out) => fast.pick(view, n, out, ctx), nFast);
    const ps = frequencies((n, out) => slow.pick(view, n, out, ctx), nSlow);
    for (let i = 0; i < 5; i++) {
      const p = (pf[i] * nFast + ps[i] * nSlow) / (nFast + nSlow);
      const se = Math.sqrt(p * (1 - p) * (1 / nFast + 1 / nSlow));
      expect(Math.abs(pf[i] - ps[i])).toBeLessThanOrEqual(5 * se + 1e-12);
    }
    if (name === 'thompson') {
      // Not degenerate: several arms have a real chance, so a wrong argmax would show.
      expect(pf.filter((x) => x > 0.05).length).toBeGreaterThanOrEqual(3);
    }
  });
});
