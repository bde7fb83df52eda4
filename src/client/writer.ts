import type { WriterOptions } from './options';

/** What a writer adds to the server's summaries. */
export interface WriterTotals {
  /** Stream calls that succeeded (one per batch). */
  readonly batches: number;
  /** Batches sent again after a transient failure. */
  readonly retries: number;
}

/** What outcomeWriter() and eventWriter() return. */
export interface Writer<T, S> {
  /** Resolves once the item is held by the writer; waits while the writer is full. */
  write(item: T): Promise<void>;
  /** Resolves once every item written so far is acknowledged by the server. */
  flush(): Promise<void>;
  /** Sends what is left and resolves with the summaries added up; later writes are refused. */
  close(): Promise<S & WriterTotals>;
  /** Batches resent so far. */
  readonly retries: number;
  /** Items written and not yet acknowledged: after a failure, what the caller may want to keep. */
  unsent(): T[];
}

/** How a writer delivers one batch (retries included) and adds up what the server answered. */
export interface BatchSink<T, S> {
  /**
   * `first` is the position of the batch's first item among all items written (so a sink can
   * number problems writer-wide); onRetry is called before each resend.
   */
  send(batch: readonly T[], first: number, onRetry: () => void): Promise<S>;
  add(total: S, part: S): S;
  readonly zero: S;
}

interface Waiting<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

interface Flush {
  /** Resolved once this many items (counted from the writer's start) are acknowledged. */
  readonly upTo: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Buffers items and sends them in batches, one batch in flight at a time. Bounded: once
 * maxBuffered items are held (buffered or in flight), write() returns a promise that settles only
 * when there is room, so a producer that awaits its writes runs at the server's pace and a slow or
 * restarting server cannot make the process's memory grow without limit.
 *
 * One batch at a time keeps the order of items, and keeps what must be resent after a failure
 * small and known: the batch in flight.
 */
export class BatchWriter<T, S> implements Writer<T, S> {
  private buffer: T[] = [];
  private inflight: readonly T[] | null = null;
  private readonly waiting: Waiting<T>[] = [];
  private flushes: Flush[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The flush interval passed: send a partial batch. */
  private due = false;
  private written = 0;
  private acked = 0;
  private batches = 0;
  private retried = 0;
  private total: S;
  private failure: unknown = null;
  /** Writes that were waiting for room when the writer failed. */
  private readonly refused: T[] = [];
  private closing: Promise<S & WriterTotals> | null = null;

  constructor(
    private readonly name: string,
    private readonly options: WriterOptions,
    private readonly sink: BatchSink<T, S>,
  ) {
    this.total = sink.zero;
  }

  /** Resolves once the item is held by the writer (not once the server has it: see flush()). */
  write(item: T): Promise<void> {
    if (this.closing !== null) return Promise.reject(new Error(`${this.name} is closed`));
    if (this.failure !== null) return Promise.reject(this.failure);
    this.written++;
    if (this.waiting.length === 0 && this.held() < this.options.maxBuffered) {
      this.buffer.push(item);
      this.pump();
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiting.push({ item, resolve, reject }));
  }

  /** Resolves once every item written so far is acknowledged by the server. */
  flush(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.acked >= this.written) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.flushes.push({ upTo: this.written, resolve, reject }));
    this.pump();
    return p;
  }

  /** Sends what is left and resolves with the summaries added up; later writes are refused. */
  close(): Promise<S & WriterTotals> {
    this.closing ??= this.flush().then(() => {
      this.clearTimer();
      return { ...this.total, batches: this.batches, retries: this.retried };
    });
    return this.closing;
  }

  /** Batches resent so far. */
  get retries(): number {
    return this.retried;
  }

  /** Items written and not yet acknowledged: after a failure, what the caller may want to keep. */
  unsent(): T[] {
    return [...(this.inflight ?? []), ...this.buffer, ...this.refused, ...this.waiting.map((w) => w.item)];
  }

  private held(): number {
    return this.buffer.length + (this.inflight?.length ?? 0);
  }

  private pump(): void {
    if (this.inflight !== null || this.failure !== null || this.buffer.length === 0) return;
    const urgent = this.due || this.flushes.length > 0 || this.buffer.length >= this.options.batchSize;
    if (!urgent) {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.due = true;
        this.pump();
      }, this.options.flushIntervalMs);
      return;
    }
    this.clearTimer();
    this.due = false;
    const batch = this.buffer.splice(0, this.options.batchSize);
    this.inflight = batch;
    this.sink.send(batch, this.acked, () => this.retried++).then(
      (summary) => {
        this.total = this.sink.add(this.total, summary);
        this.batches++;
        this.acked += batch.length;
        this.inflight = null;
        this.admit();
        this.settleFlushes();
        this.pump();
      },
      (err: unknown) => this.fail(err),
    );
  }

  /** Moves waiting writes into the buffer while there is room, in the order they were made. */
  private admit(): void {
    while (this.waiting.length > 0 && this.held() < this.options.maxBuffered) {
      const w = this.waiting.shift()!;
      this.buffer.push(w.item);
      w.resolve();
    }
  }

  private settleFlushes(): void {
    const open: Flush[] = [];
    for (const f of this.flushes) {
      if (this.acked >= f.upTo) f.resolve();
      else open.push(f);
    }
    this.flushes = open;
  }

  /** A batch failed for good: nothing more is sent, and everyone waiting hears why. */
  private fail(err: unknown): void {
    this.failure = err;
    this.clearTimer();
    for (const w of this.waiting.splice(0)) {
      this.refused.push(w.item);
      w.reject(err);
    }
    for (const f of this.flushes.splice(0)) f.reject(err);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
