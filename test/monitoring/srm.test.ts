import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import gammaCdf from '@stdlib/stats-base-dists-gamma-cdf';
import { chiSquaredSurvival, logGamma, regularizedGammaQ } from '../../src/monitoring/gamma';
import { sampleRatioMismatch } from '../../src/monitoring/srm';

describe('logGamma', () => {
  it('matches factorials and Gamma(1/2) = sqrt(pi)', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14); // Gamma(1) = 0! = 1
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13); // Gamma(5) = 4! = 24
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 12); // Gamma(11) = 10! = 3628800
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14); // Gamma(1/2) = sqrt(pi)
  });
  it('checks its argument', () => {
    expect(() => logGamma('1' as never)).toThrow(new TypeError('x must be a number, got a string'));
    expect(() => logGamma(0)).toThrow(new RangeError('x must be > 0, got 0'));
  });
});

describe('regularizedGammaQ', () => {
  it('Q(1, x) = exp(-x) (Gamma(1, x) = e^-x)', () => {
    for (const x of [0.1, 0.5, 1, 2, 5, 20, 100]) expect(regularizedGammaQ(1, x)).toBeCloseTo(Math.exp(-x), 14);
    // relative accuracy in the far tail (continued fraction, no 1 - P cancellation): e^-100 = 3.720075976020836e-44
    expect(regularizedGammaQ(1, 100) / Math.exp(-100)).toBeCloseTo(1, 12);
  });
  it('Q(2, x) = (1 + x) e^-x (integrate t e^-t by parts)', () => {
    for (const x of [0.3, 1, 3, 7, 30]) expect(regularizedGammaQ(2, x)).toBeCloseTo((1 + x) * Math.exp(-x), 14);
  });
  it('Q(s, 0) = 1', () => {
    expect(regularizedGammaQ(0.5, 0)).toBe(1);
    expect(regularizedGammaQ(40, 0)).toBe(1);
  });
  it('agrees with @stdlib gamma-cdf (1 - P) across both branches', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 200, noNaN: true }), fc.double({ min: 0, max: 400, noNaN: true }), (s, x) => {
        const ref = 1 - gammaCdf(x, s, 1);
        expect(Math.abs(regularizedGammaQ(s, x) - ref)).toBeLessThan(1e-12);
      }),
      { numRuns: 2000 },
    );
  });
  it('is non-increasing in x', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 50, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), (s, x, dx) => {
        expect(regularizedGammaQ(s, x + dx)).toBeLessThanOrEqual(regularizedGammaQ(s, x) + 1e-15);
      }),
    );
  });
  it('checks its arguments', () => {
    expect(() => regularizedGammaQ(null as never, 1)).toThrow(new TypeError('s must be a number, got null'));
    expect(() => regularizedGammaQ(1, NaN)).toThrow(new RangeError('x must be finite, got NaN'));
    expect(() => regularizedGammaQ(0, 1)).toThrow(new RangeError('s must be > 0, got 0'));
    expect(() => regularizedGammaQ(1, -1)).toThrow(new RangeError('x must be >= 0, got -1'));
  });
});

describe('chiSquaredSurvival', () => {
  it('df = 1: p = erfc(sqrt(x / 2)), table values', () => {
    // The usual critical values of chi2_1: 3.841458820694124 (p = 0.05), 6.634896601021214 (0.01),
    // 10.827566170662733 (0.001); erfc(sqrt(3.8414588/2)) = erfc(1.959964) = 0.05, i.e. z = 1.96.
    expect(chiSquaredSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquaredSurvival(6.634896601021214, 1)).toBeCloseTo(0.01, 12);
    expect(chiSquaredSurvival(10.827566170662733, 1)).toBeCloseTo(0.001, 12);
    // x = 1: erfc(sqrt(1/2)) = erfc(0.7071) = 2 * (1 - Phi(1)) = 2 * 0.15865525393145707 = 0.31731050786291415
    expect(chiSquaredSurvival(1, 1)).toBeCloseTo(0.31731050786291415, 13);
  });
  it('df = 2: p = exp(-x / 2) (chi2_2 is exponential with mean 2)', () => {
    for (const x of [0.5, 1, 2, 4, 13.815510557964274, 50]) expect(chiSquaredSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 14);
    // 2 ln 1000 = 13.815510557964274 gives exactly p = 0.001
    expect(chiSquaredSurvival(13.815510557964274, 2)).toBeCloseTo(0.001, 14);
  });
  it('df = 4: p = (1 + x/2) exp(-x/2) (Q(2, x/2))', () => {
    // x = 4: (1 + 2) e^-2 = 3 * 0.1353352832366127 = 0.4060058497098381
    expect(chiSquaredSurvival(4, 4)).toBeCloseTo(0.4060058497098381, 14);
  });
  it('checks its arguments', () => {
    expect(() => chiSquaredSurvival(1, 0)).toThrow(new RangeError('df must be a positive integer, got 0'));
    expect(() => chiSquaredSurvival(1, 1.5)).toThrow(new RangeError('df must be a positive integer, got 1.5'));
    expect(() => chiSquaredSurvival(-2, 1)).toThrow(new RangeError('x must be >= 0, got -2'));
    expect(() => chiSquaredSurvival('3' as never, 1)).toThrow(new TypeError('x must be a number, got a string'));
  });
});

