import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../src/kernel/types';
import { MSG } from '../../src/kernel/messages';
import { IMPLS } from './helpers';

const F = (...v: number[]): Float64Array => Float64Array.from(v);
const U = (n: number): Uint32Array => new Uint32Array(n);
const bad = <T>(v: unknown): T => v as T;

type Case = [label: string, call: (k: Kernel) => void, cls: typeof TypeError | typeof RangeError, message: string];

const CASES: Case[] = [
  ['alpha type', (k) => k.thompsonPicks(bad([1]), F(1), 1, U(1), F(0)), TypeError, MSG.float64('alpha')],
  ['beta type', (k) => k.thompsonPicks(F(1), bad(null), 1, U(1), F(0)), TypeError, MSG.float64('beta')],
  ['reps type', (k) => k.thompsonPicks(F(1), F(1), bad('1'), U(1), F(0)), TypeError, MSG.reps],
  ['outIdx type', (k) => k.thompsonPicks(F(1), F(1), 1, bad(new Int32Array(1)), F(0)), TypeError, MSG.uint32('outIdx')],
  ['outMax type', (k) => k.thompsonPicks(F(1), F(1), 1, U(1), bad(new Float32Array(1))), TypeError, MSG.float64('outMax')],
  ['types before values', (k) => k.thompsonPicks(F(1), F(1), 0, U(1), bad([0])), TypeError, MSG.float64('outMax')],
  ['reps = 0', (k) => k.thompsonPicks(F(1), F(1), 0, U(1), F(0)), RangeError, MSG.reps],
  ['reps fraction', (k) => k.thompsonPicks(F(1), F(1), 1.5, U(2), F(0, 0)), RangeError, MSG.reps],
  ['reps NaN', (k) => k.thompsonPicks(F(1), F(1), NaN, U(1), F(0)), RangeError, MSG.reps],
  ['reps before lengths', (k) => k.thompsonPicks(F(1, 1), F(1), -1, U(1), F(0)), RangeError, MSG.reps],
  ['lengths', (k) => k.thompsonPicks(F(1, 1), F(1), 1, U(1), F(0)), RangeError, MSG.sameLength],
  ['empty', (k) => k.thompsonPicks(F(), F(), 1, U(1), F(0)), RangeError, MSG.notEmpty],
  ['outIdx short', (k) => k.thompsonPicks(F(1), F(1), 3, U(2), F(0, 0, 0)), RangeError, MSG.outIdxReps],
  ['outMax short', (k) => k.thompsonPicks(F(1), F(1), 3, U(3), F(0, 0)), RangeError, MSG.outMaxReps],
  ['lengths before values', (k) => k.thompsonPicks(F(-1), F(1), 2, U(1), F(0, 0)), RangeError, MSG.outIdxReps],
  ['alpha[1] zero', (k) => k.thompsonPicks(F(1, 0), F(1, 1), 1, U(1), F(0)), RangeError, MSG.positiveFinite('alpha', 1)],
  ['beta[0] Infinity', (k) => k.thompsonPicks(F(1, 1), F(Infinity, 1), 1, U(1), F(0)), RangeError, MSG.positiveFinite('beta', 0)],
];

/** Chi-square statistic of observed counts against expected ones (cells with expectation >= 5). */
function chiSquare(observed: number[], expected: number[]): { stat: number; df: number } {
  let stat = 0;
  let df = -1;
  for (let i = 0; i < observed.length; i++) {
    if (expected[i]! < 5) continue;
    stat += (observed[i]! - expected[i]!) ** 2 / expected[i]!;
    df++;
  }
  return { stat, df };
}

