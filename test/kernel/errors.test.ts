import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../src/kernel/types';
import { MSG } from '../../src/kernel/messages';
import { IMPLS } from './helpers';

const F = (...v: number[]): Float64Array => Float64Array.from(v);
const U = (n: number): Uint32Array => new Uint32Array(n);
/** A wrong-typed argument, smuggled past the compiler. */
const bad = <T>(v: unknown): T => v as T;

type Case = [label: string, call: (k: Kernel) => void, cls: typeof TypeError | typeof RangeError, message: string];

const CASES: Case[] = [
  ['seed: string', (k) => k.seed(bad('1')), TypeError, MSG.seed],
  ['seed: missing', (k) => bad<(s?: number) => void>(k.seed)(), TypeError, MSG.seed],
  ['seed: negative', (k) => k.seed(-1), RangeError, MSG.seed],
  ['seed: fraction', (k) => k.seed(1.5), RangeError, MSG.seed],
  ['seed: NaN', (k) => k.seed(NaN), RangeError, MSG.seed],
  ['seed: unsafe', (k) => k.seed(2 ** 53), RangeError, MSG.seed],
  ['uniform: Array', (k) => k.uniform(bad([0, 0])), TypeError, MSG.float64('out')],
  ['uniform: Float32Array', (k) => k.uniform(bad(new Float32Array(2))), TypeError, MSG.float64('out')],
  ['normal: null', (k) => k.normal(bad(null)), TypeError, MSG.float64('out')],
  ['gamma: shape not typed', (k) => k.gamma(bad([1]), F(0)), TypeError, MSG.float64('shape')],
  ['gamma: out not typed', (k) => k.gamma(F(1), bad({})), TypeError, MSG.float64('out')],
  ['gamma: length', (k) => k.gamma(F(1, 2), F(0)), RangeError, MSG.outLength('shape')],
  ['gamma: zero shape', (k) => k.gamma(F(1, 0), F(0, 0)), RangeError, MSG.positiveFinite('shape', 1)],
  ['gamma: NaN shape', (k) => k.gamma(F(NaN), F(0)), RangeError, MSG.positiveFinite('shape', 0)],
  ['gamma: Infinity shape', (k) => k.gamma(F(Infinity), F(0)), RangeError, MSG.positiveFinite('shape', 0)],
  ['beta: alpha Int32Array', (k) => k.beta(bad(new Int32Array(1)), F(1), F(0)), TypeError, MSG.float64('alpha')],
  ['beta: beta undefined', (k) => k.beta(F(1), bad(undefined), F(0)), TypeError, MSG.float64('beta')],
  ['beta: out Buffer', (k) => k.beta(F(1), F(1), bad(Buffer.alloc(8))), TypeError, MSG.float64('out')],
  ['beta: lengths', (k) => k.beta(F(1, 1), F(1), F(0, 0)), RangeError, MSG.sameLength],
  ['beta: out length', (k) => k.beta(F(1), F(1), F(0, 0)), RangeError, MSG.outLength('alpha')],
  ['beta: alpha[3] negative', (k) => k.beta(F(1, 1, 1, -2), F(1, 1, 1, 1), F(0, 0, 0, 0)), RangeError, MSG.positiveFinite('alpha', 3)],
  ['beta: beta[0] zero', (k) => k.beta(F(1), F(0), F(0)), RangeError, MSG.positiveFinite('beta', 0)],
  ['beta: alpha[i] before beta[i]', (k) => k.beta(F(1, NaN), F(NaN, 1), F(0, 0)), RangeError, MSG.positiveFinite('beta', 0)],
  ['topN: values Array', (k) => k.topN(bad([1, 2]), 1, U(1)), TypeError, MSG.float64('values')],
  ['topN: n string', (k) => k.topN(F(1, 2), bad('1'), U(1)), TypeError, MSG.n],
  ['topN: outIdx Int32Array', (k) => k.topN(F(1, 2), 1, bad(new Int32Array(1))), TypeError, MSG.uint32('outIdx')],
  ['topN: n = 0', (k) => k.topN(F(1, 2), 0, U(1)), RangeError, MSG.n],
  ['topN: n > k', (k) => k.topN(F(1, 2), 3, U(3)), RangeError, MSG.n],
  ['topN: n fraction', (k) => k.topN(F(1, 2), 1.5, U(3)), RangeError, MSG.n],
  ['topN: n NaN', (k) => k.topN(F(1, 2), NaN, U(3)), RangeError, MSG.n],
  ['topN: empty values', (k) => k.topN(F(), 1, U(1)), RangeError, MSG.n],
  ['topN: outIdx short', (k) => k.topN(F(1, 2, 3), 2, U(1)), RangeError, MSG.outIdxLength],
  ['topN: NaN value', (k) => k.topN(F(1, 2, NaN), 1, U(1)), RangeError, MSG.notNaN('values', 2)],
  ['sampleTopN: alpha', (k) => k.sampleTopN(bad(null), F(1), 1, F(0), U(1)), TypeError, MSG.float64('alpha')],
  ['sampleTopN: n type', (k) => k.sampleTopN(F(1), F(1), bad(null), F(0), U(1)), TypeError, MSG.n],
  ['sampleTopN: draws type', (k) => k.sampleTopN(F(1), F(1), 1, bad([0]), U(1)), TypeError, MSG.float64('draws')],
  ['sampleTopN: outIdx type', (k) => k.sampleTopN(F(1), F(1), 1, F(0), bad([0])), TypeError, MSG.uint32('outIdx')],
  ['sampleTopN: n > k', (k) => k.sampleTopN(F(1), F(1), 2, F(0), U(2)), RangeError, MSG.n],
  ['sampleTopN: lengths', (k) => k.sampleTopN(F(1, 1), F(1), 1, F(0, 0), U(1)), RangeError, MSG.sameLength],
  ['sampleTopN: draws length', (k) => k.sampleTopN(F(1, 1), F(1, 1), 1, F(0), U(1)), RangeError, MSG.drawsLength],
  ['sampleTopN: outIdx length', (k) => k.sampleTopN(F(1, 1), F(1, 1), 2, F(0, 0), U(1)), RangeError, MSG.outIdxLength],
  ['sampleTopN: beta[1]', (k) => k.sampleTopN(F(1, 1), F(1, -1), 1, F(0, 0), U(1)), RangeError, MSG.positiveFinite('beta', 1)],
  ['propensities: m type', (k) => k.propensities(F(1), F(1), 1, bad('10'), F(0)), TypeError, MSG.m],
  ['propensities: out type', (k) => k.propensities(F(1), F(1), 1, 10, bad(null)), TypeError, MSG.float64('out')],
  ['propensities: n', (k) => k.propensities(F(1), F(1), 2, 10, F(0, 0)), RangeError, MSG.n],
  ['propensities: m = 0', (k) => k.propensities(F(1), F(1), 1, 0, F(0)), RangeError, MSG.m],
  ['propensities: m fraction', (k) => k.propensities(F(1), F(1), 1, 2.5, F(0)), RangeError, MSG.m],
  ['propensities: lengths', (k) => k.propensities(F(1, 1), F(1), 1, 10, F(0, 0)), RangeError, MSG.sameLength],
  ['propensities: out length', (k) => k.propensities(F(1, 1), F(1, 1), 2, 10, F(0, 0)), RangeError, MSG.outKn],
  ['propensities: alpha[1]', (k) => k.propensities(F(1, Infinity), F(1, 1), 1, 10, F(0, 0)), RangeError, MSG.positiveFinite('alpha', 1)],
  ['betaQuantile: p type', (k) => k.betaQuantile(F(1), F(1), bad('0.5'), F(0)), TypeError, MSG.p],
  ['betaQuantile: out type', (k) => k.betaQuantile(F(1), F(1), 0.5, bad(null)), TypeError, MSG.float64('out')],
  ['betaQuantile: p = 0', (k) => k.betaQuantile(F(1), F(1), 0, F(0)), RangeError, MSG.p],
  ['betaQuantile: p = 1', (k) => k.betaQuantile(F(1), F(1), 1, F(0)), RangeError, MSG.p],
  ['betaQuantile: p NaN', (k) => k.betaQuantile(F(1), F(1), NaN, F(0)), RangeError, MSG.p],
  ['betaQuantile: lengths', (k) => k.betaQuantile(F(1), F(1, 1), 0.5, F(0)), RangeError, MSG.sameLength],
  ['betaQuantile: out length', (k) => k.betaQuantile(F(1), F(1), 0.5, F()), RangeError, MSG.outLength('alpha')],
  ['betaQuantile: beta[0]', (k) => k.betaQuantile(F(1), F(-0), 0.5, F(0)), RangeError, MSG.positiveFinite('beta', 0)],
  // linearScores(m, q, x, mean, sd, out): k = out.length arms, dim = x.length features
  ['linearScores: q not typed', (k) => k.linearScores(F(0), bad([1]), F(1), F(0), F(0), F(0)), TypeError, MSG.float64('q')],
  ['linearScores: out not typed', (k) => k.linearScores(F(0), F(1), F(1), F(0), F(0), bad(null)), TypeError, MSG.float64('out')],
  ['linearScores: weights length', (k) => k.linearScores(F(0, 0), F(1), F(1), F(0), F(0), F(0)), RangeError, MSG.weightsLength],
  ['linearScores: moments length', (k) => k.linearScores(F(0), F(1), F(1), F(0, 0), F(0), F(0)), RangeError, MSG.momentsLength],
  ['linearScores: x[1] NaN', (k) => k.linearScores(F(0, 0), F(1, 1), F(1, NaN), F(0), F(0), F(0)), RangeError, MSG.notNaN('x', 1)],
  ['linearScores: q[1] zero', (k) => k.linearScores(F(0, 0), F(1, 0), F(1, 1), F(0), F(0), F(0)), RangeError, MSG.positiveFinite('q', 1)],
  ['linearScores: index order, q[0] before m[1]', (k) => k.linearScores(F(0, NaN), F(Infinity, 1), F(1, 1), F(0), F(0), F(0)), RangeError, MSG.positiveFinite('q', 0)],
  ['linearScores: m[1] NaN', (k) => k.linearScores(F(0, NaN), F(1, 1), F(1, 1), F(0), F(0), F(0)), RangeError, MSG.notNaN('m', 1)],
  // gaussianPropensities(mean, sd, n, m, out)
  ['gaussianPropensities: n type', (k) => k.gaussianPropensities(F(0), F(1), bad('1'), 10, F(0)), TypeError, MSG.n],
  ['gaussianPropensities: n > k', (k) => k.gaussianPropensities(F(0), F(1), 2, 10, F(0, 0)), RangeError, MSG.n],
  ['gaussianPropensities: m = 0', (k) => k.gaussianPropensities(F(0), F(1), 1, 0, F(0)), RangeError, MSG.m],
  ['gaussianPropensities: sd length', (k) => k.gaussianPropensities(F(0, 0), F(1), 1, 10, F(0, 0)), RangeError, MSG.meanSdLength],
  ['gaussianPropensities: out length', (k) => k.gaussianPropensities(F(0, 0), F(1, 1), 1, 10, F(0)), RangeError, MSG.outKn],
  ['gaussianPropensities: sd[1] negative', (k) => k.gaussianPropensities(F(0, 0), F(1, -1), 1, 10, F(0, 0)), RangeError, MSG.nonNegativeFinite('sd', 1)],
  ['gaussianPropensities: index order, sd[0] before mean[1]', (k) => k.gaussianPropensities(F(0, NaN), F(Infinity, 1), 1, 10, F(0, 0)), RangeError, MSG.nonNegativeFinite('sd', 0)],
];

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

