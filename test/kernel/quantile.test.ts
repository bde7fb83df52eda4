import { describe, expect, it } from 'vitest';
import betaQuantileRef from '@stdlib/stats-base-dists-beta-quantile';
import betaCdf from '@stdlib/stats-base-dists-beta-cdf';
import { IMPLS, fallback, native } from './helpers';

const SHAPES = [0.01, 0.05, 0.3, 1, 2.5, 16, 60, 1000, 16000, 1e5];
const PS = [1e-6, 0.001, 0.025, 0.05, 0.2, 0.5, 0.8, 0.95, 0.975, 0.999];

function grid(): { alpha: Float64Array; beta: Float64Array } {
  const a: number[] = [];
  const b: number[] = [];
  for (const x of SHAPES) for (const y of SHAPES) {
    a.push(x);
    b.push(y);
  }
  a.push(60, 59.5, 1, 2);
  b.push(16000, 15987, 1e5, 1e5);
  return { alpha: Float64Array.from(a), beta: Float64Array.from(b) };
}

for (const [name, k] of IMPLS) {
  describe.skipIf(!k)(`${name}: betaQuantile`, () => {
    const { alpha, beta } = grid();
    const out = new Float64Array(alpha.length);

    it.each(PS)('matches @stdlib beta-quantile to 1e-8 relative (p = %d)', (p) => {
      k!.betaQuantile(alpha, beta, p, out);
      for (let i = 0; i < alpha.length; i++) {
        const ref = betaQuantileRef(p, alpha[i]!, beta[i]!);
        const got = out[i]!;
        const rel = ref === 0 ? Math.abs(got) : Math.abs(got - ref) / ref;
        if (!(rel <= 1e-8)) {
          throw new Error(`Beta(${alpha[i]}, ${beta[i]}) p=${p}: got ${got}, @stdlib ${ref} (rel ${rel})`);
        }
      }
    });

    it('alpha 60, beta 16000: the 5% quantile and the CDF round trip', () => {
      const q = new Float64Array(1);
      k!.betaQuantile(Float64Array.of(60), Float64Array.of(16000), 0.05, q);
      expect(betaCdf(q[0]!, 60, 16000)).toBeCloseTo(0.05, 12);
      expect(q[0]!).toBeGreaterThan(0.0029);
      expect(q[0]!).toBeLessThan(0.0031);
    });

    it('tiny shapes reach deep into the tails (Beta(0.01, 0.01), p = 0.05 is about 1e-100)', () => {
      const q = new Float64Array(1);
      k!.betaQuantile(Float64Array.of(0.01), Float64Array.of(0.01), 0.05, q);
      expect(q[0]!).toBeGreaterThan(0);
      expect(q[0]!).toBeLessThan(1e-90);
      const ref = betaQuantileRef(0.05, 0.01, 0.01);
      expect(Math.abs(q[0]! - ref) / ref).toBeLessThan(1e-8);
    });

    it('is increasing in p and the median of symmetric Betas is 1/2', () => {
      const a = Float64Array.of(0.5, 3, 1e4);
      const prev = new Float64Array(3);
      const cur = new Float64Array(3);
      k!.betaQuantile(a, a, 0.001, prev);
      for (let p = 0.01; p < 1; p += 0.01) {
        k!.betaQuantile(a, a, p, cur);
        for (let i = 0; i < 3; i++) expect(cur[i]!).toBeGreaterThan(prev[i]!);
        prev.set(cur);
      }
      k!.betaQuantile(a, a, 0.5, cur);
      for (let i = 0; i < 3; i++) expect(cur[i]).toBeCloseTo(0.5, 12);
    });
  });
}

describe.skipIf(!native)('native and fallback quantiles agree', () => {
  it('to 1e-12 relative on the whole grid', () => {
    const { alpha, beta } = grid();
    const a = new Float64Array(alpha.length);
    const b = new Float64Array(alpha.length);
    for (const p of PS) {
      native!.betaQuantile(alpha, beta, p, a);
      fallback.betaQuantile(alpha, beta, p, b);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-12 * b[i]!);
    }
  });
});
