import type { Deadline } from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import { NudgeError, type ErrorCode } from '../errors';

/** Why a call is refused before it is read. */
export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
}

const SHUTTING_DOWN: Refusal = Object.freeze({ code: 'NUDGE_SHUTTING_DOWN', message: 'the server is shutting down' });

/** How late the main thread's event loop runs, in milliseconds. */
export interface LagSource {
  /** Sustained lag: what admission compares with its limit. */
  lagMs(): number;
  /** Count of samples taken so far: admission counts arrivals per sample period with it. */
  readonly ticks: number;
}

/**
 * Lag refuses only when more than this many Decide/DecideBatch calls (a batch counts once) reached admission
 * since the previous lag sample: then requests are what makes the loop late, and refusing them
 * cheaply shortens it. A lag from something else (CPU taken by another process, a snapshot load,
 * start-up) with a few requests arriving is not cured by refusing them. At a high rate the count is
 * reached at once; at a low rate only a longer turn of the loop (a larger lag) reaches it.
 */
export const LAG_MIN_ARRIVALS = 32;

/**
 * Admission control on the main thread, before any work: a bounded number of Decide requests in
 * flight (beyond it the server sheds load instead of queueing into latency), a refusal of requests
 * whose deadline has passed or is too close to be met, a refusal of everything while the event loop
 * lags (maxLagMs > 0), and a refusal of everything while draining.
 *
 * The lag test exists because the in-flight count cannot see a backlog that has not reached a handler
 * yet: when decisions run on the main thread, requests wait inside HTTP/2 and grpc-js, the count stays
 * near 0 and accepted requests see seconds of latency. Lag is that wait, measured.
 */
export class Admission {
  private inFlight = 0;
  private draining = false;
  /** Decide/DecideBatch calls that reached the lag check since sample `tick`. */
  private arrivals = 0;
  private tick = -1;

  constructor(
    private readonly maxInFlight: number,
    private readonly minBudgetMs: number,
    private readonly maxLagMs = 0,
    private readonly lag: LagSource | null = null,
  ) {
    if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) throw new RangeError('maxInFlight must be a positive integer');
    if (!Number.isSafeInteger(minBudgetMs) || minBudgetMs < 0) throw new RangeError('minBudgetMs must be a non-negative integer');
    if (typeof maxLagMs !== 'number' || !Number.isFinite(maxLagMs) || maxLagMs < 0) throw new RangeError('maxLagMs must be a non-negative number');
    if (maxLagMs > 0 && lag === null) throw new TypeError('lag must be a LagSource when maxLagMs > 0');
  }

  get current(): number {
    return this.inFlight;
  }

  /**
   * The refusals that do not depend on the request (draining, event-loop lag), as data rather than an
   * Error: the shedding interceptor asks this for every Decide before grpc-js reads the message, and
   * under overload it answers thousands of times a second. Counts the call as an arrival.
   */
  refusal(): Refusal | null {
    return this.draining ? SHUTTING_DOWN : this.lagRefusal();
  }

  /**
   * The request-dependent checks, after refusal() passed: the deadline, then `n` places in flight.
   * Throws; the caller must release(n) exactly once after take succeeded.
   */
  take(deadline: Deadline, n = 1, now = Date.now()): void {
    checkDeadline(deadline, this.minBudgetMs, now);
    this.reserve(n);
  }

  /** Counts the call as an arrival of this lag sample period; refuses while the loop lags. */
  private lagRefusal(): Refusal | null {
    if (this.maxLagMs === 0) return null;
    const source = this.lag as LagSource;
    if (source.ticks !== this.tick) {
      this.tick = source.ticks;
      this.arrivals = 0;
    }
    // Calls, not customers: a call is the unit of main-thread cost that a refusal saves.
    this.arrivals++;
    const lag = this.arrivals > LAG_MIN_ARRIVALS ? source.lagMs() : 0;
    if (lag <= this.maxLagMs) return null;
    return { code: 'NUDGE_OVERLOADED', message: `event-loop lag ${lag.toFixed(1)} ms exceeds the limit of ${this.maxLagMs} ms` };
  }

  private reserve(n: number): void {
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

/**
 * Event-loop lag from a drift timer: a tick every `intervalMs` records how late it fired. The lag
 * reported is sustained lag: the smallest lateness over the last `window` ticks, where the newest
 * counts as how overdue the next tick already is when that is more (a loop stuck in one long phase,
 * a burst of requests read from a socket at once, is seen while it is stuck). A stall (a major GC,
 * start-up, a campaign reload) is one or two late ticks and refuses nothing; a backlog makes every
 * turn of the loop long. (Measured, not kept: judging by the newest tick alone once shedding had
 * started locked the server into refusing everything, since a backlog read in large chunks keeps every
 * turn long even while only refusals are sent.) perf_hooks.monitorEventLoopDelay costs about the same (measured: ~2% of a core idle at 1 ms
 * for either, within noise under load) but only says how late the loop was, never how late it is now.
 */
export class EventLoopLag implements LagSource {
  private readonly timer: NodeJS.Timeout;
  private expected: number;
  /** Lateness of the last `window` ticks, a ring; `older` is the minimum of all but the newest. */
  private readonly ring: Float64Array;
  private newest = 0;
  private older = 0;
  private count = 0;

  constructor(
    private readonly intervalMs: number,
    window = 3,
  ) {
    if (typeof intervalMs !== 'number' || !(intervalMs >= 1) || !Number.isFinite(intervalMs)) throw new RangeError('intervalMs must be a number >= 1');
    if (!Number.isSafeInteger(window) || window < 1) throw new RangeError('window must be a positive integer');
    this.ring = new Float64Array(window);
    this.expected = performance.now() + intervalMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      const ring = this.ring;
      this.newest = (this.newest + 1) % ring.length;
      ring[this.newest] = Math.max(0, now - this.expected);
      let m = Infinity;
      for (let k = 0; k < ring.length; k++) if (k !== this.newest && ring[k] < m) m = ring[k];
      this.older = m;
      this.expected = now + this.intervalMs;
      this.count++;
    }, intervalMs);
    // A sampler must never keep the process alive.
    this.timer.unref();
  }

  get ticks(): number {
    return this.count;
  }

  lagMs(): number {
    return Math.min(this.older, Math.max(this.ring[this.newest], performance.now() - this.expected));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Sampling period for a lag limit: fine enough to see a lag of the limit, no finer (idle wake-ups). */
export function lagIntervalMs(maxLagMs: number): number {
  return Math.min(20, Math.max(1, Math.ceil(maxLagMs / 2)));
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