for (const [name, k] of IMPLS) {
  describe.skipIf(!k)(`${name}: every bad argument gets its exact error`, () => {
    it.each(CASES)('%s', (_label, call, cls, message) => {
      const err = thrown(() => call(k!));
      expect(err).toBeInstanceOf(cls);
      // a TypeError is not a RangeError and vice versa
      expect((err as Error).constructor).toBe(cls);
      expect((err as Error).message).toBe(message);
    });

    it('arguments are checked before any output is written', () => {
      const out = F(7, 7, 7, 7);
      expect(() => k!.beta(F(1, 1, 1, 0), F(1, 1, 1, 1), out)).toThrow(RangeError);
      expect(out).toEqual(F(7, 7, 7, 7));
      const draws = F(7, 7, 7);
      const idx = Uint32Array.from([9, 9]);
      expect(() => k!.sampleTopN(F(1, 2, 3), F(1, 2, -3), 2, draws, idx)).toThrow(RangeError);
      expect(draws).toEqual(F(7, 7, 7));
      expect(idx).toEqual(Uint32Array.from([9, 9]));
      const prop = F(7, 7, 7);
      expect(() => k!.propensities(F(1, 2, 3), F(1, 2, NaN), 1, 10, prop)).toThrow(RangeError);
      expect(prop).toEqual(F(7, 7, 7));
      const q = F(7);
      expect(() => k!.betaQuantile(F(0), F(1), 0.5, q)).toThrow(RangeError);
      expect(q).toEqual(F(7));
      const top = Uint32Array.from([9]);
      expect(() => k!.topN(F(1, NaN), 1, top)).toThrow(RangeError);
      expect(top).toEqual(Uint32Array.from([9]));
    });

    it('a failed call leaves the kernel usable, and empty inputs are fine', () => {
      expect(() => k!.beta(F(1), F(0), F(0))).toThrow();
      const out = F(0);
      k!.beta(F(2), F(3), out);
      expect(out[0]! > 0 && out[0]! < 1).toBe(true);
      k!.beta(F(), F(), F());
      k!.gamma(F(), F());
      k!.uniform(F());
      k!.betaQuantile(F(), F(), 0.5, F());
    });

    it('typed arrays that are views into a larger buffer are read and written in place', () => {
      const buf = new Float64Array(10).fill(-1);
      const alpha = new Float64Array(buf.buffer, 8 * 2, 3);
      alpha.set([2, 3, 4]);
      const beta = F(5, 5, 5);
      const out = new Float64Array(buf.buffer, 8 * 6, 3);
      k!.beta(alpha, beta, out);
      expect(buf[5]).toBe(-1);
      expect(buf[9]).toBe(-1);
      for (let i = 6; i < 9; i++) expect(buf[i]! > 0 && buf[i]! < 1).toBe(true);
    });
  });
}
