import * as os from 'node:os';
import * as path from 'node:path';

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
  /** Most Decide requests that go to a worker as one task. */
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
  /** How long close() waits for in-flight calls before cancelling them. */
  readonly shutdownTimeoutMs: number;
}

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
  shutdownTimeoutMs: 5000,
});

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

function checkListen(v: unknown): string {
  const s = checkString('listen', v);
  const m = /^(.+):(\d{1,5})$/.exec(s);
  if (m === null || Number(m[2]) > 65535) throw new RangeError('options.listen must be host:port with a port in [0, 65535]');
  return s;
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
    shutdownTimeoutMs: checkInt('shutdownTimeoutMs', o.shutdownTimeoutMs, 0, 'a non-negative integer'),
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
  NUDGE_SHUTDOWN_TIMEOUT_MS: 'shutdownTimeoutMs',
} as const satisfies Record<string, keyof ServerOptions>;

const NUMERIC = new Set<keyof ServerOptions>(['workers', 'maxBatch', 'maxQueue', 'seed', 'sweepMs', 'minBudgetMs', 'shutdownTimeoutMs']);

function parseEnvNumber(envName: string, raw: string): number {
  const t = raw.trim();
  if (!/^-?\d+$/.test(t)) throw new RangeError(`${envName} must be an integer (got "${raw}")`);
  return Number(t);
}

/** Options from the environment (unset or empty variables take the defaults). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const partial: Record<string, unknown> = {};
  for (const [envName, key] of Object.entries(ENV_NAMES) as [string, keyof ServerOptions][]) {
    const raw = env[envName];
    if (raw === undefined || raw === '') continue;
    if (key === 'demo') partial[key] = raw.trim() !== '0';
    else if (NUMERIC.has(key)) partial[key] = parseEnvNumber(envName, raw);
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
      return `  ${envName.padEnd(26)} ${d === null ? '(unset)' : typeof d === 'boolean' ? (d ? '1' : '0') : String(d)}`;
    })
    .join('\n');
}
