import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_EVENTS_PER_CUSTOMER } from './sessions/memory';

/**
 * Server options: every default in one object, one validator at the edge (environment or the object a
 * caller passes to startServer), so nothing past this file ever checks an option again.
 */
export type ExecutionMode = 'pool' | 'inline';

export interface ServerOptions {
  /** host:port to bind; port 0 picks a free port (tests). */
  readonly listen: string;
  readonly dataDir: string;
  readonly campaignsDir: string;
  /** pool: Piscina workers run the engine; inline: the main thread does. */
  readonly mode: ExecutionMode;
  readonly workers: number;
  /** Most Decide requests handled together: one worker task (pool), or one run at the end of an event-loop turn (inline). */
  readonly maxBatch: number;
  /** Most Decide requests admitted at once (in flight); more -> RESOURCE_EXHAUSTED. */
  readonly maxQueue: number;
  /** Seeds the sampling kernel(s) for reproducible runs; null = seeded from entropy. */
  readonly seed: number | null;
  /** Load the demo feature set on the first start with an empty data dir. */
  readonly demo: boolean;
  /** Period of the default-reward sweeper. */
  readonly sweepMs: number;
  /** A request whose deadline is closer than this is refused (DEADLINE_EXCEEDED) before any work. */
  readonly minBudgetMs: number;
  /**
   * Shedding's target queueing delay on the main thread (ms): while the smallest event-loop delay of
   * the last shedIntervalMs stays above it (a standing queue, not a burst), Decide/DecideBatch are
   * refused (RESOURCE_EXHAUSTED) before any work; 0 turns the check off. NUDGE_MAX_LAG_MS.
   */
  readonly maxEventLoopLagMs: number;
  /**
   * Shedding's interval (ms): how long the delay must stay above the target before calls are shed,
   * CoDel's interval. NUDGE_SHED_INTERVAL_MS; at least the target.
   */
  readonly shedIntervalMs: number;
  /** How long close() waits for in-flight calls before cancelling them. */
  readonly shutdownTimeoutMs: number;
  /** Period of a log line with process.memoryUsage() (soak tests); 0 = never. */
  readonly memLogMs: number;
  /** host:port of the Prometheus /metrics listener (port 0 picks one), or "off". */
  readonly metricsListen: string;
  /** pino level of the server's logs. */
  readonly logLevel: LogLevel;
  /** PEM files of the server certificate chain and key; both or neither (null = plaintext). */
  readonly tlsCert: string | null;
  readonly tlsKey: string | null;
  /** PEM bundle of the CAs that sign client certificates (mutual TLS). */
  readonly tlsCa: string | null;
  /** "require": clients must present a certificate signed by tlsCa (mutual TLS). */
  readonly tlsClientAuth: TlsClientAuth;
  /** Allows plaintext on a non-loopback listen address (loopback is always allowed). */
  readonly insecure: boolean;
  /** Bearer token AdminService requires (null = none required). */
  readonly adminToken: string | null;
  /** Bearer token DecisionService requires (null = none required). */
  readonly decideToken: string | null;
  /** Largest request message accepted (grpc.max_receive_message_length), bytes. */
  readonly maxMessageBytes: number;
  /** Server pings an idle connection after this long (grpc.keepalive_time_ms). */
  readonly keepaliveTimeMs: number;
  /** A ping unanswered for this long closes the connection (grpc.keepalive_timeout_ms). */
  readonly keepaliveTimeoutMs: number;
  /** Concurrent calls per HTTP/2 connection (grpc.max_concurrent_streams). */
  readonly maxConcurrentStreams: number;
  /** A connection without calls for this long is closed (grpc.max_connection_idle_ms). */
  readonly maxConnectionIdleMs: number;
  /** Connections are recycled after this long, 0 = never (grpc.max_connection_age_ms). */
  readonly maxConnectionAgeMs: number;
  /**
   * Where the learning state lives: "lmdb" (embedded, one process) or a redis:// / rediss:// URL
   * (shared by every process and node; docs/scaling.md).
   */
  readonly store: string;
  /** Serving processes on this node sharing the listen port (node:cluster); > 1 needs a Redis store. */
  readonly processes: number;
  /** With a Redis store: the local copy of posteriors, counters and campaigns is at most this old (ms). */
  readonly syncMs: number;
  /** Redis ACL user and password when the URL does not carry them (NUDGE_REDIS_USERNAME / _PASSWORD). */
  readonly redisUsername: string | null;
  readonly redisPassword: string | null;
  /** PEM bundle of the CAs that sign the Redis server's certificate (rediss://), beside the system CAs. */
  readonly redisTlsCa: string | null;
  /** A decision record stays in Redis for its campaign's reward wait plus this long (ms). */
  readonly redisGraceMs: number;
  /** Decision records kept in Redis this long when the campaign has no reward wait (ms). */
  readonly redisDecisionTtlMs: number;
  /** Most decision records the local spool keeps while Redis is unreachable. */
  readonly spoolMax: number;
  /**
   * Decisions older than this leave the decision log (with their outcomes); never before the longest
   * reward wait. NUDGE_DECISION_RETENTION takes 30d, 12h, 90m, 45s or milliseconds.
   */
  readonly decisionRetentionMs: number;
  /** Monitoring time buckets (1 minute each) are kept this long. NUDGE_MONITOR_RETENTION, a duration. */
  readonly seriesRetentionMs: number;
  /** Calibration in GetCampaignStats covers outcomes of this recent window. NUDGE_CALIBRATION_WINDOW. */
  readonly calibrationWindowMs: number;
  /** Rows of recent decisions' features kept per campaign for drift (PSI). */
  readonly driftSample: number;
  /** One decision in this many is sampled for drift (1 = every decision). */
  readonly driftEvery: number;
  /** Memory the in-memory session store may hold (bytes); least recently active customers go first. */
  readonly sessionMemoryBytes: number;
  /** Events kept per customer (the newest). */
  readonly sessionMaxEvents: number;
  /** Serve the dashboard on the metrics listener (NUDGE_DASHBOARD=0 turns it off). */
  readonly dashboard: boolean;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export type TlsClientAuth = 'none' | 'require';

const PARALLELISM = os.availableParallelism();

export const DEFAULT_OPTIONS: ServerOptions = Object.freeze({
  listen: '127.0.0.1:50051',
  dataDir: './data',
  campaignsDir: './campaigns',
  // Provisional: the benchmark decides whether the pool pays for itself on small machines.
  mode: PARALLELISM > 2 ? 'pool' : 'inline',
  workers: PARALLELISM,
  maxBatch: 64,
  maxQueue: 10_000,
  seed: null,
  demo: true,
  sweepMs: 1000,
  minBudgetMs: 1,
  maxEventLoopLagMs: 5,
  shedIntervalMs: 100,
  shutdownTimeoutMs: 5000,
  memLogMs: 0,
  metricsListen: '127.0.0.1:9464',
  logLevel: 'info',
  tlsCert: null,
  tlsKey: null,
  tlsCa: null,
  tlsClientAuth: 'none',
  insecure: false,
  adminToken: null,
  decideToken: null,
  maxMessageBytes: 4 * 1024 * 1024,
  keepaliveTimeMs: 60_000,
  keepaliveTimeoutMs: 20_000,
  maxConcurrentStreams: 1000,
  maxConnectionIdleMs: 300_000,
  maxConnectionAgeMs: 0,
  store: 'lmdb',
  processes: 1,
  syncMs: 100,
  redisUsername: null,
  redisPassword: null,
  redisTlsCa: null,
  redisGraceMs: 60_000,
  redisDecisionTtlMs: 24 * 3600_000,
  spoolMax: 1_000_000,
  decisionRetentionMs: 30 * 86_400_000,
  seriesRetentionMs: 7 * 86_400_000,
  calibrationWindowMs: 86_400_000,
  driftSample: 5000,
  driftEvery: 4,
  sessionMemoryBytes: 512 * 1024 * 1024,
  sessionMaxEvents: 64,
  dashboard: true,
});

/** Tokens shorter than this are refused: a bearer token must not be guessable. */
export const MIN_TOKEN_LENGTH = 16;

function checkString(name: string, v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`options.${name} must be a string`);
  if (v.length === 0) throw new RangeError(`options.${name} must not be empty`);
  return v;
}

