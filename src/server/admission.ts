import type { Deadline } from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import { DEFAULT_OPTIONS } from '../config';
import { NudgeError, type ErrorCode } from '../errors';
import { QueueDelayController } from './codel';

/** Why a call is refused before it is read. */
export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
}

const SHUTTING_DOWN: Refusal = Object.freeze({ code: 'NUDGE_SHUTTING_DOWN', message: 'the server is shutting down' });

/**
 * Where admission's queueing-delay samples come from: the main thread's event loop, or a fake in
 * tests. All times are milliseconds of the source's own monotonic clock.
 */
export interface LagSource {
  /** The source's clock (performance.now() for the real one). */
  now(): number;
  /**
   * How overdue the next sample already is at `now` (0 while it is not due): a turn of the loop that
   * is still running shows here before the sample that measures it can fire.
   */
  overdueMs(now: number): number;
  /** The thread's cumulative busy time (ms): time its event loop spent running, not waiting. */
  busyMs(): number;
  /** Sets the one listener told of every sample: its delay, when it was taken, busyMs() then (null: none). */
  onSample(listener: SampleListener | null): void;
}

export type SampleListener = (delayMs: number, atMs: number, busyMs: number) => void;

/**
 * Shedding needs the main thread busy for at least this share of the last interval: then the delay is
 * its own backlog, and refusing calls shortens it. A loop that is late while mostly idle is waiting
 * for a CPU that another process holds (a shared machine, a noisy neighbour), and refusing the few
 * calls it gets would not make them faster. Under an overload by requests the share is close to 1.
 */
export const MIN_BUSY_SHARE = 0.5;

/**
 * Shedding needs at least this many Decide/DecideBatch calls per millisecond of the interval (1,000
 * calls/s; a batch counts once) to have reached admission over the last interval: a standing queue of
 * calls needs calls (CoDel, likewise, does not drop while its queue holds less than a packet). Fewer
 * cost a few percent of a core, so they are not what keeps the loop late (start-up, a campaign reload,
 * a long synchronous job), and refusing them would not shorten the delay. An overload by requests on
 * this kind of machine is several times this rate.
 */
export const MIN_CALLS_PER_MS = 1;

/**
 * Admission control on the main thread, before any work: a bounded number of Decide requests in
 * flight (beyond it the server sheds load instead of queueing into latency), a refusal of requests
 * whose deadline has passed or is too close to be met, a refusal of everything while a standing
 * queue keeps the main thread's queueing delay above `targetMs` (targetMs > 0; see
 * QueueDelayController in codel.ts), and a refusal of everything while draining.
 *
 * The queueing-delay test exists because the in-flight count cannot see a backlog that has not
 * reached a handler yet: when decisions run on the main thread, requests wait inside HTTP/2 and
 * grpc-js, the count stays near 0 and accepted requests see seconds of latency. Event-loop lag is that
 * wait, measured; CoDel's rule (the minimum over an interval) tells a standing queue from a burst.
 */
export class Admission {
  private inFlight = 0;
  private draining = false;
  private readonly codel: QueueDelayController | null;
  /** The refusal last built, and the controller version and time it was built at. */
  private cached: Refusal | null = null;
  private cachedVersion = -1;
  private cachedAt = Number.NEGATIVE_INFINITY;
  private readonly busyMs: (() => number) | undefined;

