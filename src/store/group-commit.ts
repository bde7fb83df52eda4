import type { RootDatabase } from 'lmdb';

/**
 * Group commit: every write of the learning state goes through one queue, and everything queued when
 * a commit starts runs in that ONE LMDB transaction. While a commit is in flight, new work waits and
 * forms the next group, so concurrent callers share the cost of one sync. Jobs run one at a time on
 * the main thread inside the transaction callback, in arrival order; each job's promise settles only
 * after its transaction is committed (and, with ackOn 'flushed', synced).
 */

interface Job {
  run(): unknown;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

export interface RoundHooks {
  /** Runs first in every transaction (the decision log writes its queued batch here). */
  begin(): void;
  /** Runs last in every transaction (dirty tables and counters are written here). */
  end(): void;
  /** Runs after a successful commit, before the jobs are acknowledged. */
  committed(): void;
  /** The transaction failed: whatever begin/end took out of memory must be put back. */
  failed(): void;
  /** Whether work outside the job queue wants a round at once (a full decision batch). */
  hasWork(): boolean;
  /**
   * A round ended and nothing wants another at once. Work that can wait (a partial decision batch)
   * is scheduled here, so rounds are not chained back to back while decisions trickle in: each round
   * costs a sync and a rewrite of the dirty learning state, whatever it carries.
   */
  settled(): void;
}

export interface GroupCommitStats {
  readonly commits: number;
  readonly lastCommitMs: number;
  readonly queuedJobs: number;
}

export class GroupCommit {
  private queue: Job[] = [];
  private running = false;
  private closed = false;
  private commits = 0;
  private lastCommitMs = 0;
  private idle: Array<() => void> = [];

  constructor(
    private readonly env: RootDatabase,
    private readonly hooks: RoundHooks,
    private readonly ackOn: 'flushed' | 'committed',
  ) {}

  /** Runs `fn` inside the next group transaction; resolves with its result after the commit. */
  submit<T>(fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the learning store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
      this.kick();
    });
  }

  /** Starts a round if none is running (e.g. queued decisions reached their batch size or age). */
  kick(): void {
    if (this.running || this.closed) return;
    this.running = true;
    // setImmediate gathers the callers of this event-loop turn into the first group.
    setImmediate(() => void this.round());
  }

  /** Resolves when no round is running and nothing is queued. */
  whenIdle(): Promise<void> {
    if (!this.running && this.queue.length === 0 && !this.hooks.hasWork()) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  stats(): GroupCommitStats {
    return { commits: this.commits, lastCommitMs: this.lastCommitMs, queuedJobs: this.queue.length };
  }

  /** Refuses new jobs; queued ones still run. */
  close(): void {
    this.closed = true;
  }

  private async round(): Promise<void> {
    let jobs: Job[] = [];
    const results: Array<{ ok: boolean; value: unknown }> = [];
    const started = performance.now();
    try {
      await this.env.transaction(() => {
        // Taken here, not before: work that arrived while waiting for the write lock joins this group.
        jobs = this.queue;
        this.queue = [];
        this.hooks.begin();
        for (const job of jobs) {
          try {
            results.push({ ok: true, value: job.run() });
          } catch (err) {
            results.push({ ok: false, value: err });
          }
        }
        this.hooks.end();
      });
      if (this.ackOn === 'flushed') await this.env.flushed;
      this.commits += 1;
      this.lastCommitMs = performance.now() - started;
      this.hooks.committed();
      jobs.forEach((job, i) => {
        const r = results[i]!;
        if (r.ok) job.resolve(r.value);
        else job.reject(r.value);
      });
    } catch (err) {
      this.hooks.failed();
      for (const job of jobs) job.reject(err);
    }
    this.running = false;
    if (this.queue.length > 0 || this.hooks.hasWork()) {
      this.running = true;
      setImmediate(() => void this.round());
    } else {
      this.hooks.settled();
      const waiting = this.idle;
      this.idle = [];
      for (const w of waiting) w();
    }
  }
}