function checkInt(name: string, v: unknown, min: number, what: string): number {
  if (typeof v !== 'number') throw new TypeError(`options.${name} must be a number`);
  if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`options.${name} must be ${what}`);
  return v;
}

// The session record stores its event count in 16 bits (src/sessions/memory.ts).
function checkSessionMaxEvents(v: unknown): number {
  const n = checkInt('sessionMaxEvents', v, 1, 'a positive integer');
  if (n > MAX_EVENTS_PER_CUSTOMER) throw new RangeError(`options.sessionMaxEvents must be at most ${MAX_EVENTS_PER_CUSTOMER}`);
  return n;
}

function checkListen(v: unknown, name = 'listen'): string {
  const s = checkString(name, v);
  const m = /^(.+):(\d{1,5})$/.exec(s);
  if (m === null || Number(m[2]) > 65535) throw new RangeError(`options.${name} must be host:port with a port in [0, 65535]`);
  return s;
}

function checkOptionalString(name: string, v: unknown): string | null {
  return v === null ? null : checkString(name, v);
}

function checkToken(name: string, v: unknown): string | null {
  const t = checkOptionalString(name, v);
  if (t !== null && t.length < MIN_TOKEN_LENGTH) throw new RangeError(`options.${name} must be at least ${MIN_TOKEN_LENGTH} characters`);
  return t;
}

