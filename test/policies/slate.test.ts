import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '../../src/policies';
import { POLICY_NAMES } from '../../src/policies/names';
import { ctxOf, seededKernel, snapshot, view } from './helpers';

/** Arbitrary posterior state: k in 1..7, positive alpha/beta (with ties), weights (some 0), boosts. */
const arbArms = fc.integer({ min: 1, max: 7 }).chain((k) =>
  fc.record({
    alpha: fc.array(fc.oneof(fc.constant(1), fc.double({ min: 0.1, max: 50, noNaN: true })), { minLength: k, maxLength: k }),
    beta: fc.array(fc.oneof(fc.constant(1), fc.double({ min: 0.1, max: 50, noNaN: true })), { minLength: k, maxLength: k }),
    weights: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 10, noNaN: true })), { minLength: k, maxLength: k }),
    boosts: fc.array(fc.oneof(fc.constant(1), fc.constant(1), fc.double({ min: 0, max: 3, noNaN: true })), { minLength: k, maxLength: k }),
    n: fc.integer({ min: 1, max: 9 }),
    stickyKey: fc.string({ maxLength: 10 }),
  }),
);

describe.each(POLICY_NAMES.map((n) => [n]))('%s: slate invariants', (name) => {
  it('each slot column of the propensity matrix sums to 1; rank returns min(n,k) distinct indices consistent with it', () => {
    const kernel = seededKernel(123);
    const policy = createPolicy(name, name === 'thompson' ? { propensityDraws: 400 } : {});
    let views = 0;
    fc.assert(
      fc.property(arbArms, (a) => {
        // priors at 1: for ucb1 some arms are "pulled" (alpha + beta > 2), some not
        const arms = view({ ...a, cacheKey: `key-${views++}` });
        const before = snapshot(arms);
        const ctx = ctxOf(kernel, a.stickyKey);
        const m = Math.min(a.n, arms.k);
        const ranked = policy.rank(arms, a.n, ctx);
        expect(ranked).toHaveLength(m);
        expect(new Set(ranked.map((r) => r.index)).size).toBe(m);
        const out = new Float64Array(arms.k * m);
        policy.propensityMatrix(arms, a.n, ctx, out);
        for (let j = 0; j < m; j++) {
          let sum = 0;
          for (let i = 0; i < arms.k; i++) {
            expect(out[i * m + j]).toBeGreaterThanOrEqual(0);
            sum += out[i * m + j];
          }
          expect(sum).toBeCloseTo(1, 9);
        }
        // each arm's row sums to at most 1 (it is shown at most once)
        for (let i = 0; i < arms.k; i++) {
          let row = 0;
          for (let j = 0; j < m; j++) row += out[i * m + j];
          expect(row).toBeLessThanOrEqual(1 + 1e-9);
        }
        ranked.forEach((r, j) => {
          expect(r.index).toBeGreaterThanOrEqual(0);
          expect(r.index).toBeLessThan(arms.k);
          // Thompson's matrix is a Monte Carlo estimate: a shown arm whose estimate is 0 logs half of
          // 1/draws instead (thompson.ts), so that inverse weighting never divides by 0.
          const p = out[r.index * m + j]!;
          expect(r.propensity).toBeCloseTo(name === 'thompson' ? Math.max(p, 0.5 / 400) : p, 12);
          expect(r.probability).toBeCloseTo(arms.alpha[r.index] / (arms.alpha[r.index] + arms.beta[r.index]), 12);
          expect(Number.isNaN(r.score)).toBe(false);
        });
        expect(snapshot(arms)).toEqual(before);
      }),
      { seed: 2024, numRuns: name === 'thompson' ? 60 : 150 },
    );
  });

  it('rejects a bad n', () => {
    const policy = createPolicy(name);
    const arms = view({ alpha: [1, 2], beta: [1, 1] });
    expect(() => policy.rank(arms, 0, ctxOf(seededKernel()))).toThrow(new RangeError(`${name}.rank: n must be an integer >= 1`));
  });
});
