import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../src/kernel/types';
import { nextRaw, seedGenerator } from '../../src/kernel/xoshiro';
import { IMPLS, fallback, filled, native } from './helpers';

const M64 = (1n << 64n) - 1n;
const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (64n - k))) & M64;

/** xoshiro256++ and splitmix64 straight from the reference C code, on BigInt. */
function referenceStream(seed: bigint, count: number): bigint[] {
  let x = seed;
  const s: bigint[] = [];
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b97f4a7c15n) & M64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    s.push(z ^ (z >> 31n));
  }
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    out.push((rotl((s[0]! + s[3]!) & M64, 23n) + s[0]!) & M64);
    const t = (s[1]! << 17n) & M64;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 45n);
  }
  return out;
}

function everything(k: Kernel, seed: number): Float64Array[] {
  k.seed(seed);
  const alpha = Float64Array.from({ length: 50 }, (_, i) => 0.05 + i * 3);
  const beta = Float64Array.from({ length: 50 }, (_, i) => 0.5 + i * 40);
  const u = new Float64Array(100);
  const z = new Float64Array(100);
  const g = new Float64Array(50);
  const b = new Float64Array(50);
  const draws = new Float64Array(50);
  const idx = new Uint32Array(5);
  const prop = new Float64Array(50 * 2);
  k.uniform(u);
  k.normal(z);
  k.gamma(alpha, g);
  k.beta(alpha, beta, b);
  k.sampleTopN(alpha, beta, 5, draws, idx);
  k.propensities(alpha, beta, 2, 300, prop);
  return [u, z, g, b, draws, Float64Array.from(idx), prop];
}

describe('xoshiro256++ (TypeScript, 32-bit halves) matches the 64-bit reference', () => {
  it.each([0, 1, 42, 2 ** 53 - 1])('seed %d', (seed) => {
    const ref = referenceStream(BigInt(seed), 2000);
    seedGenerator(seed);
    for (let i = 0; i < ref.length; i++) {
      const [hi, lo] = nextRaw();
      expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(ref[i]);
    }
  });

  it('uniform() is the top 53 bits of the stream times 2^-53', () => {
    const ref = referenceStream(5n, 1000);
    fallback.seed(5);
    const u = new Float64Array(1000);
    fallback.uniform(u);
    for (let i = 0; i < 1000; i++) expect(u[i]).toBe(Number(ref[i]! >> 11n) / 2 ** 53);
  });
});

for (const [name, k] of IMPLS) {
  describe.skipIf(!k)(`${name}: seeded runs repeat exactly`, () => {
    it('same seed, same output for every entry point', () => {
      expect(everything(k!, 123)).toEqual(everything(k!, 123));
    });

    it('different seeds, different output', () => {
      const a = everything(k!, 1);
      const b = everything(k!, 2);
      expect(a[0]).not.toEqual(b[0]);
      expect(a[3]).not.toEqual(b[3]);
    });

    it('the stream continues across calls (no reseeding per call)', () => {
      k!.seed(9);
      const a = new Float64Array(10);
      const b = new Float64Array(10);
      k!.beta(filled(10, 2), filled(10, 3), a);
      k!.beta(filled(10, 2), filled(10, 3), b);
      expect(a).not.toEqual(b);
    });
  });
}

describe.skipIf(!native)('native and fallback share the uniform stream', () => {
  it('bit-identical uniforms for the same seed', () => {
    for (const seed of [0, 77, 2 ** 40 + 3]) {
      const a = new Float64Array(5000);
      const b = new Float64Array(5000);
      native!.seed(seed);
      fallback.seed(seed);
      native!.uniform(a);
      fallback.uniform(b);
      expect(a).toEqual(b);
    }
  });
});
