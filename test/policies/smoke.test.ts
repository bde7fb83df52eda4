import { describe, expect, it } from 'vitest';
import { getKernel } from '../../src/kernel';
import { armTableWords, createArmTable, createPolicy, setPrior } from '../../src/policies';
import { POLICY_NAMES } from '../../src/policies/names';
import { ctxOf, view } from './helpers';

describe('every policy on getKernel() (native addon when built, else the fallback)', () => {
  const kernel = getKernel();
  kernel.seed(99);

  it.each(POLICY_NAMES.map((n) => [n]))('%s ranks, reports propensities and learns', (name) => {
    const policy = createPolicy(name);
    const k = 12;
    const t = createArmTable(new Float64Array(armTableWords(k)), k, k);
    for (let i = 0; i < k; i++) setPrior(t, i, 1, 1);
    for (let round = 0; round < 200; round++) {
      const arms = view({
        alpha: Array.from(t.alpha.subarray(0, k)),
        beta: Array.from(t.beta.subarray(0, k)),
        cacheKey: 'smoke',
        version: t.meta[1],
      });
      const r = policy.rank(arms, 3, ctxOf(kernel, `cust-${round}`, 1_000 + round * 10));
      expect(r).toHaveLength(3);
      expect(new Set(r.map((x) => x.index)).size).toBe(3);
      for (const x of r) {
        expect(x.propensity).toBeGreaterThanOrEqual(0);
        expect(x.propensity).toBeLessThanOrEqual(1);
        expect(x.probability).toBeGreaterThan(0);
        expect(x.probability).toBeLessThan(1);
      }
      // arm 5 converts 60%, the others 10% (deterministic rewards by round)
      const shown = r[0].index;
      const reward = shown === 5 ? (round % 5 < 3 ? 1 : 0) : round % 10 === 0 ? 1 : 0;
      policy.update(t, shown, reward, 1_000 + round * 10);
    }
    expect(t.meta[1]).toBe(k + 200);
    if (name === 'thompson' || name === 'epsilon-greedy' || name === 'ucb1') {
      // the learners found arm 5: it has the most pulls
      const pulls = Array.from({ length: k }, (_, i) => t.alpha[i] + t.beta[i] - 2);
      expect(pulls.indexOf(Math.max(...pulls))).toBe(5);
    }
  });
});
