/**
 * A CoDel-like overload detector for the main thread (after Nichols & Jacobson, "Controlling Queue
 * Delay", ACM Queue 2012, and RFC 8289). CoDel's observation: a queue that absorbs a burst drains, and
 * the smallest delay seen while it does so drops below the target; a standing queue, one that the
 * server cannot drain, keeps even its smallest delay above the target for a whole interval. So:
 *
 * - every sample (a queueing delay measured at some time) above the target starts or continues a
 *   stretch; a sample at or below the target ends it (the queue drained);
 * - shedding starts when a stretch has lasted one interval, i.e. the minimum delay over the last
 *   interval is above the target;
 * - shedding stops at the first sample at or below the target;
 * - a stretch that starts within one interval of the end of a shedding episode sheds at once: the
 *   queue came back before it could be trusted (CoDel too resumes at its previous drop rate when it
 *   re-enters soon after leaving). Without this a sustained 2x overload would be admitted for a whole
 *   interval after each drain and accepted calls would wait that long.
 *
 * A standing queue of calls needs calls, and work behind which they wait (CoDel, likewise, does not
 * drop while its queue holds less than a packet). Two optional gates say so: at least `minCallsPerMs`
 * arrivals per millisecond of the interval over about the last interval (arrive()), and the thread
 * busy for at least `minBusyShare` of about the last interval, from the cumulative busy time that
 * samples and shedding() carry (a loop that is late while mostly idle is waiting for a CPU that
 * another process holds, not working off a backlog). While either fails nothing is shed, and a
 * shedding episode ends.
 *
 * Pure: no timer and no clock of its own. Callers pass the time of every sample and question, in
 * milliseconds of one monotonic clock (performance.now() in the server, a number in tests).
 */
/**
 * A bounded ring of (time, value) pairs, oldest first: a push when full drops the oldest. Both of the
 * controller's windows are one (its delay samples as a monotonic deque, its busy-time snapshots).
 */
class TimedRing {
  readonly at: Float64Array;
  readonly value: Float64Array;
  private head = 0;
  size = 0;

  constructor(capacity: number) {
    this.at = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
  }

  /** Index into at/value of the k-th oldest pair. */
  index(k: number): number {
    return (this.head + k) % this.at.length;
  }

  /** Index of the newest pair (size > 0). */
  get back(): number {
    return this.index(this.size - 1);
  }

  push(at: number, value: number): void {
    if (this.size === this.at.length) this.popFront();
    const i = this.index(this.size);
    this.at[i] = at;
    this.value[i] = value;
    this.size++;
  }

  popFront(): void {
    this.head = (this.head + 1) % this.at.length;
    this.size--;
  }

  popBack(): void {
    this.size--;
  }
}

export class QueueDelayController {
  /** Time of the first sample of the current above-target stretch; NaN when the last sample was at or below the target. */
  private firstAboveAt = Number.NaN;
  private active = false;
  /** When the last shedding episode ended. */
  private exitedAt = Number.NEGATIVE_INFINITY;
  /** Newest time seen: a clock that steps back is held at it. */
  private latest = Number.NEGATIVE_INFINITY;
  // The samples of the last interval as a monotonic deque (increasing in time and in delay), in a ring:
  // its front is the minimum of the window. Samples closer than `resolution` to the newest kept one
  // and larger than it are not kept, which bounds the ring to interval / resolution entries.
  private readonly samples: TimedRing;
  private readonly resolution: number;
  /** Bumped whenever the samples or the state change (callers cache what they derive from them). */
  private changes = 0;
  // Snapshots of the cumulative busy time, at most one per quarter interval, a ring of the newest six:
  // they reach back at least an interval.
  private readonly busy = new TimedRing(6);
  // Arrivals counted in interval-long buckets of the clock: the current one and the one before.
  private arrivalBucket = Number.NEGATIVE_INFINITY;
  private currentArrivals = 0;
  private previousArrivals = 0;

