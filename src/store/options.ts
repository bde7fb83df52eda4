/** Options of openLmdbStore, checked where they come in. */
export interface LmdbStoreOptions {
  /** The store lives in `${dataDir}/state`. */
  readonly dataDir: string;
  /** Longest time a logged decision waits before its batch is committed. */
  readonly decisionFlushMs: number;
  /** A decision batch is committed at once when this many decisions are queued. */
  readonly decisionBatchSize: number;
  /** 'flushed': acknowledge after the commit is synced to disk (survives power loss);
   *  'committed': after the commit is visible (survives a process crash, not a power loss). */
  readonly ackOn: 'flushed' | 'committed';
  /** Longest run of due-time index entries one sweep handles (the rest waits for the next sweep). */
  readonly sweepLimit: number;
  /** LMDB map size in bytes (grows automatically; this is the initial reservation). */
  readonly mapSize: number;
  /** Upper bound of the shared posterior arena in bytes. */
  readonly arenaMaxBytes: number;
  /** Decisions older than this are removed from the log, with their outcomes (never before the longest reward wait). */
  readonly decisionRetentionMs: number;
  /** How often the retention job runs. */
  readonly retentionIntervalMs: number;
  /** Monitoring time buckets (series.ts) older than this are removed. */
  readonly seriesRetentionMs: number;
}

export const STORE_DEFAULTS: Omit<LmdbStoreOptions, 'dataDir'> = {
  // Each commit costs a sync and a rewrite of the dirty counters whatever it carries; a longer wait
  // shares that among more decisions and keeps commits at <= 50/s. Measured at 3,500 req/s (main-thread
  // CPU per request, bench/cost.js): 5 and 20 ms were within the run-to-run noise of each other; the
  // gain came from no longer chaining rounds (group-commit.ts), not from the interval.
  decisionFlushMs: 20,
  decisionBatchSize: 1000,
  ackOn: 'flushed',
  sweepLimit: 10_000,
  mapSize: 256 * 1024 * 1024,
  arenaMaxBytes: 1 << 30,
  decisionRetentionMs: 30 * 86_400_000,
  // Often, so that each run removes little (a minute's worth at 1,500 req/s took 90 transactions).
  retentionIntervalMs: 10_000,
  seriesRetentionMs: 7 * 86_400_000,
};

function positiveInteger(opts: Record<string, unknown>, name: string): void {
  const v = opts[name];
  if (v === undefined) return;
  if (typeof v !== 'number') throw new TypeError(`options.${name} must be a positive integer`);
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`options.${name} must be a positive integer`);
}

export function checkStoreOptions(input: unknown): LmdbStoreOptions {
  if (typeof input !== 'object' || input === null) throw new TypeError('options must be an object');
  const opts = input as Record<string, unknown>;
  if (typeof opts['dataDir'] !== 'string') throw new TypeError('options.dataDir must be a non-empty string');
  if (opts['dataDir'] === '') throw new RangeError('options.dataDir must be a non-empty string');
  for (const n of ['decisionFlushMs', 'decisionBatchSize', 'sweepLimit', 'mapSize', 'arenaMaxBytes', 'decisionRetentionMs', 'retentionIntervalMs', 'seriesRetentionMs']) positiveInteger(opts, n);
  const ackOn = opts['ackOn'];
  if (ackOn !== undefined) {
    if (typeof ackOn !== 'string') throw new TypeError("options.ackOn must be 'flushed' or 'committed'");
    if (ackOn !== 'flushed' && ackOn !== 'committed') throw new RangeError("options.ackOn must be 'flushed' or 'committed'");
  }
  const merged: Record<string, unknown> = { ...STORE_DEFAULTS };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) merged[k] = v;
  return merged as unknown as LmdbStoreOptions;
}
