import * as grpc from '@grpc/grpc-js';
import { isTransient, NudgeError, toNudgeError } from './errors';
import type { RetryPolicy } from './options';

/**
 * The wait before retry number `retry` (1 = the first retry): exponential, capped, with "equal
 * jitter" (half fixed, half random). The random half keeps many clients that failed together (a
 * server restart) from coming back in lockstep; the fixed half guarantees a restarting server some
 * time, which full jitter (anything from 0) would not.
 */
export function backoffMs(retry: number, p: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(p.maxBackoffMs, p.initialBackoffMs * p.multiplier ** (retry - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** A wait that ends early, rejecting, when the client is closed. */
function pause(ms: number, signal: AbortSignal, method: string, attempts: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new NudgeError({ code: grpc.status.CANCELLED, details: 'the client was closed while waiting to retry', method, attempts }));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryRun {
  readonly method: string;
  readonly policy: RetryPolicy;
  /** False: one try only (Decide unless asked, events when turned off). */
  readonly enabled: boolean;
  readonly signal: AbortSignal;
  /** Told of each retry before its wait (writers count them). */
  readonly onRetry?: (err: NudgeError, retry: number) => void;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-transient error, or the policy's tries are
 * used up. The error that ends it says how many tries were made.
 */
export async function withRetries<T>(run: RetryRun, attempt: () => Promise<T>): Promise<T> {
  const tries = run.enabled ? run.policy.maxAttempts : 1;
  for (let n = 1; ; n++) {
    if (run.signal.aborted) {
      throw new NudgeError({ code: grpc.status.CANCELLED, details: 'the client is closed', method: run.method, attempts: n - 1 });
    }
    try {
      return await attempt();
    } catch (caught) {
      const err = toNudgeError(caught, run.method);
      if (n >= tries || !isTransient(err)) throw err.withAttempts(n);
      run.onRetry?.(err, n);
      await pause(backoffMs(n, run.policy), run.signal, run.method, n);
    }
  }
}
