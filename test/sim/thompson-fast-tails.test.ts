import { describe, expect, it } from 'vitest';
import { getKernel } from '../../src/kernel';
import type { ArmsView } from '../../src/policies/types';
import { PrunedThompson } from '../../src/sim/thompson-fast';
import { view } from './helpers';

/**
 * The pruned sampler's rare branches made common: with a tail mass of 0.2 a weak arm's upper-tail
 * draw (tangent-exponential rejection, or inversion for shapes < 1) and its conditional lower-part
 * draw (rejection above h_i) happen at a large share of the steps, so a wrong conditional law would
 * move the pick frequencies far beyond the tolerance. Reference: kernel.thompsonPicks (every arm
 * drawn at every step), itself checked against per-step Beta argmaxes in test/kernel.
 */
describe.each([
  { name: 'shapes >= 1 (tangent rejection)', alpha: [300, 40, 30, 25, 12], beta: [300, 60, 50, 45, 25] },
  { name: 'a weak arm with a shape < 1 (inversion)', alpha: [300, 40, 0.6, 25], beta: [300, 60, 1.5, 45] },
])('pruned thompson with heavy tails: $name', ({ alpha, beta }) => {
  it('picks like every-arm Thompson (two-sample chi-square)', () => {
    const kernel = getKernel();
    const v = view(alpha, beta, 'tails');
    const k = alpha.length;
    kernel.seed(9);
    const fast = new PrunedThompson({ tail: 0.2, margin: 0 });
    const n = 120_000;
    const window = 200;
    const got = new Array<number>(k).fill(0);
    const picks = new Int32Array(window);
    for (let at = 0; at < n; at += window) {
      expect(fast.pick(v, window, picks, kernel)).toBe(true);
      for (const a of picks) got[a]++;
    }
    const ref = new Array<number>(k).fill(0);
    const idx = new Uint32Array(n);
    kernel.thompsonPicks(v.alpha, v.beta, n, idx, new Float64Array(n));
    for (const a of idx) ref[a]++;
    let stat = 0;
    let df = -1;
    for (let i = 0; i < k; i++) {
      if (got[i] + ref[i] < 20) continue;
      stat += (got[i] - ref[i]) ** 2 / (got[i] + ref[i]);
      df++;
    }
    // Several arms must win for the test to mean anything.
    expect(df).toBeGreaterThanOrEqual(2);
    // chi-square upper quantile at p ~ 3e-6 (Wilson-Hilferty, z = 4.5)
    const crit = df * (1 - 2 / (9 * df) + 4.5 * Math.sqrt(2 / (9 * df))) ** 3;
    expect(stat, `pruned ${got} vs every arm ${ref}`).toBeLessThan(crit);
  });
});