function checkEnum<T extends string>(name: string, v: unknown, allowed: readonly string[]): T {
  if (typeof v !== 'string') throw new TypeError(`options.${name} must be a string`);
  if (!allowed.includes(v)) throw new RangeError(`options.${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  return v as T;
}

/** "lmdb", or a redis:// / rediss:// URL with a host (and optional /db number). */
function checkStore(v: unknown): string {
  const s = checkString('store', v);
  if (s === 'lmdb') return s;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new RangeError('options.store must be "lmdb" or a redis://host:port[/db] URL');
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new RangeError('options.store must be "lmdb" or a redis://host:port[/db] URL');
  }
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname)) {
    throw new RangeError('options.store: the path of a Redis URL must be a database number (/0)');
  }
  return s;
}

/** TLS options hang together: cert and key both or neither; a CA or client auth only with them. */
function checkTls(cert: string | null, key: string | null, ca: string | null, clientAuth: TlsClientAuth): void {
  if ((cert === null) !== (key === null)) throw new RangeError('options.tlsCert and options.tlsKey must be set together');
  if (ca !== null && cert === null) throw new RangeError('options.tlsCa needs options.tlsCert and options.tlsKey');
  if (clientAuth === 'require' && ca === null) throw new RangeError('options.tlsClientAuth "require" needs options.tlsCa');
}

/** Shedding's target and interval: integers, and an interval no shorter than the target it waits on. */
function checkShedding(target: unknown, interval: unknown): { maxEventLoopLagMs: number; shedIntervalMs: number } {
  const maxEventLoopLagMs = checkInt('maxEventLoopLagMs', target, 0, 'a non-negative integer');
  const shedIntervalMs = checkInt('shedIntervalMs', interval, 1, 'a positive integer');
  if (shedIntervalMs < maxEventLoopLagMs) throw new RangeError('options.shedIntervalMs must be at least options.maxEventLoopLagMs (the target)');
  return { maxEventLoopLagMs, shedIntervalMs };
}

/** Fills defaults and validates; throws TypeError / RangeError naming the option. */
export function resolveOptions(partial: Partial<ServerOptions> = {}): ServerOptions {
  if (typeof partial !== 'object' || partial === null) throw new TypeError('options must be an object');
  const o = { ...DEFAULT_OPTIONS, ...stripUndefined(partial) };
  const mode = o.mode;
  if (typeof mode !== 'string') throw new TypeError('options.mode must be a string');
  if (mode !== 'pool' && mode !== 'inline') throw new RangeError('options.mode must be "pool" or "inline"');
  if (o.seed !== null) checkInt('seed', o.seed, 0, 'a non-negative safe integer');
  if (typeof o.demo !== 'boolean') throw new TypeError('options.demo must be a boolean');
  if (typeof o.dashboard !== 'boolean') throw new TypeError('options.dashboard must be a boolean');
  if (typeof o.insecure !== 'boolean') throw new TypeError('options.insecure must be a boolean');
  const metricsListen = o.metricsListen === 'off' ? 'off' : checkListen(o.metricsListen, 'metricsListen');
  const tlsCert = checkOptionalString('tlsCert', o.tlsCert);
  const tlsKey = checkOptionalString('tlsKey', o.tlsKey);
  const tlsCa = checkOptionalString('tlsCa', o.tlsCa);
  const tlsClientAuth = checkEnum<TlsClientAuth>('tlsClientAuth', o.tlsClientAuth, ['none', 'require']);
  checkTls(tlsCert, tlsKey, tlsCa, tlsClientAuth);
  const { maxEventLoopLagMs, shedIntervalMs } = checkShedding(o.maxEventLoopLagMs, o.shedIntervalMs);
  return Object.freeze({
    listen: checkListen(o.listen),
    dataDir: path.resolve(checkString('dataDir', o.dataDir)),
    campaignsDir: path.resolve(checkString('campaignsDir', o.campaignsDir)),
    mode,
    workers: checkInt('workers', o.workers, 1, 'a positive integer'),
    maxBatch: checkInt('maxBatch', o.maxBatch, 1, 'a positive integer'),
    maxQueue: checkInt('maxQueue', o.maxQueue, 1, 'a positive integer'),
    seed: o.seed,
    demo: o.demo,
    sweepMs: checkInt('sweepMs', o.sweepMs, 1, 'a positive integer'),
    minBudgetMs: checkInt('minBudgetMs', o.minBudgetMs, 0, 'a non-negative integer'),
    maxEventLoopLagMs,
    shedIntervalMs,
    shutdownTimeoutMs: checkInt('shutdownTimeoutMs', o.shutdownTimeoutMs, 0, 'a non-negative integer'),
    memLogMs: checkInt('memLogMs', o.memLogMs, 0, 'a non-negative integer'),
    metricsListen,
    logLevel: checkEnum<LogLevel>('logLevel', o.logLevel, LOG_LEVELS),
    tlsCert: tlsCert === null ? null : path.resolve(tlsCert),
    tlsKey: tlsKey === null ? null : path.resolve(tlsKey),
    tlsCa: tlsCa === null ? null : path.resolve(tlsCa),
    tlsClientAuth,
    insecure: o.insecure,
    adminToken: checkToken('adminToken', o.adminToken),
    decideToken: checkToken('decideToken', o.decideToken),
    maxMessageBytes: checkInt('maxMessageBytes', o.maxMessageBytes, 1024, 'an integer >= 1024'),
    keepaliveTimeMs: checkInt('keepaliveTimeMs', o.keepaliveTimeMs, 1000, 'an integer >= 1000'),
    keepaliveTimeoutMs: checkInt('keepaliveTimeoutMs', o.keepaliveTimeoutMs, 1000, 'an integer >= 1000'),
    maxConcurrentStreams: checkInt('maxConcurrentStreams', o.maxConcurrentStreams, 1, 'a positive integer'),
    maxConnectionIdleMs: checkInt('maxConnectionIdleMs', o.maxConnectionIdleMs, 1000, 'an integer >= 1000'),
    maxConnectionAgeMs: checkInt('maxConnectionAgeMs', o.maxConnectionAgeMs, 0, 'a non-negative integer'),
    store: checkStore(o.store),
    processes: checkInt('processes', o.processes, 1, 'a positive integer'),
    syncMs: checkInt('syncMs', o.syncMs, 5, 'an integer >= 5'),
    redisUsername: checkOptionalString('redisUsername', o.redisUsername),
    redisPassword: checkOptionalString('redisPassword', o.redisPassword),
    redisTlsCa: o.redisTlsCa === null ? null : path.resolve(checkString('redisTlsCa', o.redisTlsCa)),
    redisGraceMs: checkInt('redisGraceMs', o.redisGraceMs, 0, 'a non-negative integer'),
    redisDecisionTtlMs: checkInt('redisDecisionTtlMs', o.redisDecisionTtlMs, 1000, 'an integer >= 1000'),
    spoolMax: checkInt('spoolMax', o.spoolMax, 1, 'a positive integer'),
    decisionRetentionMs: checkInt('decisionRetentionMs', o.decisionRetentionMs, 1000, 'at least 1000 ms'),
    seriesRetentionMs: checkInt('seriesRetentionMs', o.seriesRetentionMs, 60_000, 'at least 60000 ms (one bucket)'),
    calibrationWindowMs: checkInt('calibrationWindowMs', o.calibrationWindowMs, 60_000, 'at least 60000 ms (one bucket)'),
    driftSample: checkInt('driftSample', o.driftSample, 100, 'an integer >= 100'),
    driftEvery: checkInt('driftEvery', o.driftEvery, 1, 'a positive integer'),
    sessionMemoryBytes: checkInt('sessionMemoryBytes', o.sessionMemoryBytes, 1024 * 1024, 'at least 1 MiB'),
    sessionMaxEvents: checkSessionMaxEvents(o.sessionMaxEvents),
    dashboard: o.dashboard,
  });
}

function stripUndefined(p: Partial<ServerOptions>): Partial<ServerOptions> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v;
  return out as Partial<ServerOptions>;
}

/** Environment variable -> option; values are parsed here and validated by resolveOptions. */
const ENV_NAMES = {
  NUDGE_LISTEN: 'listen',
  NUDGE_DATA_DIR: 'dataDir',
  NUDGE_CAMPAIGNS: 'campaignsDir',
  NUDGE_MODE: 'mode',
  NUDGE_WORKERS: 'workers',
  NUDGE_MAX_BATCH: 'maxBatch',
  NUDGE_MAX_QUEUE: 'maxQueue',
  NUDGE_SEED: 'seed',
  NUDGE_DEMO: 'demo',
  NUDGE_SWEEP_MS: 'sweepMs',
  NUDGE_MIN_BUDGET_MS: 'minBudgetMs',
  NUDGE_MAX_LAG_MS: 'maxEventLoopLagMs',
  NUDGE_SHED_INTERVAL_MS: 'shedIntervalMs',
  NUDGE_SHUTDOWN_TIMEOUT_MS: 'shutdownTimeoutMs',
  NUDGE_MEM_LOG_MS: 'memLogMs',
  NUDGE_METRICS_LISTEN: 'metricsListen',
  // The listener serves the dashboard too now; the old name keeps working.
  NUDGE_HTTP_LISTEN: 'metricsListen',
  NUDGE_LOG_LEVEL: 'logLevel',
  NUDGE_TLS_CERT: 'tlsCert',
  NUDGE_TLS_KEY: 'tlsKey',
  NUDGE_TLS_CA: 'tlsCa',
  NUDGE_TLS_CLIENT_AUTH: 'tlsClientAuth',
  NUDGE_INSECURE: 'insecure',
  NUDGE_ADMIN_TOKEN: 'adminToken',
  NUDGE_DECIDE_TOKEN: 'decideToken',
  NUDGE_MAX_MESSAGE_BYTES: 'maxMessageBytes',
  NUDGE_KEEPALIVE_TIME_MS: 'keepaliveTimeMs',
  NUDGE_KEEPALIVE_TIMEOUT_MS: 'keepaliveTimeoutMs',
  NUDGE_MAX_CONCURRENT_STREAMS: 'maxConcurrentStreams',
  NUDGE_MAX_CONNECTION_IDLE_MS: 'maxConnectionIdleMs',
  NUDGE_MAX_CONNECTION_AGE_MS: 'maxConnectionAgeMs',
  NUDGE_STORE: 'store',
  NUDGE_PROCESSES: 'processes',
  NUDGE_SYNC_MS: 'syncMs',
  NUDGE_REDIS_USERNAME: 'redisUsername',
  NUDGE_REDIS_PASSWORD: 'redisPassword',
  NUDGE_REDIS_TLS_CA: 'redisTlsCa',
  NUDGE_REDIS_GRACE_MS: 'redisGraceMs',
  NUDGE_REDIS_DECISION_TTL_MS: 'redisDecisionTtlMs',
  NUDGE_SPOOL_MAX: 'spoolMax',
  NUDGE_DECISION_RETENTION: 'decisionRetentionMs',
  NUDGE_MONITOR_RETENTION: 'seriesRetentionMs',
  NUDGE_CALIBRATION_WINDOW: 'calibrationWindowMs',
  NUDGE_DRIFT_SAMPLE: 'driftSample',
  NUDGE_DRIFT_EVERY: 'driftEvery',
  NUDGE_SESSION_MEMORY: 'sessionMemoryBytes',
  NUDGE_SESSION_MAX_EVENTS: 'sessionMaxEvents',
  NUDGE_DASHBOARD: 'dashboard',
} as const satisfies Record<string, keyof ServerOptions>;

const NUMERIC = new Set<keyof ServerOptions>([
  'workers',
  'maxBatch',
  'maxQueue',
  'seed',
  'sweepMs',
  'minBudgetMs',
  'maxEventLoopLagMs',
  'shedIntervalMs',
  'shutdownTimeoutMs',
  'memLogMs',
  'maxMessageBytes',
  'keepaliveTimeMs',
  'keepaliveTimeoutMs',
  'maxConcurrentStreams',
  'maxConnectionIdleMs',
  'maxConnectionAgeMs',
  'processes',
  'syncMs',
  'redisGraceMs',
  'redisDecisionTtlMs',
  'spoolMax',
  'driftSample',
  'driftEvery',
  'sessionMaxEvents',
]);
const BOOLEAN = new Set<keyof ServerOptions>(['demo', 'insecure', 'dashboard']);
/** Secrets are never echoed in error messages or help. */
const SECRET = new Set<keyof ServerOptions>(['adminToken', 'decideToken', 'redisPassword']);

/** Durations given as 30d, 12h, 90m, 45s or plain milliseconds. */
const DURATION = new Set<keyof ServerOptions>(['decisionRetentionMs', 'seriesRetentionMs', 'calibrationWindowMs']);
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Sizes given as 256MiB, 2GiB, 512KiB or plain bytes. */
const SIZE = new Set<keyof ServerOptions>(['sessionMemoryBytes']);
const UNIT_BYTES: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

function parseEnvSize(envName: string, raw: string): number {
  const m = /^(\d+)\s*(b|kib|mib|gib)?$/i.exec(raw.trim());
  if (m === null) throw new RangeError(`${envName} must be a size such as 256MiB, 2GiB, 512KiB or bytes (got "${raw}")`);
  return Number(m[1]) * UNIT_BYTES[(m[2] ?? 'b').toLowerCase()]!;
}

function parseEnvDuration(envName: string, raw: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (m === null) throw new RangeError(`${envName} must be a duration such as 30d, 12h, 90m, 45s or milliseconds (got "${raw}")`);
  return Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
}

function parseEnvNumber(envName: string, raw: string): number {
  const t = raw.trim();
  if (!/^-?\d+$/.test(t)) throw new RangeError(`${envName} must be an integer (got "${raw}")`);
  return Number(t);
}

/** Options from the environment (unset or empty variables take the defaults). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const partial: Record<string, unknown> = {};
  const http = env['NUDGE_HTTP_LISTEN'];
  const metricsListen = env['NUDGE_METRICS_LISTEN'];
  if (http !== undefined && http !== '' && metricsListen !== undefined && metricsListen !== '' && http !== metricsListen) {
    throw new RangeError(`NUDGE_HTTP_LISTEN (${http}) and NUDGE_METRICS_LISTEN (${metricsListen}) name the same listener: set one of them`);
  }
  for (const [envName, key] of Object.entries(ENV_NAMES) as [string, keyof ServerOptions][]) {
    const raw = env[envName];
    if (raw === undefined || raw === '') continue;
    if (BOOLEAN.has(key)) partial[key] = raw.trim() !== '0' && raw.trim().toLowerCase() !== 'false';
    else if (NUMERIC.has(key)) partial[key] = parseEnvNumber(envName, raw);
    else if (DURATION.has(key)) partial[key] = parseEnvDuration(envName, raw);
    else if (SIZE.has(key)) partial[key] = parseEnvSize(envName, raw);
    else partial[key] = raw;
  }
  try {
    return resolveOptions(partial as Partial<ServerOptions>);
  } catch (err) {
    // Name the variable the user set, not the option it became.
    if (err instanceof TypeError || err instanceof RangeError) {
      const m = /^options\.(\w+)/.exec(err.message);
      const envName = m === null ? undefined : Object.entries(ENV_NAMES).find(([, key]) => key === m[1])?.[0];
      if (envName !== undefined && env[envName] !== undefined) {
        const Ctor = err instanceof TypeError ? TypeError : RangeError;
        throw new Ctor(`${envName}: ${err.message}`);
      }
    }
    throw err;
  }
}

/** One line per variable, for `nudge serve --help`. */
export function envHelp(): string {
  return Object.entries(ENV_NAMES)
    .map(([envName, key]) => {
      const d = DEFAULT_OPTIONS[key];
      if (SECRET.has(key)) return `  ${envName.padEnd(26)} (unset; a secret)`;
      return `  ${envName.padEnd(26)} ${d === null ? '(unset)' : typeof d === 'boolean' ? (d ? '1' : '0') : String(d)}`;
    })
    .join('\n');
}