describe('sampleRatioMismatch', () => {
  it('a 50/50 split seen as 480/520 is fine', () => {
    // E = [500, 500]; chi2 = 20^2/500 + 20^2/500 = 0.8 + 0.8 = 1.6; df = 1
    // p = erfc(sqrt(0.8)) = 2 * (1 - Phi(1.264911)) = 2 * 0.102951 = 0.205903
    const r = sampleRatioMismatch([480, 520], [0.5, 0.5]);
    expect(r.expected).toEqual([500, 500]);
    expect(r.chi2).toBeCloseTo(1.6, 12);
    expect(r.df).toBe(1);
    expect(r.pValue).toBeCloseTo(0.2059032107320683, 10);
    expect(r.flagged).toBe(false);
  });
  it('a 10% control served at 20% is flagged', () => {
    // n = 1000, E = [100, 900]; chi2 = 100^2/100 + 100^2/900 = 100 + 11.1111 = 111.1111
    // p = erfc(sqrt(55.5556)) ~ 5.6e-26, far below 0.001, and both E >= 5
    const r = sampleRatioMismatch([200, 800], [10, 90]);
    expect(r.expected[0]).toBeCloseTo(100, 12);
    expect(r.expected[1]).toBeCloseTo(900, 12);
    expect(r.chi2).toBeCloseTo(111.11111111111111, 10);
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(1e-24);
    expect(r.flagged).toBe(true);
  });
  it('three groups, df = 2, p = exp(-chi2/2)', () => {
    // shares 1:1:2 of n = 400 -> E = [100, 100, 200]; O = [110, 90, 200]
    // chi2 = 10^2/100 + 10^2/100 + 0 = 2; p = e^-1 = 0.36787944117144233
    const r = sampleRatioMismatch([110, 90, 200], [1, 1, 2]);
    expect(r.expected).toEqual([100, 100, 200]);
    expect(r.chi2).toBeCloseTo(2, 12);
    expect(r.df).toBe(2);
    expect(r.pValue).toBeCloseTo(Math.exp(-1), 12);
  });
  it('is not flagged when an expected count is below 5, however small p is', () => {
    // n = 50, shares 1%/99% -> E = [0.5, 49.5]; chi2 = 19.5^2/0.5 + 19.5^2/49.5 = 760.5 + 7.6818 = 768.18
    const r = sampleRatioMismatch([20, 30], [0.01, 0.99]);
    expect(r.chi2).toBeCloseTo(768.1818181818181, 9);
    expect(r.pValue).toBeLessThan(0.001);
    expect(r.flagged).toBe(false);
    // the same with the validity threshold lowered is flagged
    expect(sampleRatioMismatch([20, 30], [0.01, 0.99], { minExpected: 0.5 }).flagged).toBe(true);
  });
  it('no events: chi2 0, p 1, not flagged', () => {
    expect(sampleRatioMismatch([0, 0], [0.1, 0.9])).toEqual({ chi2: 0, df: 1, pValue: 1, flagged: false, expected: [0, 0] });
  });
  it('exact expected counts give chi2 0 and p 1 for any k', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 2, maxLength: 20 }), (counts) => {
        const r = sampleRatioMismatch(counts, counts);
        expect(r.chi2).toBeLessThan(1e-9);
        expect(r.pValue).toBeCloseTo(1, 9);
        expect(r.flagged).toBe(false);
        expect(r.df).toBe(counts.length - 1);
      }),
    );
  });
  it('p is in [0, 1] and the flag follows its definition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0.01, max: 1, noNaN: true })), { minLength: 2, maxLength: 10 }),
        (groups) => {
          const r = sampleRatioMismatch(groups.map((g) => g[0]), groups.map((g) => g[1]));
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
          expect(r.flagged).toBe(r.pValue < 0.001 && r.expected.every((e) => e >= 5));
        },
      ),
    );
  });
  it('checks its arguments', () => {
    expect(() => sampleRatioMismatch('12' as never, [1, 1])).toThrow(new TypeError('observed must be an array of numbers, got a string'));
    expect(() => sampleRatioMismatch([1], [1])).toThrow(new RangeError('observed must have at least 2 groups, got 1'));
    expect(() => sampleRatioMismatch([1, 2], [1, 1, 1])).toThrow(new RangeError('shares must have one entry per group (2), got 3'));
    expect(() => sampleRatioMismatch([1, 2.5], [1, 1])).toThrow(new RangeError('observed[1] must be a non-negative integer, got 2.5'));
    expect(() => sampleRatioMismatch([1, -1], [1, 1])).toThrow(new RangeError('observed[1] must be a non-negative integer, got -1'));
    expect(() => sampleRatioMismatch([1, 2], [1, 0])).toThrow(new RangeError('shares[1] must be > 0, got 0'));
    expect(() => sampleRatioMismatch([1, 2], [1, '1'] as never)).toThrow(new TypeError('shares[1] must be a number, got a string'));
    expect(() => sampleRatioMismatch([1, 2], [1, 1], { alpha: 1 })).toThrow(new RangeError('options.alpha must be in (0, 1), got 1'));
    expect(() => sampleRatioMismatch([1, 2], [1, 1], { minExpected: -1 })).toThrow(new RangeError('options.minExpected must be >= 0, got -1'));
    expect(() => sampleRatioMismatch([1, 2], [1, 1], null as never)).toThrow(new TypeError('options must be an object, got null'));
  });
});