  constructor(
    private readonly maxInFlight: number,
    private readonly minBudgetMs: number,
    targetMs = 0,
    private readonly lag: LagSource | null = null,
    intervalMs: number = DEFAULT_OPTIONS.shedIntervalMs,
  ) {
    if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) throw new RangeError('maxInFlight must be a positive integer');
    if (!Number.isSafeInteger(minBudgetMs) || minBudgetMs < 0) throw new RangeError('minBudgetMs must be a non-negative integer');
    if (typeof targetMs !== 'number') throw new TypeError('targetMs must be a number');
    if (!Number.isFinite(targetMs) || targetMs < 0) throw new RangeError('targetMs must be a non-negative number');
    if (targetMs > 0 && lag === null) throw new TypeError('lag must be a LagSource when targetMs > 0');
    if (targetMs > 0) {
      const source = lag as LagSource;
      const codel = new QueueDelayController(targetMs, intervalMs, { minCallsPerMs: MIN_CALLS_PER_MS, minBusyShare: MIN_BUSY_SHARE });
      this.codel = codel;
      this.busyMs = () => source.busyMs();
      source.onSample((delayMs, atMs, busyMs) => codel.observe(delayMs, atMs, busyMs));
    } else this.codel = null;
  }

  get current(): number {
    return this.inFlight;
  }

  /** The standing queueing delay (ms): the smallest delay of the last interval; 0 when the check is off. */
  standingDelayMs(): number {
    return this.codel === null ? 0 : this.codel.standingMs((this.lag as LagSource).now());
  }

  /** Whether Decide calls are being shed for queueing delay (as of the last call that reached admission). */
  get shedding(): boolean {
    return this.codel?.isShedding ?? false;
  }

  /**
   * The refusals that do not depend on the request (draining, a standing queue), as data rather than an
   * Error: the shedding interceptor asks this for every Decide before grpc-js reads the message, and
   * under overload it answers thousands of times a second.
   */
  refusal(): Refusal | null {
    return this.draining ? SHUTTING_DOWN : this.delayRefusal();
  }

  /**
   * The request-dependent checks, after refusal() passed: the deadline, then `n` places in flight.
   * Throws; the caller must release(n) exactly once after take succeeded.
   */
  take(deadline: Deadline, n = 1, now = Date.now()): void {
    checkDeadline(deadline, this.minBudgetMs, now);
    this.reserve(n);
  }

  /** Refuses while the controller sees a standing queue. */
  private delayRefusal(): Refusal | null {
    const codel = this.codel;
    if (codel === null) return null;
    const source = this.lag as LagSource;
    const now = source.now();
    // Calls, not customers: a call is the unit of main-thread cost that a refusal saves.
    codel.arrive(now);
    // A call handled in a turn that is already late is a sample too: it waited at least that long.
    // Only above the target: "not due yet" says nothing about how long this call waited.
    const overdue = source.overdueMs(now);
    if (overdue > codel.targetMs) codel.observe(overdue, now, source.busyMs());
    if (!codel.shedding(now, this.busyMs)) return null;
    // One refusal per change of the samples (or per millisecond): a flood is refused with the same object.
    if (this.cached === null || this.cachedVersion !== codel.version || now - this.cachedAt >= 1) {
      this.cached = {
        code: 'NUDGE_OVERLOADED',
        message: `standing queueing delay ${codel.stretchMs(now).toFixed(1)} ms exceeds the target of ${codel.targetMs} ms`,
      };
      this.cachedVersion = codel.version;
      this.cachedAt = now;
    }
    return this.cached;
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
 * Queueing-delay samples from a drift timer: a tick every `intervalMs` records how late it fired, which
 * is how long anything that became ready meanwhile (a request's bytes on a socket) waited for the
 * loop. overdueMs() adds how late the next tick already is, so a loop stuck in one long phase (a
 * burst read from a socket at once, a flood) is seen while it is stuck.
 * perf_hooks.monitorEventLoopDelay measures the same lateness at about the same cost (measured: ~2% of
 * a core idle at 1 ms for either, within noise under load), but as a histogram without the time of
 * each sample, which CoDel's rule needs, and it never says how late the loop is now.
 */
export class EventLoopLag implements LagSource {
  private readonly timer: NodeJS.Timeout;
  private expected: number;
  private latest = 0;
  private count = 0;
  private listener: SampleListener | null = null;

  constructor(private readonly intervalMs: number) {
    if (typeof intervalMs !== 'number' || !(intervalMs >= 1) || !Number.isFinite(intervalMs)) throw new RangeError('intervalMs must be a number >= 1');
    this.expected = performance.now() + intervalMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.latest = Math.max(0, now - this.expected);
      this.expected = now + this.intervalMs;
      this.count++;
      this.listener?.(this.latest, now, this.busyMs());
    }, intervalMs);
    // A sampler must never keep the process alive.
    this.timer.unref();
  }

  /** Samples taken so far. */
  get ticks(): number {
    return this.count;
  }

  /** How late the newest sample fired (ms). */
  get latestMs(): number {
    return this.latest;
  }

  now(): number {
    return performance.now();
  }

  overdueMs(now: number): number {
    return Math.max(0, now - this.expected);
  }

  busyMs(): number {
    return performance.eventLoopUtilization().active;
  }

  onSample(listener: SampleListener | null): void {
    this.listener = listener;
  }

  stop(): void {
    clearInterval(this.timer);
    this.listener = null;
  }
}

/** Sampling period for a target: fine enough to see a delay of the target, no finer (idle wake-ups). */
export function lagIntervalMs(targetMs: number): number {
  return Math.min(20, Math.max(1, Math.ceil(targetMs / 2)));
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
