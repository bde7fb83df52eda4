import { describe, expect, it } from 'vitest';
import { createPolicy } from '../../src/policies';
import { positionTable } from '../../src/policies/epsilon-greedy';
import { ctxOf, seededKernel, view } from './helpers';

/** Empirical slot frequencies of `trials` rank() calls: freq[i * m + j]. */
function empirical(name: string, params: Record<string, number>, arms: ReturnType<typeof view>, n: number, trials: number, seed: number, keyed = false) {
  const kernel = seededKernel(seed);
  const policy = createPolicy(name, params);
  const m = Math.min(n, arms.k);
  const freq = new Float64Array(arms.k * m);
  for (let t = 0; t < trials; t++) {
    const r = policy.rank(arms, n, ctxOf(kernel, keyed ? `customer-${t}|camp|salt` : 'c'));
    r.forEach((x, j) => (freq[x.index * m + j] += 1 / trials));
  }
  return { freq, policy, kernel, m };
}

describe('thompson', () => {
  it('picks the clearly best arm most of the time; its MC slot-1 propensity matches the pick frequency', () => {
    const arms = view({ alpha: [30, 12, 5, 2], beta: [70, 88, 95, 3] }); // means 0.30, 0.12, 0.05, 0.4 (uncertain)
    const trials = 20_000;
    const { freq, policy, kernel, m } = empirical('thompson', { propensityDraws: 20_000 }, arms, 2, trials, 7);
    const out = new Float64Array(arms.k * m);
    policy.propensityMatrix(arms, 2, ctxOf(kernel), out);
    for (let i = 0; i < arms.k; i++) {
      for (let j = 0; j < m; j++) expect(Math.abs(out[i * m + j] - freq[i * m + j])).toBeLessThan(0.02);
    }
    const clear = view({ alpha: [60, 20, 10], beta: [40, 80, 90] });
    const c = empirical('thompson', {}, clear, 1, 2000, 8);
    expect(c.freq[0]).toBeGreaterThan(0.99);
  });

  it('boosts change both the ranking and the propensities', () => {
    const arms = view({ alpha: [20, 20], beta: [20, 20], boosts: [1, 1.5] });
    const { freq, policy, kernel } = empirical('thompson', { propensityDraws: 10_000 }, arms, 1, 10_000, 9);
    expect(freq[1]).toBeGreaterThan(0.95);
    const out = new Float64Array(2);
    policy.propensityMatrix(arms, 1, ctxOf(kernel), out);
    expect(Math.abs(out[1] - freq[1])).toBeLessThan(0.01);
  });

  it('an unboosted view shares the cached propensities of all-1 boosts, and never those of other boosts', () => {
    const policy = createPolicy('thompson', { propensityDraws: 4000 });
    const kernel = seededKernel(12);
    const base = { alpha: [20, 20], beta: [20, 20], cacheKey: 'same', version: 3 };
    const at = (v: ReturnType<typeof view>): number[] => {
      const out = new Float64Array(2);
      policy.propensityMatrix(v, 1, ctxOf(kernel, 'c', 0), out);
      return Array.from(out);
    };
    const flagged = at(view({ ...base, unboosted: true }));
    expect(flagged[0]).toBeCloseTo(0.5, 1);
    // Same key and version, boosts not all 1: another entry, boosted propensities.
    const boosted = at(view({ ...base, boosts: [1, 1.5] }));
    expect(boosted[1]).toBeGreaterThan(0.95);
    // Unflagged all-1 boosts and the flag again: the first entry, the same numbers.
    expect(at(view({ ...base }))).toEqual(flagged);
    expect(at(view({ ...base, unboosted: true }))).toEqual(flagged);
    // A flag of false with boosts: still the boosted entry.
    expect(at(view({ ...base, boosts: [1, 1.5], unboosted: false }))).toEqual(boosted);
  });

  it('caches the MC propensity: recomputed only when the version changed AND the refresh time passed', () => {
    const policy = createPolicy('thompson', { propensityDraws: 2000, propensityRefreshMs: 1000 });
    const kernel = seededKernel(10);
    const a1 = view({ alpha: [10, 1], beta: [1, 10], version: 1 });
    const p1 = policy.rank(a1, 1, ctxOf(kernel, 'c', 0))[0].propensity;
    expect(p1).toBeGreaterThan(0.99);
    // the posterior flipped (new version) but the cached value is younger than 1 s: still the old one
    const a2 = view({ alpha: [1, 10], beta: [10, 1], version: 2 });
    const stale = policy.rank(a2, 1, ctxOf(kernel, 'c', 500));
    expect(stale[0].index).toBe(1);
    expect(stale[0].propensity).toBeLessThan(0.01);
    // older than 1 s and a new version: recomputed
    expect(policy.rank(a2, 1, ctxOf(kernel, 'c', 1500))[0].propensity).toBeGreaterThan(0.99);
    // same version, much later: not recomputed (nothing changed), values equal
    const again = policy.rank(a2, 1, ctxOf(kernel, 'c', 99_999))[0].propensity;
    expect(again).toBe(policy.rank(a2, 1, ctxOf(kernel, 'c', 99_999))[0].propensity);
    // another slate size is another cache entry
    const two = policy.rank(a2, 2, ctxOf(kernel, 'c', 1600));
    expect(two[1].propensity).toBeGreaterThan(0.99);
  });
});

