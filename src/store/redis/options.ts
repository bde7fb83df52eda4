/** Options of openRedisStore, checked where they come in; defaults in one object. */
export interface RedisStoreOptions {
  /** redis:// or rediss:// URL (a single server or any node of a Redis Cluster). */
  readonly url: string;
  readonly username: string | null;
  readonly password: string | null;
  /** PEM file of extra CAs for rediss:// (a private CA); the system CAs are trusted too. */
  readonly tlsCa: string | null;
  /** Node-local files (decision log, spool) live in `${dataDir}/node-${processIndex}/state`. */
  readonly dataDir: string;
  /** Keeps the files of several processes on one node apart (NUDGE_PROCESS_INDEX). */
  readonly processIndex: number;
  /** The local copy of posteriors, counters and campaigns is refreshed this often (ms). */
  readonly syncMs: number;
  /** Longest time a logged decision waits before its batch goes to Redis (ms). */
  readonly decisionFlushMs: number;
  /** A decision batch is sent at once when this many decisions are queued. */
  readonly decisionBatchSize: number;
  /** A join record stays in Redis for its campaign's reward wait plus this long (ms). */
  readonly graceMs: number;
  /** TTL of join records of campaigns without a reward wait (ms). */
  readonly decisionTtlMs: number;
  /** Most decisions the local spool holds while Redis is unreachable; more are dropped and counted. */
  readonly spoolMax: number;
  /** Decisions one sweep claims per campaign. */
  readonly sweepLimit: number;
  /** A claimed decision is claimable again after this long when its sweeper died (ms). */
  readonly sweepLeaseMs: number;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** Upper bound of the shared posterior arena (the local copy) in bytes. */
  readonly arenaMaxBytes: number;
  /** The node-local decision log keeps decisions this long (never before the longest reward wait). */
  readonly decisionRetentionMs: number;
  readonly retentionIntervalMs: number;
  /** Monitoring time buckets expire this long after their minute (Redis PEXPIREAT). */
  readonly seriesRetentionMs: number;
}

export const REDIS_STORE_DEFAULTS: Omit<RedisStoreOptions, 'url' | 'dataDir'> = {
  username: null,
  password: null,
  tlsCa: null,
  processIndex: 0,
  syncMs: 100,
  // Another replica's outcome must find a decision 50 ms after Decide answered: flush well inside that.
  decisionFlushMs: 10,
  decisionBatchSize: 1000,
  graceMs: 60_000,
  decisionTtlMs: 24 * 3600_000,
  spoolMax: 1_000_000,
  sweepLimit: 1000,
  sweepLeaseMs: 30_000,
  commandTimeoutMs: 2000,
  connectTimeoutMs: 5000,
  arenaMaxBytes: 1 << 30,
  decisionRetentionMs: 30 * 86_400_000,
  // Often, so that each run removes little (a minute's worth at 1,500 req/s took 90 transactions).
  retentionIntervalMs: 10_000,
  seriesRetentionMs: 7 * 86_400_000,
};

const INTS = [
  'processIndex',
  'syncMs',
  'decisionFlushMs',
  'decisionBatchSize',
  'graceMs',
  'decisionTtlMs',
  'spoolMax',
  'sweepLimit',
  'sweepLeaseMs',
  'commandTimeoutMs',
  'connectTimeoutMs',
  'arenaMaxBytes',
  'decisionRetentionMs',
  'retentionIntervalMs',
  'seriesRetentionMs',
] as const;

export function checkRedisStoreOptions(input: unknown): RedisStoreOptions {
  if (typeof input !== 'object' || input === null) throw new TypeError('options must be an object');
  const o = input as Record<string, unknown>;
  for (const name of ['url', 'dataDir'] as const) {
    if (typeof o[name] !== 'string') throw new TypeError(`options.${name} must be a non-empty string`);
    if (o[name] === '') throw new RangeError(`options.${name} must be a non-empty string`);
  }
  if (!/^rediss?:\/\//.test(o['url'] as string)) throw new RangeError('options.url must be a redis:// or rediss:// URL');
  for (const name of INTS) {
    const v = o[name];
    if (v === undefined) continue;
    if (typeof v !== 'number') throw new TypeError(`options.${name} must be an integer`);
    const min = name === 'processIndex' || name === 'graceMs' ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`options.${name} must be an integer >= ${min}`);
  }
  for (const name of ['username', 'password', 'tlsCa'] as const) {
    const v = o[name];
    if (v !== undefined && v !== null && typeof v !== 'string') throw new TypeError(`options.${name} must be a string or null`);
  }
  const merged: Record<string, unknown> = { ...REDIS_STORE_DEFAULTS };
  for (const [k, v] of Object.entries(o)) if (v !== undefined) merged[k] = v;
  return merged as unknown as RedisStoreOptions;
}
