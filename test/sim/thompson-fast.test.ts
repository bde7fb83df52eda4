import { describe, expect, it } from 'vitest';
import { getKernel } from '../../src/kernel';
import { createPolicy } from '../../src/policies';
import type { ArmsView, DecideContext } from '../../src/policies/types';
import { rankSampler } from '../../src/sim/samplers';
import { PrunedThompson } from '../../src/sim/thompson-fast';
import { view } from './helpers';

/**
 * The pruned Thompson sampler must pick like thompson.rank. With a large tail mass and a small
 * margin its rare branches (a weak arm above its quantile; the best draw below a weak arm's quantile)
 * run thousands of times, so a mistake in either would show in the pick frequencies.
 */
function freq(picks: Int32Array, k: number): number[] {
  const f = new Array<number>(k).fill(0);
  for (const a of picks) f[a]++;
  return f.map((x) => x / picks.length);
}

describe.each([
  // Two strong arms; the weak ones essentially never win.
  { name: 'defaults', options: {}, alpha: [400, 60, 35, 900, 20], beta: [600, 140, 90, 1100, 80], winners: 2 },
  { name: 'rare branches forced', options: { tail: 0.05, margin: 0.5 }, alpha: [50, 30, 12, 60, 9], beta: [70, 60, 30, 70, 25], winners: 4 },
])('pruned thompson ($name)', ({ options, alpha, beta, winners }) => {
  it('engages and agrees in distribution with thompson.rank', () => {
    const kernel = getKernel();
    const ctx: DecideContext = { kernel, stickyKey: '', now: 1 };
    const v = view(alpha, beta, 'fast');
    const k = alpha.length;
    kernel.seed(21);
    const fast = new PrunedThompson(options);
    const nFast = 200_000;
    const pf = new Int32Array(nFast);
    for (let at = 0; at < nFast; at += 1000) {
      const chunk = pf.subarray(at, at + 1000);
      expect(fast.pick(v, 1000, chunk, kernel)).toBe(true);
    }
    const nSlow = 60_000;
    const ps = new Int32Array(nSlow);
    rankSampler(createPolicy('thompson')).pick(v, nSlow, ps, ctx);
    const f1 = freq(pf, k);
    const f2 = freq(ps, k);
    for (let i = 0; i < k; i++) {
      const p = (f1[i] * nFast + f2[i] * nSlow) / (nFast + nSlow);
      const se = Math.sqrt(p * (1 - p) * (1 / nFast + 1 / nSlow));
      expect(Math.abs(f1[i] - f2[i]), `arm ${i}: ${f1[i]} vs ${f2[i]}`).toBeLessThanOrEqual(5 * se + 1e-9);
    }
    // Not degenerate: several arms win often enough for a mistake to show.
    expect(f2.filter((x) => x > 0.002).length).toBeGreaterThanOrEqual(winners);
  });
});
