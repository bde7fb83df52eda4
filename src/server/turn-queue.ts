/**
 * Work that arrived in one event-loop turn, run together at the end of it (setImmediate: after the
 * I/O callbacks of the turn), or at once when `max` items are waiting.
 *
 * Why: the inline Decide answered each call inside grpc-js's callback for its HTTP/2 frame, so the
 * transport's code and Nudge's alternated call by call. Run back to back, the decisions of a turn
 * cost a saturated server about 10 us less main-thread time each (alternating pairs end to end,
 * docs/performance.md, 2026-12-08 04:20), and the answers leave together. A call waits at most until
 * the end of its turn; with `max` 1 every item runs at once, as before. The pool's MicroBatcher
 * (batcher.ts) gathers its tasks with it too.
 */
export class TurnQueue<T> {
  private items: T[] = [];
  private scheduled = false;
  private readonly onImmediate = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(
    private readonly runAll: (items: readonly T[]) => void,
    private readonly max: number,
  ) {
    if (typeof runAll !== 'function') throw new TypeError('runAll must be a function');
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('max must be a positive integer');
  }

  get waiting(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.max) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onImmediate);
    }
  }

  /** Runs what is waiting now. runAll must not throw: one item's failure is that item's answer. */
  flush(): void {
    const items = this.items;
    if (items.length === 0) return;
    this.items = [];
    this.runAll(items);
  }
}
