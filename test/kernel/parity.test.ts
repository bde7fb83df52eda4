import { describe, expect, it } from 'vitest';
import { fallback, filled, ksCritical2, ksTwoSample, native } from './helpers';

// Large samples: the Monte-Carlo error of both implementations adds up in a two-sample test.
const N = 50_000;
const CRIT = ksCritical2(N, N);

describe.skipIf(!native)('native and fallback agree in distribution (two-sample KS, alpha = 0.001)', () => {
  it.each([[60, 16000], [0.01, 0.01], [0.5, 2], [1e5, 1e5], [2, 5], [1, 300]])('Beta(%d, %d)', (a, b) => {
    native!.seed(101);
    fallback.seed(202);
    const x = new Float64Array(N);
    const y = new Float64Array(N);
    native!.beta(filled(N, a), filled(N, b), x);
    fallback.beta(filled(N, a), filled(N, b), y);
    expect(ksTwoSample(x, y)).toBeLessThan(CRIT);
  });

  it.each([0.01, 0.7, 1, 3, 1e5])('Gamma(%d)', (a) => {
    native!.seed(41);
    fallback.seed(42);
    const x = new Float64Array(N);
    const y = new Float64Array(N);
    native!.gamma(filled(N, a), x);
    fallback.gamma(filled(N, a), y);
    expect(ksTwoSample(x, y)).toBeLessThan(CRIT);
  });

  it('Normal', () => {
    native!.seed(51);
    fallback.seed(52);
    const x = new Float64Array(N);
    const y = new Float64Array(N);
    native!.normal(x);
    fallback.normal(y);
    expect(ksTwoSample(x, y)).toBeLessThan(CRIT);
  });

  it('propensities agree within Monte-Carlo error', () => {
    const alpha = Float64Array.from([10, 12, 8, 30, 1]);
    const beta = Float64Array.from([90, 95, 70, 260, 9]);
    const m = 40_000;
    const p = new Float64Array(5 * 2);
    const q = new Float64Array(5 * 2);
    native!.seed(1);
    fallback.seed(2);
    native!.propensities(alpha, beta, 2, m, p);
    fallback.propensities(alpha, beta, 2, m, q);
    // each share is a binomial proportion: sd <= 0.5 / sqrt(m) = 0.0025 per impl
    for (let i = 0; i < p.length; i++) expect(Math.abs(p[i]! - q[i]!)).toBeLessThan(0.02);
  });

  it('the two-sample test has power: Beta(2, 5) vs Beta(2, 5.3) is rejected', () => {
    native!.seed(101);
    fallback.seed(202);
    const x = new Float64Array(N);
    const y = new Float64Array(N);
    native!.beta(filled(N, 2), filled(N, 5), x);
    fallback.beta(filled(N, 2), filled(N, 5.3), y);
    expect(ksTwoSample(x, y)).toBeGreaterThan(CRIT);
  });
});
