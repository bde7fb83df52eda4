import { describe, expect, it } from 'vitest';
import { createFallbackKernel } from '../../src/kernel/fallback';
import { MSG } from '../../src/kernel/messages';
import { loadNative } from '../../src/kernel/native';
import type { Kernel } from '../../src/kernel/types';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const normalCdf = require('@stdlib/stats-base-dists-normal-cdf') as (x: number, mu: number, sigma: number) => number;

const kernels: Kernel[] = [createFallbackKernel()];
const native = loadNative();
if (native !== null) kernels.push(native);

/** Kolmogorov-Smirnov statistic of a sample against N(0, 1). */
function ksNormal(sample: Float64Array): number {
  const s = Array.from(sample).sort((a, b) => a - b);
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const f = normalCdf(s[i]!, 0, 1);
    d = Math.max(d, Math.abs(f - i / s.length), Math.abs((i + 1) / s.length - f));
  }
  return d;
}

describe.each(kernels.map((k) => [k.impl, k] as const))('%s kernel: Gaussian entry points', (_impl, kernel) => {
  it('linearScores: exact moments, and (out - mean) / sd is standard normal', () => {
    kernel.seed(42);
    const k = 3;
    const dim = 2;
    const m = new Float64Array([0.5, -1, 2, 0, -0.25, 0.75]);
    const q = new Float64Array([1, 4, 2, 8, 0.5, 1]);
    const x = new Float64Array([1, 2]);
    const mean = new Float64Array(k);
    const sd = new Float64Array(k);
    const out = new Float64Array(k);
    kernel.linearScores(m, q, x, mean, sd, out);
    expect(Array.from(mean)).toEqual([0.5 - 2, 2 + 0, -0.25 + 1.5]);
    expect(sd[0]).toBeCloseTo(Math.sqrt(1 / 1 + 4 / 4), 14);
    expect(sd[1]).toBeCloseTo(Math.sqrt(1 / 2 + 4 / 8), 14);
    expect(sd[2]).toBeCloseTo(Math.sqrt(1 / 0.5 + 4 / 1), 14);
    const z = new Float64Array(6000);
    for (let t = 0; t < 2000; t++) {
      kernel.linearScores(m, q, x, mean, sd, out);
      for (let a = 0; a < k; a++) z[t * k + a] = (out[a]! - mean[a]!) / sd[a]!;
    }
    // Critical value of KS at alpha = 0.001 for n = 6000: 1.95 / sqrt(n) ~ 0.025.
    expect(ksNormal(z)).toBeLessThan(0.025);
  });

  it('gaussianPropensities: columns sum to 1 and match the closed form for two arms', () => {
    kernel.seed(7);
    const mean = new Float64Array([0.3, 0]);
    const sd = new Float64Array([0.5, 1]);
    const out = new Float64Array(4);
    kernel.gaussianPropensities(mean, sd, 2, 20000, out);
    // P(X0 > X1) = Phi((0.3 - 0) / sqrt(0.25 + 1)) = 0.6051...
    const p = normalCdf(0.3 / Math.sqrt(1.25), 0, 1);
    expect(out[0]).toBeCloseTo(p, 1);
    expect(Math.abs(out[0]! - p)).toBeLessThan(0.015);
    expect(out[0]! + out[2]!).toBeCloseTo(1, 12);
    expect(out[1]! + out[3]!).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(out[2]!, 12);
    // sd 0: a fixed ranking, ties to the lower index.
    const fixed = new Float64Array(3);
    kernel.gaussianPropensities(new Float64Array([1, 2, 2]), new Float64Array(3), 1, 10, fixed);
    expect(Array.from(fixed)).toEqual([0, 1, 0]);
  });

  it('the same seed repeats exactly', () => {
    const run = (): number[] => {
      kernel.seed(99);
      const mean = new Float64Array(2);
      const sd = new Float64Array(2);
      const out = new Float64Array(2);
      kernel.linearScores(new Float64Array([1, 2]), new Float64Array([1, 1]), new Float64Array([1]), mean, sd, out);
      const prop = new Float64Array(2);
      kernel.gaussianPropensities(mean, sd, 1, 50, prop);
      return [...out, ...prop];
    };
    expect(run()).toEqual(run());
  });

  const f = (n: number): Float64Array => new Float64Array(n);
  const ones = (n: number): Float64Array => new Float64Array(n).fill(1);
  const cases: [string, () => void, 'TypeError' | 'RangeError', string][] = [
    ['m type', () => kernel.linearScores([1] as unknown as Float64Array, ones(1), f(1), f(1), f(1), f(1)), 'TypeError', MSG.float64('m')],
    ['out type', () => kernel.linearScores(f(1), ones(1), f(1), f(1), f(1), new Uint32Array(1) as unknown as Float64Array), 'TypeError', MSG.float64('out')],
    ['weights length', () => kernel.linearScores(f(2), ones(2), f(1), f(1), f(1), f(1)), 'RangeError', MSG.weightsLength],
    ['moments length', () => kernel.linearScores(f(2), ones(2), f(1), f(1), f(2), f(2)), 'RangeError', MSG.momentsLength],
    ['x NaN', () => kernel.linearScores(f(2), ones(2), new Float64Array([0, NaN]), f(1), f(1), f(1)), 'RangeError', MSG.notNaN('x', 1)],
    ['m NaN before q', () => kernel.linearScores(new Float64Array([0, NaN]), new Float64Array([1, 0]), f(1), f(2), f(2), f(2)), 'RangeError', MSG.notNaN('m', 1)],
    ['q zero', () => kernel.linearScores(f(2), new Float64Array([1, 0]), f(1), f(2), f(2), f(2)), 'RangeError', MSG.positiveFinite('q', 1)],
    ['q infinite', () => kernel.linearScores(f(1), new Float64Array([Infinity]), f(1), f(1), f(1), f(1)), 'RangeError', MSG.positiveFinite('q', 0)],
    ['mean type', () => kernel.gaussianPropensities(null as unknown as Float64Array, f(1), 1, 1, f(1)), 'TypeError', MSG.float64('mean')],
    ['n type', () => kernel.gaussianPropensities(f(1), f(1), '1' as unknown as number, 1, f(1)), 'TypeError', MSG.n],
    ['n > k', () => kernel.gaussianPropensities(f(1), f(1), 2, 1, f(2)), 'RangeError', MSG.n],
    ['m zero', () => kernel.gaussianPropensities(f(1), f(1), 1, 0, f(1)), 'RangeError', MSG.m],
    ['sd length', () => kernel.gaussianPropensities(f(2), f(1), 1, 1, f(2)), 'RangeError', MSG.meanSdLength],
    ['out length', () => kernel.gaussianPropensities(f(2), f(2), 1, 1, f(3)), 'RangeError', MSG.outKn],
    ['mean NaN', () => kernel.gaussianPropensities(new Float64Array([NaN]), f(1), 1, 1, f(1)), 'RangeError', MSG.notNaN('mean', 0)],
    ['sd negative', () => kernel.gaussianPropensities(f(2), new Float64Array([0, -1]), 1, 1, f(2)), 'RangeError', MSG.nonNegativeFinite('sd', 1)],
  ];
  it.each(cases)('%s -> exact error', (_name, fn, cls, message) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(cls === 'TypeError' ? TypeError : RangeError);
    expect((err as Error).message).toBe(message);
  });
});