describe('risk-averse', () => {
  // A: Beta(51, 51), mean 0.5 known with confidence; B: Beta(2, 1.5), mean ~0.57 but uncertain.
  const arms = view({ alpha: [51, 2], beta: [51, 1.5] });

  it('prefers the certain offer; thompson prefers the uncertain better-mean one more often than not', () => {
    const kernel = seededKernel(1);
    const ra = createPolicy('risk-averse').rank(arms, 1, ctxOf(kernel));
    expect(ra[0].index).toBe(0);
    expect(ra[0].propensity).toBe(1);
    expect(ra[0].probability).toBeCloseTo(0.5, 12);
    // the score is the 10% quantile of Beta(51, 51): about 0.5 - 1.2816 * 0.0495
    expect(ra[0].score).toBeGreaterThan(0.43);
    expect(ra[0].score).toBeLessThan(0.45);
    const { freq } = empirical('thompson', {}, arms, 1, 4000, 2);
    expect(freq[1]).toBeGreaterThan(0.5);
    const pick = createPolicy('risk-averse', { quantile: 0.5 }).rank(arms, 1, ctxOf(kernel));
    expect(pick[0].index).toBe(1); // the median of B is above 0.5
  });
});

describe('epsilon-greedy', () => {
  it('the exact position table matches a simulation of the process', () => {
    const arms = view({ alpha: [5, 9, 2, 7, 3], beta: [5, 1, 8, 3, 7] }); // greedy order 1, 3, 0, 4, 2
    const n = 4;
    const { freq, policy, kernel, m } = empirical('epsilon-greedy', { epsilon: 0.3 }, arms, n, 40_000, 3);
    const out = new Float64Array(arms.k * m);
    policy.propensityMatrix(arms, n, ctxOf(kernel), out);
    for (let x = 0; x < out.length; x++) expect(Math.abs(out[x] - freq[x])).toBeLessThan(0.01);
    // slot 1 closed form: (1 - eps) [greedy] + eps / k
    expect(out[1 * m + 0]).toBeCloseTo(0.7 + 0.3 / 5, 12);
    expect(out[0 * m + 0]).toBeCloseTo(0.3 / 5, 12);
  });

  it('position table: closed form for slot 2 with k = 3', () => {
    const eps = 0.4;
    const P = positionTable(3, 2, eps);
    // slot 2, position 0: first slot explored to another arm (eps * 2/3), then position 0 picked
    // greedily or by the 1/2 uniform: (1 - eps) + eps / 2
    expect(P[0 * 2 + 1]).toBeCloseTo(eps * (2 / 3) * (1 - eps + eps / 2), 12);
    // columns sum to 1
    for (let j = 0; j < 2; j++) expect(P[j] + P[2 + j] + P[4 + j]).toBeCloseTo(1, 12);
  });

  it('epsilon 0 is greedy with ties to the lower index; epsilon 1 is uniform', () => {
    const arms = view({ alpha: [2, 3, 3], beta: [2, 1, 1] });
    const r = createPolicy('epsilon-greedy', { epsilon: 0 }).rank(arms, 3, ctxOf(seededKernel()));
    expect(r.map((x) => x.index)).toEqual([1, 2, 0]);
    expect(r.map((x) => x.propensity)).toEqual([1, 1, 1]);
    const out = new Float64Array(9);
    createPolicy('epsilon-greedy', { epsilon: 1 }).propensityMatrix(arms, 3, ctxOf(seededKernel()), out);
    for (const p of out) expect(p).toBeCloseTo(1 / 3, 12);
  });
});

describe('ucb1', () => {
  it('tries unpulled arms first (lower index first), then mean + sqrt(c ln N / n)', () => {
    const p = createPolicy('ucb1');
    const kernel = seededKernel();
    // arm 0: 10 pulls, 5 successes; arm 1: unpulled; arm 2: 2 pulls, 2 successes; arm 3: unpulled
    const arms = view({ alpha: [6, 1, 3, 1], beta: [6, 1, 1, 1] });
    const r = p.rank(arms, 4, ctxOf(kernel));
    expect(r.map((x) => x.index)).toEqual([1, 3, 2, 0]);
    expect(r[0].score).toBe(Infinity);
    const N = 12;
    expect(r[2].score).toBeCloseTo(1 + Math.sqrt((2 * Math.log(N)) / 2), 12);
    expect(r[3].score).toBeCloseTo(0.5 + Math.sqrt((2 * Math.log(N)) / 10), 12);
    expect(r.every((x) => x.propensity === 1)).toBe(true);
    // c = 0 is pure exploitation among pulled arms
    const greedy = createPolicy('ucb1', { c: 0 }).rank(view({ alpha: [6, 3], beta: [6, 1] }), 1, ctxOf(kernel));
    expect(greedy[0].index).toBe(1);
  });
});