/** A generous upper bound on the chi-square quantile (Wilson-Hilferty at z = 4.5, p ~ 3e-6). */
function chiCritical(df: number): number {
  const z = 4.5;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

describe.each(IMPLS.filter(([, k]) => k !== null) as [string, Kernel][])('%s thompsonPicks', (_name, kernel) => {
  it.each(CASES)('%s', (_label, call, cls, message) => {
    let err: unknown;
    try {
      call(kernel);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(cls);
    expect((err as Error).message).toBe(message);
  });

  it('writes nothing when an argument is bad', () => {
    const idx = U(2).fill(7);
    const max = F(-1, -1);
    expect(() => kernel.thompsonPicks(F(1, 2), F(1, -2), 2, idx, max)).toThrow(RangeError);
    expect(Array.from(idx)).toEqual([7, 7]);
    expect(Array.from(max)).toEqual([-1, -1]);
  });

  // Shapes >= 1 (constants once per arm) and a mix with shapes < 1 (the general path).
  it.each([
    { label: 'shapes >= 1', alpha: [30, 12, 45, 5, 2], beta: [70, 30, 110, 10, 6] },
    { label: 'some shapes < 1', alpha: [0.5, 3, 0.8, 1.5], beta: [0.7, 4, 1.2, 0.3] },
  ])('picks have the law of the per-step argmax of Beta draws ($label)', ({ alpha, beta }) => {
    const k = alpha.length;
    const a = Float64Array.from(alpha);
    const b = Float64Array.from(beta);
    const reps = 40_000;
    kernel.seed(77);
    const idx = new Uint32Array(reps);
    const max = new Float64Array(reps);
    kernel.thompsonPicks(a, b, reps, idx, max);
    // Reference: one kernel.beta call per step and an explicit argmax (ties to the lower index).
    const ref = new Array<number>(k).fill(0);
    const d = new Float64Array(k);
    for (let t = 0; t < reps; t++) {
      kernel.beta(a, b, d);
      let best = 0;
      for (let i = 1; i < k; i++) if (d[i]! > d[best]!) best = i;
      ref[best]!++;
    }
    const got = new Array<number>(k).fill(0);
    for (let t = 0; t < reps; t++) {
      got[idx[t]!]!++;
      // outMax is a Beta draw in (0, 1]
      expect(max[t]!).toBeGreaterThan(0);
      expect(max[t]!).toBeLessThanOrEqual(1);
    }
    // Two-sample chi-square (equal sizes): sum (g - r)^2 / (g + r) ~ chi2(cells - 1).
    let stat = 0;
    let df = -1;
    for (let i = 0; i < k; i++) {
      if (got[i]! + ref[i]! < 10) continue;
      stat += (got[i]! - ref[i]!) ** 2 / (got[i]! + ref[i]!);
      df++;
    }
    expect(df).toBeGreaterThanOrEqual(2);
    expect(stat, `picks ${got} vs reference ${ref}`).toBeLessThan(chiCritical(df));
  });

  it('outMax is the largest draw: picks of one arm against a point-mass-like rival', () => {
    // Beta(1e6, 1e6) sits at 0.5 +- 5e-4: arm 1 wins exactly when its Beta(2, 2) draw exceeds ~0.5.
    kernel.seed(5);
    const reps = 20_000;
    const idx = new Uint32Array(reps);
    const max = new Float64Array(reps);
    kernel.thompsonPicks(F(1e6, 2), F(1e6, 2), reps, idx, max);
    let wins = 0;
    for (let t = 0; t < reps; t++) {
      if (idx[t] === 1) {
        wins++;
        expect(max[t]!).toBeGreaterThan(0.49);
      } else {
        expect(Math.abs(max[t]! - 0.5)).toBeLessThan(0.005);
      }
    }
    const { stat, df } = chiSquare([wins, reps - wins], [reps / 2, reps / 2]);
    expect(stat).toBeLessThan(chiCritical(Math.max(df, 1)));
  });

  it('repeats exactly for a seed', () => {
    const a = F(3, 4, 5, 0.5);
    const b = F(5, 4, 3, 0.5);
    const run = (): [number[], number[]] => {
      kernel.seed(123);
      const idx = new Uint32Array(500);
      const max = new Float64Array(500);
      kernel.thompsonPicks(a, b, 500, idx, max);
      return [Array.from(idx), Array.from(max)];
    };
    expect(run()).toEqual(run());
  });
});
