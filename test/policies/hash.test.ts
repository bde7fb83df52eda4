import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hash64, stickyUnit, stickyUnitAt } from '../../src/shared/hash';

const MASK = (1n << 64n) - 1n;

/** BigInt reference: FNV-1a 64 over UTF-8, then murmur3 fmix64. */
function reference(key: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(key)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & MASK;
  }
  h ^= h >> 33n;
  h = (h * 0xff51afd7ed558ccdn) & MASK;
  h ^= h >> 33n;
  h = (h * 0xc4ceb93fe53e1a63n) & MASK;
  h ^= h >> 33n;
  return h;
}

describe('hash64 / stickyUnit', () => {
  it('matches a BigInt reference of FNV-1a 64 + fmix64 on UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const { hi, lo } = hash64(s);
        expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(reference(s));
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('is pinned: these values must never change (customers would be reassigned)', () => {
    // FNV-1a 64 of "" is the offset basis; the finalizer is applied on top.
    expect(reference('')).toBe(((BigInt(hash64('').hi) << 32n) | BigInt(hash64('').lo)));
    const pinned = ['', 'a', 'customer-1|home-banner|s1|control'].map((k) => stickyUnit(k));
    expect(pinned).toEqual(PINNED);
  });

  it('is in [0, 1) and deterministic', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const u = stickyUnit(s);
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThan(1);
        expect(stickyUnit(s)).toBe(u);
      }),
      { seed: 11, numRuns: 1000 },
    );
  });

  it('is roughly uniform over similar keys (chi-square over 20 bins)', () => {
    const bins = new Array<number>(20).fill(0);
    const N = 20_000;
    for (let i = 0; i < N; i++) bins[Math.floor(stickyUnit(`cust-${i}|home-banner|salt|control`) * 20)]++;
    const e = N / 20;
    const chi2 = bins.reduce((acc, o) => acc + ((o - e) * (o - e)) / e, 0);
    // 19 degrees of freedom: the 99.9% quantile is 43.8
    expect(chi2).toBeLessThan(43.8);
  });

  it('property: random key sets fill both halves and all quartiles about evenly', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 400, maxLength: 400 }), (keys) => {
        const q = [0, 0, 0, 0];
        for (const key of keys) q[Math.floor(stickyUnit(key) * 4)]++;
        for (const c of q) {
          expect(c).toBeGreaterThan(50); // expectation 100, sd ~8.7
          expect(c).toBeLessThan(150);
        }
      }),
      { seed: 3, numRuns: 30 },
    );
  });

  it('stickyUnitAt(key, j) = stickyUnit(key#j) and stickyUnit(key) for j = 0', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(1_000_000_000), (s, j) => {
        expect(stickyUnitAt(s, j)).toBe(j === 0 ? stickyUnit(s) : stickyUnit(`${s}#${j}`));
      }),
      { seed: 5, numRuns: 500 },
    );
    expect(() => stickyUnitAt('x', -1)).toThrow(new RangeError('j must be a safe integer >= 0'));
  });
});

const PINNED: number[] = [0.6255996505448422, 0.25906066768051317, 0.19986904628761215];
