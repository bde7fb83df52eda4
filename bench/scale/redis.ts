/**
 * A redis-server of the scale benchmark: a free loopback port, a temporary directory, no RDB snapshots,
 * the AOF on with the given fsync policy, optionally pinned to CPUs; stopped (and its directory
 * removed) by stop(). Every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { pinned } from './pin';

export type Appendfsync = 'always' | 'everysec';

export interface BenchRedis {
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  readonly dir: string;
  /** A client of this server (for INFO, CONFIG SET, MEMORY USAGE...). */
  readonly client: Redis;
  /** INFO <section> as a field -> value map. */
  info(section: string): Promise<Record<string, string>>;
  setAppendfsync(p: Appendfsync): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

export async function startRedis(o: { appendfsync: Appendfsync; cpus: readonly number[] | null }): Promise<BenchRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-scale-redis-'));
  const port = await freePort();
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
    '--appendfsync', o.appendfsync, '--daemonize', 'no', '--logfile', path.join(dir, 'redis.log'), '--protected-mode', 'yes',
  ];
  const p = pinned(o.cpus, 'redis-server', args);
  const child = spawn(p.cmd, p.args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100, enableOfflineQueue: true });
  // Refused connections while the server starts (and after stop) are expected: the loop below retries.
  client.on('error', () => undefined);
  const cleanup = async (): Promise<void> => {
    client.disconnect();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitExit(child, 5000))) {
        child.kill('SIGKILL');
        await waitExit(child, 2000);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const t0 = Date.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${tail(dir)}`);
      try {
        if (client.status === 'wait') await client.connect();
        if ((await client.ping()) === 'PONG') break;
      } catch {
        // not up yet
      }
      if (Date.now() - t0 > START_TIMEOUT_MS) throw new Error(`redis-server did not answer within ${START_TIMEOUT_MS} ms: ${tail(dir)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  void exited;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    dir,
    client,
    info: async (section) => parseInfo(await client.info(section)),
    setAppendfsync: async (policy) => {
      await client.config('SET', 'appendfsync', policy);
    },
    stop: cleanup,
  };
}

function tail(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'redis.log'), 'utf8').split('\n').slice(-10).join('\n');
  } catch {
    return '(no log)';
  }
}
