import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import Redis, { Cluster, type RedisOptions } from 'ioredis';
import { APPLY_LUA, CLAIM_LUA, CONTACTS_LUA, JOIN_LUA, LEASE_LUA, LOG_LUA, WEIGHTS_LUA } from './scripts';

/**
 * One client for a single Redis / Valkey server or a Redis Cluster, chosen by asking the server
 * (`INFO cluster`), so the same NUDGE_STORE URL works for both. ioredis is the client because it
 * does all three things the store needs: automatic pipelining (commands issued in one event-loop
 * turn go out in one write, per cluster node), Redis Cluster (slot map, MOVED/ASK redirects,
 * failover), and Lua scripts as commands (defineCommand: EVALSHA with an EVAL fallback on NOSCRIPT).
 */
export type RedisClient = Redis | Cluster;

export interface RedisConnectOptions {
  readonly url: string;
  readonly username: string | null;
  readonly password: string | null;
  /** PEM file of extra CAs for rediss:// (default: the system CAs only). */
  readonly tlsCa?: string | null;
  /** How long a command may wait for its answer before it fails (ms). */
  readonly commandTimeoutMs: number;
  /** How long open waits for the first connection (ms). */
  readonly connectTimeoutMs: number;
}

export type ScriptedClient = RedisClient & {
  nudgeApply(numKeys: number, ...rest: (string | number)[]): Promise<number[]>;
  nudgeLog(numKeys: number, ...rest: (string | number)[]): Promise<number>;
  nudgeClaim(numKeys: number, ...rest: (string | number)[]): Promise<string[]>;
  nudgeWeights(numKeys: number, ...rest: (string | number)[]): Promise<number>;
  nudgeLease(numKeys: number, ...rest: (string | number)[]): Promise<number>;
  nudgeContacts(numKeys: number, ...rest: (string | number | Buffer)[]): Promise<number>;
  nudgeJoin(numKeys: number, ...rest: (string | number | Buffer)[]): Promise<number>;
};

const SCRIPT_COMMANDS = ['nudgeApply', 'nudgeLog', 'nudgeClaim', 'nudgeWeights', 'nudgeLease', 'nudgeContacts', 'nudgeJoin'];

/** TLS for rediss://: the system CAs plus an optional private one; SNI only for host names. */
function tlsOptions(host: string, caFile: string | null): { servername?: string; ca?: string[] } {
  const out: { servername?: string; ca?: string[] } = isIP(host) === 0 ? { servername: host } : {};
  if (caFile !== null) {
    let pem: string;
    try {
      pem = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new RangeError(`NUDGE_REDIS_TLS_CA: cannot read ${caFile}: ${(err as Error).message}`);
    }
    out.ca = [...rootCertificates, pem];
  }
  return out;
}

function baseOptions(o: RedisConnectOptions, url: URL): RedisOptions {
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname,
    port: url.port === '' ? 6379 : Number(url.port),
    username: url.username !== '' ? decodeURIComponent(url.username) : (o.username ?? undefined),
    password: url.password !== '' ? decodeURIComponent(url.password) : (o.password ?? undefined),
    db,
    ...(url.protocol === 'rediss:' ? { tls: tlsOptions(url.hostname, o.tlsCa ?? null) } : {}),
    // Fail at once while disconnected instead of queueing: Decide never waits on Redis, and an outcome
    // must answer UNAVAILABLE (retryable) rather than hang until the client reconnects.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: o.commandTimeoutMs,
    connectTimeout: o.connectTimeoutMs,
    enableAutoPipelining: true,
    // ioredis routes an auto-pipelined command by its first string argument; a script's is its key
    // count, so scripts are sent on their own and routed by their declared keys.
    autoPipeliningIgnoredCommands: SCRIPT_COMMANDS,
    // Reconnect forever, backing off to 1 s: Redis coming back must be noticed without a restart.
    retryStrategy: (times) => Math.min(50 * times, 1000),
    lazyConnect: true,
  };
}

function defineScripts(c: RedisClient): ScriptedClient {
  c.defineCommand('nudgeApply', { lua: APPLY_LUA });
  c.defineCommand('nudgeLog', { lua: LOG_LUA });
  c.defineCommand('nudgeClaim', { lua: CLAIM_LUA });
  c.defineCommand('nudgeWeights', { lua: WEIGHTS_LUA });
  c.defineCommand('nudgeLease', { lua: LEASE_LUA });
  c.defineCommand('nudgeContacts', { lua: CONTACTS_LUA });
  c.defineCommand('nudgeJoin', { lua: JOIN_LUA });
  return c as ScriptedClient;
}

/** connect() resolves on 'ready'; bounded, so a server that accepts but never answers fails the start. */
async function connectWithin(c: RedisClient, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not ready within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([c.connect(), timeout]);
  } catch (err) {
    c.disconnect();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Connects (waiting for the first connection) and tells a cluster from a single server. */
export async function connectRedis(o: RedisConnectOptions): Promise<{ client: ScriptedClient; cluster: boolean }> {
  const url = new URL(o.url);
  const opts = baseOptions(o, url);
  const where = `${url.protocol}//${url.hostname}:${opts.port ?? 6379}`;
  const probe = new Redis({ ...opts, enableAutoPipelining: false, retryStrategy: () => null });
  probe.on('error', () => undefined);
  let info: string;
  try {
    await probe.connect();
    info = await probe.info('cluster');
  } catch (err) {
    probe.disconnect();
    throw new Error(`NUDGE_STORE ${where}: cannot connect to Redis: ${(err as Error).message}`);
  }
  probe.disconnect();
  const cluster = /cluster_enabled:1/.test(info);
  if (!cluster) {
    const client = new Redis(opts);
    client.on('error', () => undefined);
    await connectWithin(client, o.connectTimeoutMs, `NUDGE_STORE ${where}`);
    return { client: defineScripts(client), cluster };
  }
  if (opts.db !== 0) throw new RangeError(`NUDGE_STORE ${where}: Redis Cluster has only database 0`);
  const { host, port, db: _db, ...redisOptions } = opts;
  const client = new Cluster([{ host: host!, port: port! }], {
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    autoPipeliningIgnoredCommands: SCRIPT_COMMANDS,
    lazyConnect: true,
    clusterRetryStrategy: (times) => Math.min(50 * times, 1000),
    redisOptions: { ...redisOptions, enableAutoPipelining: true },
  });
  client.on('error', () => undefined);
  await connectWithin(client, o.connectTimeoutMs, `NUDGE_STORE ${where} (cluster)`);
  return { client: defineScripts(client), cluster };
}
