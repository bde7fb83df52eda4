import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../src/kernel/types';
import { IMPLS, fallback, native } from './helpers';

/** Reference: full sort by value descending, ties by index ascending. */
function refTop(values: Float64Array, n: number): number[] {
  return Array.from(values.keys())
    .sort((x, y) => (values[y]! - values[x]! !== 0 && !Number.isNaN(values[y]! - values[x]!) ? values[y]! - values[x]! : x - y))
    .slice(0, n);
}

/** Deterministic pseudo-random values with many ties (values from a small set). */
function valuesWithTies(k: number, seed: number, distinct: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: k }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s % distinct) / distinct;
  });
}

for (const [name, k] of IMPLS) {
  describe.skipIf(!k)(`${name}: topN, sampleTopN, propensities`, () => {
    const kernel = k as Kernel;

    it.each([
      [1, 1], [5, 1], [5, 5], [100, 3], [100, 32], [100, 33], [1000, 10], [1000, 500], [1000, 1000],
    ])('topN k=%d n=%d matches a full sort, ties to the lower index', (size, n) => {
      for (const distinct of [3, 50, 1e9]) {
        const values = valuesWithTies(size, size * 31 + n, distinct);
        const out = new Uint32Array(n + 2).fill(77);
        kernel.topN(values, n, out);
        expect(Array.from(out.subarray(0, n))).toEqual(refTop(values, n));
        expect(out[n]).toBe(77); // nothing past n is written
      }
    });

    it('topN handles infinities, -0 and descending/ascending runs', () => {
      const v = Float64Array.of(-Infinity, 0, -0, Infinity, 5, Infinity, -3);
      const out = new Uint32Array(7);
      kernel.topN(v, 7, out);
      expect(Array.from(out)).toEqual([3, 5, 4, 1, 2, 6, 0]);
      const asc = Float64Array.from({ length: 200 }, (_, i) => i);
      const o2 = new Uint32Array(40);
      kernel.topN(asc, 40, o2);
      expect(Array.from(o2)).toEqual(Array.from({ length: 40 }, (_, i) => 199 - i));
    });

    it('sampleTopN writes the draws and ranks them', () => {
      kernel.seed(3);
      const alpha = Float64Array.from({ length: 100 }, (_, i) => 1 + (i % 50));
      const beta = Float64Array.from({ length: 100 }, (_, i) => 1 + i * 10);
      const draws = new Float64Array(100);
      const idx = new Uint32Array(3);
      kernel.sampleTopN(alpha, beta, 3, draws, idx);
      for (const d of draws) expect(d > 0 && d < 1).toBe(true);
      expect(Array.from(idx)).toEqual(refTop(draws, 3));
    });

    it('sampleTopN picks each of two identical arms about half the time', () => {
      kernel.seed(4);
      const alpha = Float64Array.of(3, 3);
      const beta = Float64Array.of(7, 7);
      const draws = new Float64Array(2);
      const idx = new Uint32Array(1);
      let first = 0;
      for (let r = 0; r < 20_000; r++) {
        kernel.sampleTopN(alpha, beta, 1, draws, idx);
        if (idx[0] === 0) first++;
      }
      // sd = 0.5 / sqrt(20000) = 0.0035
      expect(Math.abs(first / 20_000 - 0.5)).toBeLessThan(0.02);
    });

    it('propensities: columns sum to 1 and shares are in [0, 1]', () => {
      kernel.seed(5);
      const alpha = Float64Array.from({ length: 20 }, (_, i) => 1 + i);
      const beta = Float64Array.from({ length: 20 }, (_, i) => 30 - i);
      const n = 4;
      const out = new Float64Array(20 * n);
      kernel.propensities(alpha, beta, n, 2000, out);
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let i = 0; i < 20; i++) sum += out[i * n + j]!;
        expect(sum).toBeCloseTo(1, 12);
      }
      for (const v of out) expect(v >= 0 && v <= 1).toBe(true);
      // each arm's shares over the positions sum to at most 1
      for (let i = 0; i < 20; i++) {
        let row = 0;
        for (let j = 0; j < n; j++) row += out[i * n + j]!;
        expect(row).toBeLessThanOrEqual(1 + 1e-12);
      }
    });

    it('propensities: identical posteriors split evenly; a dominated arm is never best', () => {
      kernel.seed(6);
      const two = new Float64Array(2);
      kernel.propensities(Float64Array.of(5, 5), Float64Array.of(50, 50), 1, 40_000, two);
      expect(Math.abs(two[0]! - 0.5)).toBeLessThan(0.02);
      expect(two[0]! + two[1]!).toBeCloseTo(1, 12);
      const three = new Float64Array(9);
      kernel.propensities(Float64Array.of(2, 2, 2), Float64Array.of(2, 2, 2), 3, 60_000, three);
      for (const v of three) expect(Math.abs(v - 1 / 3)).toBeLessThan(0.02);
      const dom = new Float64Array(2);
      kernel.propensities(Float64Array.of(1000, 1), Float64Array.of(1, 1000), 1, 1000, dom);
      expect(Array.from(dom)).toEqual([1, 0]);
    });

    it('propensities: P(Beta(2, 1) > U(0, 1)) = 2/3 (closed form)', () => {
      kernel.seed(7);
      const out = new Float64Array(2);
      kernel.propensities(Float64Array.of(2, 1), Float64Array.of(1, 1), 1, 100_000, out);
      // sd = sqrt(2/9 / 1e5) = 0.0015
      expect(Math.abs(out[0]! - 2 / 3)).toBeLessThan(0.01);
    });

    it('propensities: P(Beta(0.01, 0.01) > Beta(0.01, 0.01)) = 1/2 even with underflowing draws', () => {
      kernel.seed(8);
      const out = new Float64Array(2);
      kernel.propensities(Float64Array.of(0.01, 0.01), Float64Array.of(0.01, 0.01), 1, 40_000, out);
      // ties (both draws exactly 1 or 0) go to arm 0, so only a lower bound is exact
      expect(out[0]!).toBeGreaterThan(0.48);
      expect(out[0]! + out[1]!).toBeCloseTo(1, 12);
    });
  });
}

describe.skipIf(!native)('native and fallback select the same indices', () => {
  it('topN is identical on the same values', () => {
    for (const [size, n] of [[100, 3], [100, 60], [1000, 999]] as const) {
      const values = valuesWithTies(size, 17, 40);
      const a = new Uint32Array(n);
      const b = new Uint32Array(n);
      native!.topN(values, n, a);
      fallback.topN(values, n, b);
      expect(a).toEqual(b);
    }
  });
});