  private readonly minCallsPerMs: number;
  private readonly minBusyShare: number;
  /** When the gates were last evaluated, and their verdict. */
  private gatedAt = Number.NEGATIVE_INFINITY;
  private gatesPass = false;

  constructor(
    readonly targetMs: number,
    readonly intervalMs: number,
    gates: { readonly minCallsPerMs?: number; readonly minBusyShare?: number } = {},
  ) {
    if (typeof targetMs !== 'number') throw new TypeError('targetMs must be a number');
    if (!Number.isFinite(targetMs) || targetMs <= 0) throw new RangeError('targetMs must be a positive number');
    if (typeof intervalMs !== 'number') throw new TypeError('intervalMs must be a number');
    if (!Number.isFinite(intervalMs) || intervalMs < targetMs) throw new RangeError('intervalMs must be a number >= targetMs');
    const { minCallsPerMs = 0, minBusyShare = 0 } = gates;
    if (typeof minCallsPerMs !== 'number') throw new TypeError('minCallsPerMs must be a number');
    if (!Number.isFinite(minCallsPerMs) || minCallsPerMs < 0) throw new RangeError('minCallsPerMs must be a non-negative number');
    if (typeof minBusyShare !== 'number') throw new TypeError('minBusyShare must be a number');
    if (!(minBusyShare >= 0 && minBusyShare <= 1)) throw new RangeError('minBusyShare must be in [0, 1]');
    this.minCallsPerMs = minCallsPerMs;
    this.minBusyShare = minBusyShare;
    this.resolution = intervalMs / 100;
    const capacity = Math.ceil(intervalMs / this.resolution) + 2;
    this.samples = new TimedRing(capacity);
  }

  /** Counts changes of samples or state: what a caller derived from the controller is stale when it moved. */
  get version(): number {
    return this.changes;
  }

  /** The last shedding() answer, unless a sample at or below the target came since. */
  get isShedding(): boolean {
    return this.active;
  }

  /**
   * Records one queueing-delay sample taken at `nowMs`; `busyMs`, when given, is the thread's
   * cumulative busy time at that moment (any counter in milliseconds that only grows).
   */
  observe(delayMs: number, nowMs: number, busyMs?: number): void {
    const now = this.clock(nowMs);
    if (busyMs !== undefined) this.snapshot(now, busyMs);
    const d = delayMs > 0 ? delayMs : 0;
    const kept = this.push(now, d);
    if (d <= this.targetMs) {
      // The queue drained: no standing queue, whatever came before.
      if (!Number.isNaN(this.firstAboveAt) || this.active) {
        this.firstAboveAt = Number.NaN;
        if (this.active) {
          this.active = false;
          this.exitedAt = now;
        }
        this.changes++;
      } else if (kept) this.changes++;
      return;
    }
    if (Number.isNaN(this.firstAboveAt)) {
      this.firstAboveAt = now;
      this.changes++;
    } else if (kept) this.changes++;
  }

  /**
   * Whether calls arriving at `nowMs` are to be shed; `busyMs` reads the thread's cumulative busy time
   * now, for the busy gate (asked at most once per hundredth of the interval, only when the delay
   * alone would shed).
   */
  shedding(nowMs: number, busyMs?: () => number): boolean {
    const first = this.firstAboveAt;
    if (Number.isNaN(first)) return false;
    const now = this.clock(nowMs);
    if (!this.active && now - first < this.intervalMs && first - this.exitedAt >= this.intervalMs) return false;
    // The delay says shed; the gates say whether the calls are what keeps it up.
    if (now - this.gatedAt >= this.resolution) {
      this.gatedAt = now;
      this.gatesPass =
        this.arrivals(now) >= this.minCallsPerMs * this.intervalMs &&
        (this.minBusyShare === 0 || busyMs === undefined || this.busyShare(now, busyMs()) >= this.minBusyShare);
    }
    if (this.gatesPass !== this.active) {
      this.active = this.gatesPass;
      if (!this.active) this.exitedAt = now;
      this.changes++;
    }
    return this.active;
  }

