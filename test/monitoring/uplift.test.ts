import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import stdlibBeta from '@stdlib/random-base-beta';
import { Z_95, expectedLoss, expectedLossFromPosteriors, uplift } from '../../src/monitoring/uplift';

describe('uplift', () => {
  it('binary rewards, overlapping interval: inconclusive', () => {
    // T: 120/1000 = 0.12, var 0.12 * 0.88 = 0.1056; C: 100/1000 = 0.10, var 0.1 * 0.9 = 0.09
    // se = sqrt(0.1056/1000 + 0.09/1000) = sqrt(0.0001956) = 0.0139857070
    // diff = 0.02; interval 0.02 -+ 1.959964 * 0.0139857 = [-0.0074115, 0.0474115]
    const r = uplift({ n: 1000, sum: 120 }, { n: 1000, sum: 100 });
    expect(r.treatmentRate).toBe(0.12);
    expect(r.controlRate).toBe(0.1);
    expect(r.diff).toBeCloseTo(0.02, 15);
    expect(r.se).toBeCloseTo(0.013985706989637671, 14);
    expect(r.lower).toBeCloseTo(-0.007411481998019935, 13);
    expect(r.upper).toBeCloseTo(0.047411481998019936, 13);
    expect(r.verdict).toBe('inconclusive');
  });
  it('binary rewards, interval above 0: better; swapped: worse', () => {
    // T: 300/2000 = 0.15, var 0.1275; C: 200/2000 = 0.10, var 0.09
    // se = sqrt((0.1275 + 0.09) / 2000) = sqrt(0.00010875) = 0.0104283268
    // 0.05 -+ 1.959964 * 0.0104283 = [0.0295609, 0.0704391]
    const r = uplift({ n: 2000, sum: 300 }, { n: 2000, sum: 200 });
    expect(r.se).toBeCloseTo(0.010428326807307105, 14);
    expect(r.lower).toBeCloseTo(0.02956085503866451, 13);
    expect(r.upper).toBeCloseTo(0.07043914496133549, 13);
    expect(r.verdict).toBe('better');
    const w = uplift({ n: 2000, sum: 200 }, { n: 2000, sum: 300 });
    expect(w.lower).toBeCloseTo(-0.07043914496133549, 13);
    expect(w.verdict).toBe('worse');
  });
  it('fractional rewards use the sample variance from sumSq', () => {
    // T rewards [0.5, 0.5, 1, 0]: sum 2, sumSq 1.5, mean 0.5, s^2 = (1.5 - 4 * 0.25) / 3 = 1/6
    // C rewards [0, 0, 0.5, 0.5]: sum 1, sumSq 0.5, mean 0.25, s^2 = (0.5 - 4 * 0.0625) / 3 = 1/12
    // se = sqrt((1/6)/4 + (1/12)/4) = sqrt(1/24 + 1/48) = sqrt(1/16) = 0.25
    // 0.25 -+ 1.959964 * 0.25 = [-0.2399910, 0.7399910]; n < 30 -> inconclusive anyway
    const r = uplift({ n: 4, sum: 2, sumSq: 1.5 }, { n: 4, sum: 1, sumSq: 0.5 });
    expect(r.diff).toBe(0.25);
    expect(r.se).toBeCloseTo(0.25, 15);
    expect(r.lower).toBeCloseTo(-0.2399909961350135, 14);
    expect(r.upper).toBeCloseTo(0.7399909961350135, 14);
    expect(r.verdict).toBe('inconclusive');
  });
  it('small groups are inconclusive even with a degenerate interval', () => {
    // 20/20 vs 0/20: both variances 0, se 0, interval [1, 1]: the Wald interval is meaningless here
    const r = uplift({ n: 20, sum: 20 }, { n: 20, sum: 0 });
    expect(r.se).toBe(0);
    expect(r.lower).toBe(1);
    expect(r.verdict).toBe('inconclusive');
    expect(uplift({ n: 20, sum: 20 }, { n: 20, sum: 0 }, { minN: 20 }).verdict).toBe('better');
  });
  it('an empty group gives nulls and inconclusive', () => {
    expect(uplift({ n: 0, sum: 0 }, { n: 10, sum: 5 })).toEqual({
      treatmentRate: null, controlRate: 0.5, diff: null, se: null, lower: null, upper: null, verdict: 'inconclusive',
    });
  });
  it('the interval is diff -+ Z_95 se, contains diff, and the verdict follows it', () => {
    const group = fc
      .tuple(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([n, rate]) => ({ n, sum: Math.round(n * rate) }));
    fc.assert(
      fc.property(group, group, (t, c) => {
        const r = uplift(t, c);
        expect(r.upper! - r.lower!).toBeCloseTo(2 * Z_95 * r.se!, 12);
        expect(r.lower!).toBeLessThanOrEqual(r.diff! + 1e-15);
        expect(r.upper!).toBeGreaterThanOrEqual(r.diff! - 1e-15);
        const small = t.n < 30 || c.n < 30;
        expect(r.verdict).toBe(small ? 'inconclusive' : r.lower! > 0 ? 'better' : r.upper! < 0 ? 'worse' : 'inconclusive');
        // swapping the groups mirrors the interval
        const s = uplift(c, t);
        expect(s.lower!).toBeCloseTo(-r.upper!, 12);
      }),
    );
  });
  it('checks its arguments', () => {
    expect(() => uplift(null as never, { n: 1, sum: 0 })).toThrow(new TypeError('treatment must be an object, got null'));
    expect(() => uplift({ n: 1, sum: 0 }, [] as never)).toThrow(new TypeError('control must be an object, got an array'));
    expect(() => uplift({ n: -1, sum: 0 }, { n: 1, sum: 0 })).toThrow(new RangeError('treatment.n must be a non-negative integer, got -1'));
    expect(() => uplift({ n: 1, sum: '0' } as never, { n: 1, sum: 0 })).toThrow(new TypeError('treatment.sum must be a number, got a string'));
    expect(() => uplift({ n: 10, sum: 11 }, { n: 1, sum: 0 })).toThrow(new RangeError('treatment.sum must be in [0, n], got 11'));
    // sum 2 of n 4 needs sumSq in [2^2/4, 2] = [1, 2]
    expect(() => uplift({ n: 4, sum: 2, sumSq: 0.5 }, { n: 1, sum: 0 })).toThrow(new RangeError('treatment.sumSq must be in [sum^2 / n, sum], got 0.5'));
    expect(() => uplift({ n: 4, sum: 2, sumSq: 2.5 }, { n: 1, sum: 0 })).toThrow(new RangeError('treatment.sumSq must be in [sum^2 / n, sum], got 2.5'));
    expect(() => uplift({ n: 4, sum: 2 }, { n: 1, sum: 0 }, { minN: 2.5 })).toThrow(new RangeError('options.minN must be a non-negative integer, got 2.5'));
  });
});

