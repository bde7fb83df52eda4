/**
 * Deterministic string hashing for sticky assignment (fixed splits, control groups).
 *
 * The result must never change across processes, platforms or releases: a customer who saw offer B
 * yesterday must see B today, and a control-group customer must stay in control. So the algorithm is
 * spelled out here instead of borrowed from a dependency: FNV-1a 64 over the UTF-8 bytes of the key,
 * then the murmur3 64-bit finalizer (fmix64) because FNV alone mixes the last bytes poorly (keys that
 * differ only in a trailing digit would land close together). 64-bit arithmetic is done on two 32-bit
 * halves so that the hot path needs neither BigInt nor allocation.
 */

const TWO_32 = 4294967296;
const TWO_NEG_53 = 1 / 9007199254740992;

// Module-level result registers: avoids allocating a tuple per 64-bit operation.
let rHi = 0;
let rLo = 0;
const digits = new Uint8Array(16);

/** (aHi:aLo * bHi:bLo) mod 2^64 into rHi:rLo. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const mid = a0 * b1 + a1 * b0 + (p00 >>> 16); // < 2^34: exact in a double
  const lo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = a1 * b1 + Math.floor(mid / 65536);
  rHi = (carry + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) >>> 0;
  rLo = lo;
}

/** One FNV-1a step: h = (h ^ byte) * 0x100000001b3 mod 2^64, with h in rHi:rLo. */
function fnvByte(byte: number): void {
  const lo = (rLo ^ byte) >>> 0;
  const hi = rHi;
  // prime = 2^40 + 0x1b3: h * prime = h * 0x1b3 + (h << 40)
  const t = lo * 0x1b3; // < 2^41: exact
  const newLo = t >>> 0;
  const carry = Math.floor(t / TWO_32);
  rHi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
  rLo = newLo;
}

/** h ^= h >>> 33 on rHi:rLo. */
function xorShift33(): void {
  rLo = (rLo ^ (rHi >>> 1)) >>> 0;
  // hi >>> 33 of a 64-bit value is 0 in the high half
}

/**
 * The 64-bit hash of `key` as two unsigned 32-bit halves (exported for tests and for callers that
 * want more than 53 bits). FNV-1a 64 over UTF-8, then fmix64.
 */
export function hash64(key: string): { hi: number; lo: number } {
  hash64Into(key);
  return { hi: rHi, lo: rLo };
}

function hash64Into(key: string, suffix = 0): void {
  // FNV-1a 64 offset basis 0xcbf29ce484222325
  rHi = 0xcbf29ce4;
  rLo = 0x84222325;
  const len = key.length;
  for (let i = 0; i < len; i++) {
    let c = key.charCodeAt(i);
    if (c < 0x80) {
      fnvByte(c);
    } else if (c < 0x800) {
      fnvByte(0xc0 | (c >> 6));
      fnvByte(0x80 | (c & 0x3f));
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
        const d = key.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          fnvByte(0xf0 | (c >> 18));
          fnvByte(0x80 | ((c >> 12) & 0x3f));
          fnvByte(0x80 | ((c >> 6) & 0x3f));
          fnvByte(0x80 | (c & 0x3f));
          continue;
        }
      }
      // Lone surrogates are encoded as U+FFFD, as TextEncoder does, so both paths agree.
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      fnvByte(0xe0 | (c >> 12));
      fnvByte(0x80 | ((c >> 6) & 0x3f));
      fnvByte(0x80 | (c & 0x3f));
    }
  }
  if (suffix > 0) {
    // the bytes of `#${suffix}` (ASCII), without building the string
    fnvByte(0x23);
    let x = suffix;
    let nd = 0;
    while (x > 0) {
      const d = x % 10;
      digits[nd++] = d;
      x = (x - d) / 10; // exact: x - d is a multiple of 10
    }
    while (nd > 0) fnvByte(0x30 + digits[--nd]);
  }
  // fmix64 (murmur3)
  xorShift33();
  mul64(rHi, rLo, 0xff51afd7, 0xed558ccd);
  xorShift33();
  mul64(rHi, rLo, 0xc4ceb93f, 0xe53e1a63);
  xorShift33();
}

/**
 * A number in [0, 1) determined by `key` alone, uniform over keys: the top 53 bits of the hash.
 * The server calls it with `${customerId}|${campaign}|${salt}|control` for the control group and the
 * fixed policy with its sticky key, so changing this function reassigns every customer: don't.
 */
export function stickyUnit(key: string): number {
  hash64Into(key);
  return (rHi * 2097152 + (rLo >>> 11)) * TWO_NEG_53;
}

/**
 * stickyUnit(key) for j = 0 and stickyUnit(`${key}#${j}`) for j >= 1 (a safe integer), without building
 * the string: the further sticky uniforms of one customer (slots 2, 3, ... of a fixed split).
 */
export function stickyUnitAt(key: string, j: number): number {
  if (!Number.isSafeInteger(j) || j < 0) throw new RangeError('j must be a safe integer >= 0');
  hash64Into(key, j);
  return (rHi * 2097152 + (rLo >>> 11)) * TWO_NEG_53;
}
