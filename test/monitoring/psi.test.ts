import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PSI_EPSILON, psiBand, psiCategorical, psiNumeric, referenceEdges } from '../../src/monitoring/psi';
import { Rng } from '../../src/sim/rng';

const ln = Math.log;
const ONE_TO_TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('referenceEdges', () => {
  it('deciles of 1..10 are 1..9', () => {
    // edge k = sorted[ceil(k * 10 / 10) - 1] = sorted[k - 1] = k; 9 < max 10 is kept
    expect(referenceEdges(ONE_TO_TEN)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  it('merges tied edges and drops the maximum', () => {
    // sorted[k - 1] for k = 1..9: 0 0 0 0 0 0 0 1 2 -> {0, 1, 2}
    expect(referenceEdges([0, 0, 0, 0, 0, 0, 0, 1, 2, 3])).toEqual([0, 1, 2]);
    // sorted[k - 1]: 0 1 1 1 1 1 1 1 1 -> {0, 1}; 1 is the maximum, dropped
    expect(referenceEdges([0, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toEqual([0]);
  });
});

describe('psiNumeric', () => {
  it('hand-computed: one empty bin and values beyond the reference range', () => {
    // reference 1..10: 10 bins of share 0.1. current: 0.5 -> (-inf, 1]; 2..8 -> their bins; 15, 15 -> (9, +inf)
    // current shares: 0.1 x 8 bins, (8, 9] = 0 (smoothed to 1e-4), (9, +inf) = 0.2
    // PSI = (1e-4 - 0.1) ln(1e-4 / 0.1) + (0.2 - 0.1) ln(0.2 / 0.1)
    //     = (-0.0999)(-6.907755) + 0.1 * 0.693147 = 0.690085 + 0.069315 = 0.759400
    const r = psiNumeric(ONE_TO_TEN, [0.5, 2, 3, 4, 5, 6, 7, 8, 15, 15]);
    expect(r.psi).toBeCloseTo((1e-4 - 0.1) * ln(1e-4 / 0.1) + 0.1 * ln(2), 14);
    expect(r.psi).toBeCloseTo(0.7594, 4);
    expect(r.band).toBe('significant');
    expect(r.nRef).toBe(10);
    expect(r.nCur).toBe(10);
    expect(r.bins.map((b) => b.label)).toEqual(['(-inf, 1]', '(1, 2]', '(2, 3]', '(3, 4]', '(4, 5]', '(5, 6]', '(6, 7]', '(7, 8]', '(8, 9]', '(9, +inf)']);
    expect(r.bins[8]).toEqual({ label: '(8, 9]', refShare: 0.1, curShare: 0 }); // raw shares are reported
    expect(r.bins[9].curShare).toBe(0.2);
  });
  it('hand-computed: ties in the reference', () => {
    // reference [0 x7, 1, 2, 3]: bins (-inf, 0], (0, 1], (1, 2], (2, +inf) with shares 0.7 0.1 0.1 0.1
    // current [0 x5, 1 x3, 2, 3]: shares 0.5 0.3 0.1 0.1
    // PSI = (0.5 - 0.7) ln(0.5/0.7) + (0.3 - 0.1) ln(3) = (-0.2)(-0.336472) + 0.2 * 1.098612
    //     = 0.067294 + 0.219722 = 0.287017
    const r = psiNumeric([0, 0, 0, 0, 0, 0, 0, 1, 2, 3], [0, 0, 0, 0, 0, 1, 1, 1, 2, 3]);
    expect(r.bins.map((b) => b.refShare)).toEqual([0.7, 0.1, 0.1, 0.1]);
    expect(r.bins.map((b) => b.curShare)).toEqual([0.5, 0.3, 0.1, 0.1]);
    expect(r.psi).toBeCloseTo(-0.2 * ln(0.5 / 0.7) + 0.2 * ln(3), 14);
    expect(r.psi).toBeCloseTo(0.287017, 6);
  });
  it('hand-computed: a constant reference still sees a shift', () => {
    // reference [5, 5, 5, 5]: below 0, equal 1, above 0; current [5, 5, 6, 4]: 0.25, 0.5, 0.25
    // PSI = 2 (0.25 - 1e-4) ln(0.25 / 1e-4) + (0.5 - 1) ln(0.5) = 2 * 0.2499 * 7.824046 + 0.346574 = 4.257034
    const r = psiNumeric([5, 5, 5, 5], [5, 5, 6, 4]);
    expect(r.bins.map((b) => b.label)).toEqual(['(-inf, 5)', '[5, 5]', '(5, +inf)']);
    expect(r.psi).toBeCloseTo(2 * (0.25 - 1e-4) * ln(0.25 / 1e-4) - 0.5 * ln(0.5), 13);
    expect(r.psi).toBeCloseTo(4.257034, 5);
    expect(psiNumeric([5, 5], [5]).psi).toBe(0);
  });
  it('is 0 for identical samples, >= 0 always, and every reference bin is non-empty', () => {
    const xs = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(xs, xs, (ref, cur) => {
        const r = psiNumeric(ref, cur);
        expect(r.psi).toBeGreaterThanOrEqual(0);
        for (const b of r.bins.filter((b) => b.label !== `(-inf, ${ref[0]})` && b.label !== `(${ref[0]}, +inf)`)) expect(b.refShare).toBeGreaterThan(0);
        expect(r.bins.reduce((s, b) => s + b.curShare, 0)).toBeCloseTo(1, 12);
        expect(r.bins.reduce((s, b) => s + b.refShare, 0)).toBeCloseTo(1, 12);
        expect(psiNumeric(ref, ref).psi).toBeLessThan(1e-12);
        expect(r.bins.length).toBeLessThanOrEqual(10);
      }),
    );
  });
  it('noise between two samples of the same distribution (the figures in the doc comment)', () => {
    // Expected about 9 * (1/n + 1/n): 0.18 at n = 100, 0.018 at n = 1000. Fewer pairs than the
    // 2000 of the documented run, to keep the test fast; the bounds allow for that.
    for (const [n, trials, lo, hi] of [[100, 400, 0.16, 0.23], [1000, 100, 0.014, 0.022]] as const) {
      const rng = new Rng(42, n);
      let sum = 0;
      for (let t = 0; t < trials; t++) {
        const a = Array.from({ length: n }, () => rng.uniform());
        const b = Array.from({ length: n }, () => rng.uniform());
        sum += psiNumeric(a, b).psi;
      }
      const mean = sum / trials;
      expect(mean).toBeGreaterThan(lo);
      expect(mean).toBeLessThan(hi);
    }
  });
  it('checks its arguments', () => {
    expect(() => psiNumeric('1,2' as never, [1])).toThrow(new TypeError('reference must be an array, got a string'));
    expect(() => psiNumeric([], [1])).toThrow(new RangeError('reference must not be empty'));
    expect(() => psiNumeric([1], [])).toThrow(new RangeError('current must not be empty'));
    expect(() => psiNumeric([1, NaN], [1])).toThrow(new RangeError('reference[1] must be finite, got NaN'));
    expect(() => psiNumeric([1], [1, '2'] as never)).toThrow(new TypeError('current[1] must be a number, got a string'));
  });
});

describe('psiCategorical', () => {
  it('hand-computed: a new category gets its own bin', () => {
    // reference [a, a, b, b]: a 0.5, b 0.5; current [b, a, b, c]: a 0.25, b 0.5, c 0.25 (ref 0 -> 1e-4)
    // PSI = (0.25 - 0.5) ln(0.5) + 0 + (0.25 - 1e-4) ln(0.25 / 1e-4) = 0.173287 + 1.955229 = 2.128516
    const r = psiCategorical(['a', 'a', 'b', 'b'], ['b', 'a', 'b', 'c']);
    expect(r.bins).toEqual([
      { label: 'a', refShare: 0.5, curShare: 0.25 },
      { label: 'b', refShare: 0.5, curShare: 0.5 },
      { label: 'c', refShare: 0, curShare: 0.25 },
    ]);
    expect(r.psi).toBeCloseTo(-0.25 * ln(0.5) + (0.25 - PSI_EPSILON) * ln(0.25 / PSI_EPSILON), 14);
    expect(r.psi).toBeCloseTo(2.128516, 5);
    expect(r.band).toBe('significant');
  });
  it('a small share change is stable', () => {
    // ref: x 0.5, y 0.5; cur: x 0.55, y 0.45
    // PSI = 0.05 ln(0.55/0.5) + (-0.05) ln(0.45/0.5) = 0.05 * 0.095310 + 0.05 * 0.105361 = 0.010034
    const ref = [...Array(50).fill('x'), ...Array(50).fill('y')];
    const cur = [...Array(55).fill('x'), ...Array(45).fill('y')];
    const r = psiCategorical(ref, cur);
    expect(r.psi).toBeCloseTo(0.05 * ln(1.1) - 0.05 * ln(0.9), 14);
    expect(r.band).toBe('stable');
  });
  it('does not depend on the order of the samples', () => {
    const cats = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1, maxLength: 100 });
    fc.assert(
      fc.property(cats, cats, (ref, cur) => {
        expect(psiCategorical([...ref].reverse(), [...cur].reverse())).toEqual(psiCategorical(ref, cur));
        expect(psiCategorical(ref, ref).psi).toBe(0);
      }),
    );
  });
  it('checks its arguments', () => {
    expect(() => psiCategorical(null as never, ['a'])).toThrow(new TypeError('reference must be an array, got null'));
    expect(() => psiCategorical(['a'], [])).toThrow(new RangeError('current must not be empty'));
    expect(() => psiCategorical(['a', 1] as never, ['a'])).toThrow(new TypeError('reference[1] must be a string, got 1'));
    expect(() => psiCategorical(['a'], [true] as never)).toThrow(new TypeError('current[0] must be a string, got true'));
  });
});

describe('psiBand', () => {
  it('uses the usual bands', () => {
    expect(psiBand(0)).toBe('stable');
    expect(psiBand(0.0999)).toBe('stable');
    expect(psiBand(0.1)).toBe('moderate');
    expect(psiBand(0.25)).toBe('moderate');
    expect(psiBand(0.2501)).toBe('significant');
    expect(() => psiBand(-1)).toThrow(new RangeError('psi must be >= 0, got -1'));
    expect(() => psiBand('0' as never)).toThrow(new TypeError('psi must be a number, got a string'));
  });
});
