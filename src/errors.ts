import { status } from '@grpc/grpc-js';

/**
 * Every error Nudge reports has a stable code (the first column) and exactly one gRPC status.
 * docs/errors.md lists every code (a test checks it); codes are never renamed once released.
 */
export const ERROR_CODES = {
  NUDGE_INVALID_ARGUMENT: { grpc: status.INVALID_ARGUMENT, text: 'a request field is missing, empty, malformed or too large' },
  NUDGE_CAMPAIGN_NOT_FOUND: { grpc: status.NOT_FOUND, text: 'no campaign of that name' },
  NUDGE_CAMPAIGN_INVALID: { grpc: status.INVALID_ARGUMENT, text: 'a campaign definition failed validation (the message names the field)' },
  // No longer raised: Decide answers no_action (no_eligible_offer) instead. Kept: codes are never reused.
  NUDGE_NO_ELIGIBLE_OFFER: { grpc: status.FAILED_PRECONDITION, text: 'no longer returned: Decide answers no_action with no_action_reason no_eligible_offer (docs/events.md)' },
  NUDGE_DEADLINE_EXCEEDED: { grpc: status.DEADLINE_EXCEEDED, text: 'the deadline passed (or cannot be met) before the work was done; the work was skipped' },
  NUDGE_OVERLOADED: { grpc: status.RESOURCE_EXHAUSTED, text: 'the admission queue is full; retry with backoff' },
  NUDGE_UNAUTHENTICATED: { grpc: status.UNAUTHENTICATED, text: 'a bearer token is required and was missing or wrong' },
  NUDGE_WORKER_FAILED: { grpc: status.UNAVAILABLE, text: 'the worker holding the request failed; it has been replaced, retry' },
  NUDGE_SHUTTING_DOWN: { grpc: status.UNAVAILABLE, text: 'the server is draining for shutdown' },
  NUDGE_STORE_UNAVAILABLE: { grpc: status.UNAVAILABLE, text: 'the shared store (Redis) cannot be reached; nothing was applied, retry (outcomes are idempotent)' },
  NUDGE_INTERNAL: { grpc: status.INTERNAL, text: 'a bug: the server logs the cause' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class NudgeError extends Error {
  readonly code: ErrorCode;
  /** Field the error is about, when there is one (`customer_id`, `offers[2].prior_alpha`). */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'NudgeError';
    this.code = code;
    this.field = field;
  }

  get grpcStatus(): status {
    return ERROR_CODES[this.code].grpc;
  }
}

export const invalidArgument = (field: string, problem: string): NudgeError =>
  new NudgeError('NUDGE_INVALID_ARGUMENT', `${field}: ${problem}`, field);

export const campaignNotFound = (name: string): NudgeError =>
  new NudgeError('NUDGE_CAMPAIGN_NOT_FOUND', `campaign "${name}" does not exist`, 'campaign');

/** The `{ code, details }` a gRPC handler replies with; unknown errors become INTERNAL. */
export function toServiceError(err: unknown): { code: status; details: string } {
  if (err instanceof NudgeError) return { code: err.grpcStatus, details: `${err.code}: ${err.message}` };
  const msg = err instanceof Error ? err.message : String(err);
  return { code: status.INTERNAL, details: `NUDGE_INTERNAL: ${msg}` };
}
