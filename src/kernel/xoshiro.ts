import { randomBytes } from 'node:crypto';

/**
 * xoshiro256++ for the TypeScript fallback, one generator per JS realm (module state: each worker
 * thread loads its own copy of this module). The 4x64-bit state is held as eight int32 halves in an
 * Int32Array (64-bit adds and rotates done on pairs); BigInt is only used by the (rare) seeding.
 * The uniform() stream is bit-identical to the native one (native/rng.h) for the same seed.
 */
// [s0hi, s0lo, s1hi, s1lo, s2hi, s2lo, s3hi, s3lo, last output lo]
const st = new Int32Array(9);

const M64 = (1n << 64n) - 1n;
const TWO_M53 = 1 / 9007199254740992;

function splitmix64(x: bigint): [bigint, bigint] {
  const next = (x + 0x9e3779b97f4a7c15n) & M64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return [next, z ^ (z >> 31n)];
}

/** Seeds the generator with the splitmix64 expansion of `seed` (already checked by the caller). */
export function seedGenerator(seed: number | bigint): void {
  let x = BigInt(seed) & M64;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [nx, z] = splitmix64(x);
    x = nx;
    words.push(Number(z >> 32n) | 0, Number(z & 0xffffffffn) | 0);
  }
  st.set(words);
}

/**
 * One step of xoshiro256++: advances the state and returns the high 32 bits of the output (unsigned);
 * the low 32 bits are left in st[8]. Everything stays int32 so V8 never boxes a number.
 */
function step(): number {
  const s0h = st[0]!, s0l = st[1]!, s1h = st[2]!, s1l = st[3]!;
  const s2h = st[4]!, s2l = st[5]!, s3h = st[6]!, s3l = st[7]!;
  // result = rotl(s0 + s3, 23) + s0
  const sumL = (s0l + s3l) | 0;
  const sumH = (s0h + s3h + ((sumL >>> 0) < (s0l >>> 0) ? 1 : 0)) | 0;
  const rh = (sumH << 23) | (sumL >>> 9);
  const rl = (sumL << 23) | (sumH >>> 9);
  const ol = (rl + s0l) | 0;
  const oh = (rh + s0h + ((ol >>> 0) < (rl >>> 0) ? 1 : 0)) | 0;
  st[8] = ol;

  // t = s1 << 17; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)
  const n2h = s2h ^ s0h, n2l = s2l ^ s0l;
  const n3h = s3h ^ s1h, n3l = s3l ^ s1l;
  st[2] = s1h ^ n2h; st[3] = s1l ^ n2l;
  st[0] = s0h ^ n3h; st[1] = s0l ^ n3l;
  st[4] = n2h ^ ((s1h << 17) | (s1l >>> 15)); st[5] = n2l ^ (s1l << 17);
  // rotl by 45 = swap the halves, then rotl by 13
  st[6] = (n3l << 13) | (n3h >>> 19);
  st[7] = (n3h << 13) | (n3l >>> 19);
  return oh >>> 0;
}

/** U(0,1) with 53-bit resolution; 0 is redrawn (probability 2^-53), so the result is never 0 or 1. */
export function uniform(): number {
  for (;;) {
    const hi = step();
    const k = hi * 2097152 + (st[8]! >>> 11);
    if (k !== 0) return k * TWO_M53;
  }
}

/** The raw 64-bit output as [hi, lo] unsigned halves (used by tests of the stream itself). */
export function nextRaw(): [number, number] {
  const hi = step();
  return [hi, st[8]! >>> 0];
}

seedGenerator(randomBytes(8).readBigUInt64LE(0));