describe('random', () => {
  it('is uniform over arms and slots', () => {
    const arms = view({ alpha: [9, 1, 1, 1], beta: [1, 9, 1, 1] });
    const { freq } = empirical('random', {}, arms, 2, 20_000, 4);
    for (const f of freq) expect(Math.abs(f - 0.25)).toBeLessThan(0.015);
  });
});

describe('fixed', () => {
  const arms = view({ alpha: [1, 1, 1, 1], beta: [1, 1, 1, 1], weights: [50, 30, 20, 0] });

  it('is sticky: the same key gets the same slate, whatever the kernel state', () => {
    const p = createPolicy('fixed');
    const a = p.rank(arms, 3, ctxOf(seededKernel(1), 'alice|camp|salt')).map((r) => r.index);
    const b = p.rank(arms, 3, ctxOf(seededKernel(2), 'alice|camp|salt')).map((r) => r.index);
    expect(b).toEqual(a);
    // a zero-weight arm comes only after every positive-weight arm
    expect(a.includes(3)).toBe(false);
  });

  it('the split over many keys matches the weights, and later slots match the exact propensities', () => {
    const n = 3;
    const { freq, policy, kernel, m } = empirical('fixed', {}, arms, n, 30_000, 5, true);
    const out = new Float64Array(arms.k * m);
    policy.propensityMatrix(arms, n, ctxOf(kernel), out);
    expect(out[0 * m]).toBeCloseTo(0.5, 12);
    expect(out[1 * m]).toBeCloseTo(0.3, 12);
    expect(out[2 * m]).toBeCloseTo(0.2, 12);
    expect(out[3 * m]).toBe(0);
    // slot 2 of arm 1: 0.5 * 30/50 + 0.2 * 30/80
    expect(out[1 * m + 1]).toBeCloseTo(0.5 * 0.6 + 0.2 * (30 / 80), 12);
    // slot 3 holds whichever positive arm is left; arm 3 (weight 0) never appears
    expect(out[3 * m + 2]).toBe(0);
    for (let x = 0; x < out.length; x++) expect(Math.abs(out[x] - freq[x])).toBeLessThan(0.012);
  });

  it('once only zero weights remain, the pick is uniform among them', () => {
    const zeros = view({ alpha: [1, 1, 1], beta: [1, 1, 1], weights: [1, 0, 0] });
    const { freq, policy, kernel, m } = empirical('fixed', {}, zeros, 3, 10_000, 6, true);
    const out = new Float64Array(9);
    policy.propensityMatrix(zeros, 3, ctxOf(kernel), out);
    expect(Array.from(out).map((x) => Math.round(x * 1e9) / 1e9)).toEqual([1, 0, 0, 0, 0.5, 0.5, 0, 0.5, 0.5]);
    for (let x = 0; x < 9; x++) expect(Math.abs(out[x] - freq[x])).toBeLessThan(0.02);
    expect(m).toBe(3);
  });

  it('large slates fall back to Monte-Carlo propensities (exact slot 1, columns sum to 1, cached for rank)', () => {
    const k = 20;
    const weights = Array.from({ length: k }, (_, i) => i + 1);
    const big = view({ alpha: new Array(k).fill(1), beta: new Array(k).fill(1), weights });
    const p = createPolicy('fixed', { propensityDraws: 20_000 });
    const m = 6;
    const out = new Float64Array(k * m);
    p.propensityMatrix(big, m, ctxOf(seededKernel(12)), out);
    const W = (k * (k + 1)) / 2;
    for (let i = 0; i < k; i++) expect(out[i * m]).toBeCloseTo(weights[i] / W, 12); // slot 1 exact
    let sum = 0;
    for (let i = 0; i < k; i++) sum += out[i * m + 5];
    expect(sum).toBeCloseTo(1, 9);
    // slot 6 (MC): the heaviest arm is there with small probability, the lightest almost never
    expect(out[(k - 1) * m + 5]).toBeGreaterThan(out[0 * m + 5]);
    const r = p.rank(big, m, ctxOf(seededKernel(12), 'bob'));
    expect(r[5].propensity).toBeCloseTo(out[r[5].index * m + 5], 12); // cached MC matrix
  });
});
