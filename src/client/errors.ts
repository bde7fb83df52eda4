import * as grpc from '@grpc/grpc-js';
import type { ErrorCode } from '../errors';

/**
 * The server's stable error code (docs/errors.md). Typed as the codes this version knows, yet open:
 * a newer server may add codes, and the client must pass them on rather than drop them.
 */
export type NudgeCode = ErrorCode | (string & {});

// The server writes "<CODE>: <message>" into the status details (src/errors.ts toServiceError).
const CODED = /^(NUDGE_[A-Z0-9_]+): ?([\s\S]*)$/;

export interface NudgeErrorInit {
  readonly code: grpc.status;
  readonly details: string;
  readonly method: string;
  readonly attempts?: number;
  readonly metadata?: grpc.Metadata;
}

/**
 * Every failed call of the client rejects with this one class, so callers branch on fields, not on
 * error types. `nudgeCode` is null when the server never answered (unreachable, the client's own
 * deadline): then only the grpc `code` says what happened.
 */
export class NudgeError extends Error {
  /** The grpc status (grpc.status.INVALID_ARGUMENT = 3, ...). */
  readonly code: grpc.status;
  /** The status details as the server sent them, code prefix included. */
  readonly details: string;
  readonly nudgeCode: NudgeCode | null;
  /** The details without the code prefix. */
  readonly reason: string;
  /** "Decide", "StreamOutcomes", ... */
  readonly method: string;
  /** Tries made before giving up (1 when the call was not retried). */
  readonly attempts: number;
  /** Trailing metadata of the failed call, when there was a call. */
  readonly metadata: grpc.Metadata | undefined;

  constructor(init: NudgeErrorInit) {
    const m = CODED.exec(init.details);
    const codeName = grpc.status[init.code] ?? String(init.code);
    super(`${init.method} failed: ${codeName}: ${init.details}`);
    this.name = 'NudgeError';
    this.code = init.code;
    this.details = init.details;
    this.nudgeCode = m === null ? null : m[1]!;
    this.reason = m === null ? init.details : m[2]!;
    this.method = init.method;
    this.attempts = init.attempts ?? 1;
    this.metadata = init.metadata;
  }

  /**
   * The server's id of the call (its trailers' x-request-id): the caller's own requestId, or one the
   * server made, to quote when reporting a failure. Null when the server never answered, or refused
   * the call before handling it (overload shedding, draining).
   */
  get requestId(): string | null {
    const v = this.metadata?.get('x-request-id')[0];
    return typeof v === 'string' ? v : null;
  }

  /** "INVALID_ARGUMENT", for messages and logs. */
  get codeName(): string {
    return grpc.status[this.code] ?? String(this.code);
  }

  /** The same error, counting the tries it took. */
  withAttempts(attempts: number): NudgeError {
    return new NudgeError({ code: this.code, details: this.details, method: this.method, attempts, metadata: this.metadata });
  }
}

function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === 'number' && 'details' in err;
}

/** Wraps whatever a grpc-js call failed with. */
export function toNudgeError(err: unknown, method: string): NudgeError {
  if (err instanceof NudgeError) return err;
  if (isServiceError(err)) return new NudgeError({ code: err.code, details: err.details, method, metadata: err.metadata });
  // grpc-js throws plain Errors synchronously, e.g. "Channel has been shut down" after close().
  const msg = err instanceof Error ? err.message : String(err);
  return new NudgeError({ code: grpc.status.CANCELLED, details: msg, method });
}

/**
 * UNAVAILABLE (server down or draining, worker replaced, store unreachable) and RESOURCE_EXHAUSTED
 * (admission queue full) are worth another try. A message over grpc-js's size limit is also
 * RESOURCE_EXHAUSTED but will be just as large the next time, so it is not retried.
 */
export function isTransient(err: NudgeError): boolean {
  if (err.code === grpc.status.UNAVAILABLE) return true;
  if (err.code === grpc.status.RESOURCE_EXHAUSTED) return !/larger than max/i.test(err.details);
  return false;
}
