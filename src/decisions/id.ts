import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

/**
 * Decision ids are UUIDv7: unique, and their string order is their creation order (48-bit ms
 * timestamp first, then a 32-bit counter seeded randomly each millisecond and incremented within
 * it, as RFC 9562 method 1). The learning store relies on that order to scan the log by time.
 *
 * uuid's own v7() asks the OS for 16 random bytes per id (about 6 us); ids are made on the Decide
 * path, so random bytes come from a pool refilled 4 KiB at a time (about 0.5 us per id) and the
 * monotonic state is kept here, with the same rules as uuid's.
 */
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let poolPos = POOL_BYTES;
let lastMs = -Infinity;
let seq = 0;

export function newDecisionId(): string {
  if (poolPos + 16 > POOL_BYTES) {
    randomFillSync(pool);
    poolPos = 0;
  }
  const random = pool.subarray(poolPos, poolPos + 16);
  poolPos += 16;
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    // Top bit clear: at least 2^31 ids fit in one millisecond before the counter carries into it.
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs += 1;
  }
  v7({ msecs: lastMs, seq, random }, bytes);
  for (let i = 0; i < 16; i++) {
    const p = HEX_AT[i]!;
    const h = bytes[i]! * 2;
    text[p] = HEX[h]!;
    text[p + 1] = HEX[h + 1]!;
  }
  return text.toString('latin1', 0, 36);
}

/**
 * uuid writes the id's 16 bytes; the text is formed here, in one 36-byte scratch turned into a string
 * by one call: uuid's own stringify joins 20 pieces and lower-cases them (~0.3 us more per id here).
 */
const bytes = new Uint8Array(16);
const text = Buffer.alloc(36, 0x2d); // '-' where no hex digit goes
const HEX = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  HEX[b * 2] = '0123456789abcdef'.charCodeAt(b >> 4);
  HEX[b * 2 + 1] = '0123456789abcdef'.charCodeAt(b & 15);
}
/** Where the two hex digits of each byte go in 8-4-4-4-12. */
const HEX_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isDecisionId(id: string): boolean {
  return typeof id === 'string' && UUID_V7.test(id);
}

/** The creation time (ms since epoch) encoded in a decision id. */
export function decisionTime(id: string): number {
  if (typeof id !== 'string') throw new TypeError('id must be a string');
  if (!UUID_V7.test(id)) throw new RangeError('id must be a UUIDv7 decision id');
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
