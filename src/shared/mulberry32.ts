/**
 * mulberry32: a tiny seedable uniform [0, 1) generator for data that only needs to be reproducible
 * (demo features, load-generator customers, simulated responses in tests). Decisions never use it:
 * they draw from the kernel's xoshiro256++.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
