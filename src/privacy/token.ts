import { createHmac, randomBytes } from 'node:crypto';

/**
 * The token that replaces a forgotten customer's id (docs/privacy.md). An HMAC-SHA256 of the id under
 * a random per-installation secret, not a plain hash: customer ids are usually guessable (account
 * numbers, `c0001`), and a plain hash of a guessable id is reversed by hashing the guesses. Without
 * the secret no guess can be checked. The same id always gives the same token, so a tombstone
 * recorded today matches the id's row in a feature file loaded next year.
 */
export const TOKEN_PREFIX = 'forgotten:';
/** Hex digits of the HMAC kept in a token: 128 bits, far beyond any collision among customers. */
const TOKEN_HEX = 32;
export const SECRET_BYTES = 32;
/** Longest customer id ForgetCustomer takes: the longest the feature loader stores (rows.ts). */
export const MAX_CUSTOMER_ID_BYTES = 1000;

export function newTokenSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

/** Parses a stored secret (hex); null when absent or malformed. */
export function parseSecret(hex: unknown): Buffer | null {
  if (typeof hex !== 'string' || !/^[0-9a-f]+$/.test(hex) || hex.length !== SECRET_BYTES * 2) return null;
  return Buffer.from(hex, 'hex');
}

export function customerToken(secret: Buffer, customerId: string): string {
  if (secret.length !== SECRET_BYTES) throw new RangeError(`the token secret must be ${SECRET_BYTES} bytes`);
  return TOKEN_PREFIX + createHmac('sha256', secret).update(customerId, 'utf8').digest('hex').slice(0, TOKEN_HEX);
}

/** A token already stands in for a customer: nothing keyed by it is personal data to keep or forget. */
export function isToken(customerId: string): boolean {
  return customerId.startsWith(TOKEN_PREFIX);
}

/**
 * Matches ids against a set of tokens (a process applying tombstones recorded elsewhere, which knows
 * only the tokens). A log holds each customer many times, so each id is hashed once per scan; the
 * memo is bounded so a scan over millions of customers does not keep them all.
 */
export class TokenMatcher {
  private readonly memo = new Map<string, string>();

  constructor(
    private readonly secret: Buffer,
    readonly tokens: ReadonlySet<string>,
    private readonly maxMemo = 100_000,
  ) {}

  /** The token of `customerId` when it is one of `tokens`, else null. */
  match(customerId: string): string | null {
    if (this.tokens.size === 0 || isToken(customerId)) return null;
    let t = this.memo.get(customerId);
    if (t === undefined) {
      t = customerToken(this.secret, customerId);
      if (this.memo.size >= this.maxMemo) this.memo.clear();
      this.memo.set(customerId, t);
    }
    return this.tokens.has(t) ? t : null;
  }
}
