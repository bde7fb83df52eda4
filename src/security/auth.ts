import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { NudgeError } from '../errors';

/** Checks a call's metadata; returns the error to reply with, or null when the call may proceed. */
export type CallAuth = (metadata: Metadata) => NudgeError | null;

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * A bearer-token check (`authorization: Bearer <token>`). Both sides are hashed first, so the
 * comparison is constant-time and of equal length whatever the caller sends: neither the token's
 * content nor its length leaks through timing. Null token: no check.
 */
export function bearerAuth(token: string | null, service: string): CallAuth | null {
  if (token === null) return null;
  if (typeof token !== 'string' || token.length === 0) throw new TypeError('token must be a non-empty string');
  const expected = digest(token);
  return (metadata) => {
    const values = metadata.get('authorization');
    const header = values.length === 1 && typeof values[0] === 'string' ? values[0] : '';
    const m = BEARER.exec(header);
    // Hash something even without a header, so a missing token costs what a wrong one does.
    const ok = timingSafeEqual(digest(m === null ? '' : m[1]!), expected) && m !== null;
    if (ok) return null;
    return new NudgeError(
      'NUDGE_UNAUTHENTICATED',
      m === null ? `${service} requires "authorization: Bearer <token>" metadata` : `${service}: the bearer token is not valid`,
    );
  };
}
