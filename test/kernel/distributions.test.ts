import { describe, expect, it } from 'vitest';
import betaCdf from '@stdlib/stats-base-dists-beta-cdf';
import gammaCdf from '@stdlib/stats-base-dists-gamma-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { IMPLS, filled, ksCritical1, ksOneSample } from './helpers';

const N = 20_000;

/** stdlib's beta CDF loses its precision just below 1 (it returns 1 at 1 - 2^-54 for Beta(0.01, 0.01)); the
 * upper half is taken from the mirrored distribution, where 1 - x is exact. */
function betaCdfAccurate(x: number, a: number, b: number): number {
  return x > 0.5 ? 1 - betaCdf(1 - x, b, a) : betaCdf(x, a, b);
}
const CRIT = ksCritical1(N);

const BETA_CASES: Array<[number, number]> = [
  [60, 16000], [0.01, 0.01], [0.5, 2], [1e5, 1e5], [1, 1], [2, 5], [1, 1000], [50, 1], [0.01, 1e5],
  [1e5, 0.01], [0.1, 3], [3, 0.7],
];
const GAMMA_SHAPES = [0.01, 0.1, 0.5, 0.999, 1, 2.5, 60, 16000, 1e5];

for (const [name, k] of IMPLS) {
  describe.skipIf(!k)(`${name}: draws follow their distributions (one-sample KS, alpha = 0.001)`, () => {
    const kernel = k!;

    it.each(BETA_CASES)('Beta(%d, %d)', (a, b) => {
      kernel.seed(20240601);
      const out = new Float64Array(N);
      kernel.beta(filled(N, a), filled(N, b), out);
      for (const v of out) expect(v >= 0 && v <= 1).toBe(true);
      expect(ksOneSample(out, (x) => betaCdfAccurate(x, a, b))).toBeLessThan(CRIT);
    });

    it('sampleTopN over arms at the default prior Beta(1, 1) draws U(0, 1) (its own short path) among other arms', () => {
      kernel.seed(20241207);
      // Every other arm at (1, 1), the rest learned: the draws of each group follow their own law.
      const a = filled(N, 1);
      const b = filled(N, 1);
      for (let i = 1; i < N; i += 2) {
        a[i] = 40;
        b[i] = 900;
      }
      const draws = new Float64Array(N);
      kernel.sampleTopN(a, b, 3, draws, new Uint32Array(3));
      const prior = draws.filter((_, i) => i % 2 === 0);
      const learned = draws.filter((_, i) => i % 2 === 1);
      expect(ksOneSample(prior, (x) => x)).toBeLessThan(ksCritical1(prior.length));
      expect(ksOneSample(learned, (x) => betaCdfAccurate(x, 40, 900))).toBeLessThan(ksCritical1(learned.length));
    });

    it('propensities and thompsonPicks with arms at the prior: the best of Beta(1, 1) and U(0, 1) maxima follow their laws', () => {
      kernel.seed(20241208);
      // Arms 0-2 at the prior, arm 3 at Beta(2, 1) (max of two uniforms): P(arm 3 best) = 2/5.
      const a = Float64Array.from([1, 1, 1, 2]);
      const b = Float64Array.from([1, 1, 1, 1]);
      const out = new Float64Array(4);
      kernel.propensities(a, b, 1, N, out);
      for (let i = 0; i < 3; i++) expect(Math.abs(out[i]! - 0.2)).toBeLessThan(0.015);
      expect(Math.abs(out[3]! - 0.4)).toBeLessThan(0.015);
      // thompsonPicks over priors only: the winner's draw is the max of 4 uniforms, CDF x^4.
      const idx = new Uint32Array(N);
      const best = new Float64Array(N);
      kernel.thompsonPicks(filled(4, 1), filled(4, 1), N, idx, best);
      expect(ksOneSample(best, (x) => x ** 4)).toBeLessThan(CRIT);
      for (let i = 0; i < 4; i++) expect(Math.abs(idx.filter((v) => v === i).length / N - 0.25)).toBeLessThan(0.015);
    });

    it.each(GAMMA_SHAPES)('Gamma(%d)', (a) => {
      kernel.seed(7);
      const out = new Float64Array(N);
      kernel.gamma(filled(N, a), out);
      for (const v of out) expect(v >= 0 && Number.isFinite(v)).toBe(true);
      expect(ksOneSample(out, (x) => gammaCdf(x, a, 1))).toBeLessThan(CRIT);
    });

    it('Normal(0, 1)', () => {
      kernel.seed(11);
      const out = new Float64Array(4 * N);
      kernel.normal(out);
      expect(ksOneSample(out, (x) => normalCdf(x, 0, 1))).toBeLessThan(ksCritical1(4 * N));
    });

    it('Normal tails: P(|Z| > 3.6) is about 3.2e-4 (the ziggurat tail is used)', () => {
      kernel.seed(12);
      const out = new Float64Array(1_000_000);
      kernel.normal(out);
      let tail = 0;
      for (const v of out) if (Math.abs(v) > 3.6) tail++;
      // expected 318; Poisson sd ~18, so +-90 is five sd
      expect(Math.abs(tail - 318)).toBeLessThan(90);
    });

    it('Uniform(0, 1) is in (0, 1) and uniform', () => {
      kernel.seed(13);
      const out = new Float64Array(N);
      kernel.uniform(out);
      for (const v of out) expect(v > 0 && v < 1).toBe(true);
      expect(ksOneSample(out, (x) => Math.min(1, Math.max(0, x)))).toBeLessThan(CRIT);
    });

    it('the test has power: slightly wrong parameters are rejected', () => {
      kernel.seed(20240601);
      const out = new Float64Array(N);
      kernel.beta(filled(N, 2), filled(N, 5), out);
      expect(ksOneSample(out, (x) => betaCdf(x, 2, 5.3))).toBeGreaterThan(CRIT);
      kernel.gamma(filled(N, 60), out);
      expect(ksOneSample(out, (x) => gammaCdf(x, 61, 1))).toBeGreaterThan(CRIT);
    });

    it('mixed shapes in one call each follow their own distribution', () => {
      kernel.seed(99);
      const alpha = new Float64Array(2 * N);
      const beta = new Float64Array(2 * N);
      for (let i = 0; i < N; i++) {
        alpha[2 * i] = 0.3; beta[2 * i] = 0.3;
        alpha[2 * i + 1] = 30; beta[2 * i + 1] = 700;
      }
      const out = new Float64Array(2 * N);
      kernel.beta(alpha, beta, out);
      const even = out.filter((_, i) => i % 2 === 0);
      const odd = out.filter((_, i) => i % 2 === 1);
      expect(ksOneSample(even, (x) => betaCdfAccurate(x, 0.3, 0.3))).toBeLessThan(CRIT);
      expect(ksOneSample(odd, (x) => betaCdf(x, 30, 700))).toBeLessThan(CRIT);
    });
  });
}