describe('native and fallback agree', () => {
  it.skipIf(native === null)('on the moments exactly and on propensities within Monte-Carlo error', () => {
    const k = 5;
    const dim = 4;
    const m = new Float64Array(k * dim).map((_, i) => Math.sin(i));
    const q = new Float64Array(k * dim).map((_, i) => 1 + (i % 3));
    const x = new Float64Array([1, 0.5, -0.5, 2]);
    const results = kernels.map((kernel) => {
      kernel.seed(5);
      const mean = f(k);
      const sd = f(k);
      kernel.linearScores(m, q, x, mean, sd, f(k));
      const prop = f(k * 2);
      kernel.gaussianPropensities(mean, sd, 2, 20000, prop);
      return { mean, sd, prop };
    });
    const [a, b] = results as [(typeof results)[0], (typeof results)[0]];
    for (let i = 0; i < k; i++) {
      expect(a.mean[i]).toBeCloseTo(b.mean[i]!, 12);
      expect(a.sd[i]).toBeCloseTo(b.sd[i]!, 12);
    }
    for (let i = 0; i < k * 2; i++) expect(Math.abs(a.prop[i]! - b.prop[i]!)).toBeLessThan(0.02);
  });
  function f(n: number): Float64Array {
    return new Float64Array(n);
  }
});