describe('expectedLoss', () => {
  it('hand-computed draws', () => {
    // t:      0    1    2
    // A:     0.1  0.5  0.3
    // B:     0.2  0.4  0.3
    // max:   0.2  0.5  0.3
    // loss A = (0.1 + 0 + 0) / 3 = 0.0333; loss B = (0 + 0.1 + 0) / 3 = 0.0333
    // best: t0 B, t1 A, t2 tie (half each) -> P(A) = 1.5/3 = 0.5, P(B) = 0.5
    const r = expectedLoss([[0.1, 0.5, 0.3], [0.2, 0.4, 0.3]]);
    expect(r.expectedLoss[0]).toBeCloseTo(0.1 / 3, 15);
    expect(r.expectedLoss[1]).toBeCloseTo(0.1 / 3, 15);
    expect(r.probBest).toEqual([0.5, 0.5]);
    // one offer: nothing to lose, always best
    expect(expectedLoss([[0.2, 0.7]])).toEqual({ expectedLoss: [0], probBest: [1] });
  });
  it('losses are >= 0, P(best) sums to 1, and an offer with P(best) = 1 has loss 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 50 }), fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), (k, m, s) => {
        const it = s[Symbol.iterator]();
        const draws = Array.from({ length: k }, () => Array.from({ length: m }, () => it.next().value as number));
        const r = expectedLoss(draws);
        for (const l of r.expectedLoss) expect(l).toBeGreaterThanOrEqual(0);
        expect(r.probBest.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        r.probBest.forEach((p, i) => { if (p === 1) expect(r.expectedLoss[i]).toBe(0); });
      }),
    );
  });
  it('from Beta posteriors with a seeded sampler', () => {
    const beta = stdlibBeta.factory({ seed: 7 });
    // Beta(900, 100) has mean 0.9 and Beta(100, 900) mean 0.1, with sd ~ 0.0095 each: the first
    // always wins, so loss_0 = 0 and loss_1 = E[theta_0 - theta_1] = 0.9 - 0.1 = 0.8 (within MC error)
    const r = expectedLossFromPosteriors([{ alpha: 900, beta: 100 }, { alpha: 100, beta: 900 }], 4000, (a, b) => beta(a, b));
    expect(r.probBest).toEqual([1, 0]);
    expect(r.expectedLoss[0]).toBe(0);
    expect(r.expectedLoss[1]).toBeCloseTo(0.8, 2);
    // deterministic: the same seed gives the same numbers
    const again = stdlibBeta.factory({ seed: 7 });
    expect(expectedLossFromPosteriors([{ alpha: 900, beta: 100 }, { alpha: 100, beta: 900 }], 4000, (a, b) => again(a, b))).toEqual(r);
  });
  it('checks its arguments', () => {
    expect(() => expectedLoss('x' as never)).toThrow(new TypeError('draws must be an array of arrays of numbers, got a string'));
    expect(() => expectedLoss([])).toThrow(new RangeError('draws must have at least 1 offer, got 0'));
    expect(() => expectedLoss([[]])).toThrow(new RangeError('draws[0] must have at least 1 draw, got 0'));
    expect(() => expectedLoss([[1], 2 as never])).toThrow(new TypeError('draws[1] must be an array of numbers, got 2'));
    expect(() => expectedLoss([[1, 2], [1]])).toThrow(new RangeError('draws[1] must have 2 draws like draws[0], got 1'));
    expect(() => expectedLoss([[1, NaN]])).toThrow(new RangeError('draws[0][1] must be finite, got NaN'));
    const f = (): number => 0.5;
    expect(() => expectedLossFromPosteriors({} as never, 1, f)).toThrow(new TypeError('posteriors must be an array, got an object'));
    expect(() => expectedLossFromPosteriors([{ alpha: 1, beta: 1 }], 0, f)).toThrow(new RangeError('n must be >= 1, got 0'));
    expect(() => expectedLossFromPosteriors([{ alpha: 1, beta: 1 }], 1, 3 as never)).toThrow(new TypeError('sampleBeta must be a function, got 3'));
    expect(() => expectedLossFromPosteriors([{ alpha: 0, beta: 1 }], 1, f)).toThrow(new RangeError('posteriors[0].alpha must be > 0, got 0'));
    expect(() => expectedLossFromPosteriors([{ alpha: 1, beta: -2 }], 1, f)).toThrow(new RangeError('posteriors[0].beta must be > 0, got -2'));
    expect(() => expectedLossFromPosteriors([{ alpha: 1, beta: 2 }], 1, () => 1.5)).toThrow(new RangeError('sampleBeta(1, 2) returned 1.5 for posteriors[0], not a number in [0, 1]'));
  });
});