  /**
   * The standing delay: the smallest sample of the last interval (0 when there is none). Above the
   * target for a whole interval means a standing queue.
   */
  standingMs(nowMs: number): number {
    this.expire(this.clock(nowMs));
    return this.samples.size === 0 ? 0 : this.samples.value[this.samples.index(0)]!;
  }

  /**
   * The smallest sample of the current above-target stretch within the last interval: what a refusal
   * names (at least the target while shedding). 0 when no stretch is under way.
   */
  stretchMs(nowMs: number): number {
    const first = this.firstAboveAt;
    if (Number.isNaN(first)) return 0;
    const now = this.clock(nowMs);
    this.expire(now);
    const r = this.samples;
    for (let k = 0; k < r.size; k++) {
      const i = r.index(k);
      if (r.at[i]! >= first) return r.value[i]!;
    }
    // Every sample of the stretch was merged into an older, smaller one: the newest kept stands for it.
    return r.size === 0 ? 0 : Math.max(this.targetMs, r.value[r.back]!);
  }

  /**
   * The share of about the last interval (at least one, less only when samples began more recently)
   * that the thread was busy, from the busy times samples carried and `busyMs` now; 1 when samples
   * carried none.
   */
  busyShare(nowMs: number, busyMs: number): number {
    const b = this.busy;
    if (b.size === 0) return 1;
    const now = this.clock(nowMs);
    // The newest snapshot at least an interval old, else the oldest there is.
    let pick = b.index(0);
    for (let k = 1; k < b.size; k++) {
      const i = b.index(k);
      if (b.at[i]! > now - this.intervalMs) break;
      pick = i;
    }
    const span = now - b.at[pick]!;
    if (!(span > 0)) return 1;
    return Math.min(1, Math.max(0, (busyMs - b.value[pick]!) / span));
  }

  private snapshot(now: number, busyMs: number): void {
    const b = this.busy;
    if (b.size > 0 && now - b.at[b.back]! < this.intervalMs / 4) return;
    b.push(now, busyMs);
  }

  /** Counts one arrival (a call) at `nowMs`. */
  arrive(nowMs: number): void {
    const bucket = Math.floor(this.clock(nowMs) / this.intervalMs);
    if (bucket !== this.arrivalBucket) {
      this.previousArrivals = bucket === this.arrivalBucket + 1 ? this.currentArrivals : 0;
      this.currentArrivals = 0;
      this.arrivalBucket = bucket;
    }
    this.currentArrivals++;
  }

  /**
   * Arrivals over about the last interval: those of the current interval-long bucket, and the previous
   * bucket's weighted by the share of it still inside the window.
   */
  arrivals(nowMs: number): number {
    const now = this.clock(nowMs);
    const bucket = Math.floor(now / this.intervalMs);
    if (bucket === this.arrivalBucket) return this.currentArrivals + this.previousArrivals * (1 - (now - bucket * this.intervalMs) / this.intervalMs);
    if (bucket === this.arrivalBucket + 1) return this.currentArrivals * (1 - (now - bucket * this.intervalMs) / this.intervalMs);
    return 0;
  }

  private clock(nowMs: number): number {
    if (nowMs > this.latest) this.latest = nowMs;
    return this.latest;
  }

  /** Adds a sample to the window; false when it changed nothing there. */
  private push(now: number, d: number): boolean {
    this.expire(now);
    const r = this.samples;
    // Larger or equal samples before this one can never be the window's minimum again.
    let popped = false;
    while (r.size > 0 && r.value[r.back]! >= d) {
      r.popBack();
      popped = true;
    }
    if (r.size > 0 && now - r.at[r.back]! < this.resolution) return popped;
    r.push(now, d);
    return true;
  }

  private expire(now: number): void {
    const r = this.samples;
    while (r.size > 0 && r.at[r.index(0)]! <= now - this.intervalMs) r.popFront();
  }
}
