import type { Deadline } from '@grpc/grpc-js';
import { NudgeError } from '../errors';

/**
 * Admission control on the main thread, before any work: a bounded number of Decide requests in
 * flight (beyond it the server sheds load instead of queueing into latency), a refusal of requests
 * whose deadline has passed or is too close to be met, and a refusal of everything while draining.
 */
export class Admission {
  private inFlight = 0;
  private draining = false;

  constructor(
    private readonly maxInFlight: number,
    private readonly minBudgetMs: number,
  ) {
    if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) throw new RangeError('maxInFlight must be a positive integer');
    if (!Number.isSafeInteger(minBudgetMs) || minBudgetMs < 0) throw new RangeError('minBudgetMs must be a non-negative integer');
  }

  get current(): number {
    return this.inFlight;
  }

  /** Takes `n` places or throws; the caller must release(n) exactly once after admit succeeded. */
  admit(deadline: Deadline, n = 1, now = Date.now()): void {
    if (this.draining) throw new NudgeError('NUDGE_SHUTTING_DOWN', 'the server is shutting down');
    checkDeadline(deadline, this.minBudgetMs, now);
    if (this.inFlight + n > this.maxInFlight) {
      throw new NudgeError('NUDGE_OVERLOADED', `${this.inFlight} requests in flight (limit ${this.maxInFlight})`);
    }
    this.inFlight += n;
  }

  release(n = 1): void {
    this.inFlight -= n;
  }

  drain(): void {
    this.draining = true;
  }
}

/** Throws DEADLINE_EXCEEDED when less than minBudgetMs remain (Infinity = no deadline). */
export function checkDeadline(deadline: Deadline, minBudgetMs: number, now = Date.now()): void {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  if (at === Infinity) return;
  const left = at - now;
  if (left < minBudgetMs) {
    throw new NudgeError(
      'NUDGE_DEADLINE_EXCEEDED',
      left <= 0 ? `the deadline passed ${-left} ms before the work started` : `${left} ms left, less than the ${minBudgetMs} ms a decision needs`,
    );
  }
}
