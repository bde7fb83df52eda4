import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Real redis-server processes for tests (Debian's redis-server 7.0; .ci/run installs it). No fakes: the
 * store's contract is what a real server does on kill -9, restart and cluster redirects.
 */

export type Appendfsync = 'always' | 'everysec' | 'no';

export interface RedisOptions {
  appendfsync?: Appendfsync;
  /** Default: a free loopback port. */
  port?: number;
  /** Default: a fresh temp dir, removed by stop(). A dir passed in is never removed. */
  dir?: string;
  /** Extra command-line arguments, after the harness's own (so they win). */
  args?: string[];
}

export interface RedisProc {
  readonly port: number;
  readonly dir: string;
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  /** The running process's pid; undefined while it is down. */
  readonly pid: number | undefined;
  /** SIGKILL and wait for the exit: what the AOF holds afterwards is what a crash leaves. Keeps the dir. */
  kill9(): Promise<void>;
  /** SIGTERM (Redis fsyncs the AOF and exits) and wait for the exit. Keeps the dir, so restart() works. */
  shutdown(): Promise<void>;
  /** For good: SIGTERM, wait for the exit, remove the temp dir if the harness made it. Idempotent. */
  stop(): Promise<void>;
  /** Start again on the same port, dir and options after kill9() or shutdown(); resolves once loaded. */
  restart(): Promise<void>;
  /** The last lines of the server's log file, for failure messages. */
  logTail(lines?: number): string;
}

export interface RedisClusterOptions {
  appendfsync?: Appendfsync;
  args?: string[];
}

export interface RedisClusterProc {
  readonly nodes: RedisProc[];
  /** redis://127.0.0.1:PORT of the first node. */
  readonly url: string;
  /** Every node's address, as new Redis.Cluster(seeds) takes them. */
  readonly seeds: { host: string; port: number }[];
  stop(): Promise<void>;
  kill9All(): Promise<void>;
  /** Restarts every node that is down, then waits for cluster_state:ok on all of them. */
  restartAll(): Promise<void>;
  /** Resolves when every running node reports cluster_state:ok with all slots assigned and all nodes known. */
  waitOk(timeoutMs?: number): Promise<void>;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;
// A master that comes back waits out a rejoin delay (min(node-timeout, 5 s)) and, if it was marked FAIL, the
// others clear that only after 2 x node-timeout: 30 s covers both with room.
const CLUSTER_OK_TIMEOUT_MS = 30_000;
const NODE_TIMEOUT_MS = 5000;
const CLUSTER_BUS_OFFSET = 10_000;
const INSTALL_HINT = "install Debian's redis-server: apt-get install redis-server";

// Safety net: a test that throws before its afterAll, or a worker that exits early, must not leave servers
// holding ports (and temp dirs filling /tmp) for the rest of the run.
const live = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
let exitHooked = false;

function track(child: ChildProcess): void {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
      for (const d of ownedDirs) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

function onPath(cmd: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not in this dir
    }
  }
  return null;
}

let binaries: { server: string; cli: string; setpriv: string | null } | undefined;

function redisBinaries(): { server: string; cli: string; setpriv: string | null } {
  if (binaries === undefined) {
    const server = onPath('redis-server');
    const cli = onPath('redis-cli');
    if (server === null) throw new Error(`redis-server is not on PATH: ${INSTALL_HINT}`);
    if (cli === null) throw new Error(`redis-cli is not on PATH (it comes with redis-server): ${INSTALL_HINT}`);
    // The exit hook does not run when the test worker itself is SIGKILLed (vitest's timeout kill);
    // PR_SET_PDEATHSIG through util-linux's setpriv takes the servers down with it then. setpriv execs, so the
    // pid we hold is redis-server's own.
    binaries = { server, cli, setpriv: onPath('setpriv') };
  }
  return binaries;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function listenOnce(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(null));
    srv.listen(port, HOST, () => {
      const addr = srv.address() as net.AddressInfo;
      srv.close(() => resolve(addr.port));
    });
  });
}

/** A loopback port that was free a moment ago (the kernel's pick for port 0). */
export async function freePort(): Promise<number> {
  const p = await listenOnce(0);
  if (p === null) throw new Error('could not bind 127.0.0.1:0');
  return p;
}

/** A free port whose cluster bus port (port + 10000) is free and in range too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const p = await freePort();
    const bus = p + CLUSTER_BUS_OFFSET;
    if (bus > 65535 || taken.has(p) || taken.has(bus)) continue;
    if ((await listenOnce(bus)) === null) continue;
    return p;
  }
  throw new Error('no free port pair (port, port + 10000) on 127.0.0.1');
}

type Reply = string | number | null | Reply[];

/** Parses one RESP reply from buf at off; null when incomplete. Errors come back as an Error value. */
function parseReply(buf: Buffer, off: number): { value: Reply | Error; end: number } | null {
  const nl = buf.indexOf('\r\n', off);
  if (nl < 0) return null;
  const type = String.fromCharCode(buf[off]!);
  const line = buf.toString('utf8', off + 1, nl);
  switch (type) {
    case '+':
      return { value: line, end: nl + 2 };
    case '-':
      return { value: new Error(line), end: nl + 2 };
    case ':':
      return { value: Number(line), end: nl + 2 };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: nl + 2 };
      if (buf.length < nl + 2 + len + 2) return null;
      return { value: buf.toString('utf8', nl + 2, nl + 2 + len), end: nl + 2 + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: nl + 2 };
      const items: Reply[] = [];
      let end = nl + 2;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, end);
        if (item === null) return null;
        if (item.value instanceof Error) return item;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      return { value: new Error(`unexpected RESP reply type ${JSON.stringify(type)}`), end: buf.length };
  }
}

/**
 * One command on a fresh connection, no retries: for probing a server that may be down or loading, where
 * ioredis's reconnect and offline queue would only hide what state it is in. Rejects on a Redis error reply.
 */
export function redisCommand(port: number, args: string[], timeoutMs = 2000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: HOST, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => sock.destroy(new Error(`${args[0]} on ${HOST}:${port}: no reply in ${timeoutMs} ms`)), timeoutMs);
    const done = (err: Error | null, value?: Reply): void => {
      clearTimeout(timer);
      sock.destroy();
      if (err !== null) reject(err);
      else resolve(value ?? null);
    };
    sock.once('error', (err) => done(err));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const r = parseReply(buf, 0);
      if (r === null) return;
      if (r.value instanceof Error) done(r.value);
      else done(null, r.value);
    });
    sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

/** INFO-style "key:value" lines as a map. */
function infoFields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

interface ServerSpec {
  appendfsync: Appendfsync;
  args: string[];
  /** Extra arguments that depend on the port (the cluster's nodes conf file name). */
  portArgs?: (port: number, dir: string) => string[];
}

class RedisServer implements RedisProc {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private output = '';
  private gone = false;
  /** Set by the cluster: what "ready" means after a restart besides PING and loading:0. */
  afterRestart: (() => Promise<void>) | null = null;

  constructor(
    public port: number,
    readonly dir: string,
    private readonly ownsDir: boolean,
    private readonly spec: ServerSpec,
  ) {}

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  private argv(): string[] {
    return [
      '--port', String(this.port),
      '--bind', HOST,
      '--dir', this.dir,
      '--save', '',
      '--appendonly', 'yes',
      '--appendfsync', this.spec.appendfsync,
      '--protected-mode', 'no',
      '--daemonize', 'no',
      '--logfile', path.join(this.dir, 'redis.log'),
      ...(this.spec.portArgs?.(this.port, this.dir) ?? []),
      ...this.spec.args,
    ];
  }

  logTail(lines = 30): string {
    let log = '';
    try {
      log = fs.readFileSync(path.join(this.dir, 'redis.log'), 'utf8');
    } catch {
      // no log yet: the output below says why
    }
    const tail = log.trimEnd().split('\n').slice(-lines).join('\n');
    const out = this.output.trim();
    return [tail, out === '' ? '' : `(stdout/stderr) ${out}`].filter((s) => s !== '').join('\n');
  }

  /** Spawns the process and waits for PING and a finished AOF load. */
  async launch(): Promise<void> {
    if (this.gone) throw new Error(`redis on port ${this.port} was stopped for good (its dir is removed); start a new one`);
    if (this.child !== null) throw new Error(`redis on port ${this.port} is still running: kill9() or shutdown() it first`);
    const bin = redisBinaries();
    const argv = this.argv();
    const child =
      bin.setpriv === null
        ? spawn(bin.server, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(bin.setpriv, ['--pdeathsig', 'KILL', '--', bin.server, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.output = '';
    // Config errors are printed before the log file opens; keep the last few KB for the error message.
    const keep = (b: Buffer): void => {
      this.output = (this.output + b.toString()).slice(-4096);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exitNote: string | null = null;
    let spawnError: Error | null = null;
    child.once('error', (err) => (spawnError = err));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exitNote = signal !== null ? `killed by ${signal}` : `exited with code ${code}`;
        if (this.child === child) this.child = null;
        resolve();
      });
    });
    track(child);
    this.child = child;

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (spawnError !== null) {
        if (this.child === child) this.child = null;
        throw new Error(`could not start redis-server (${String(spawnError)}): ${INSTALL_HINT}`);
      }
      if (exitNote !== null) throw new Error(`redis-server on port ${this.port} ${exitNote} while starting:\n${this.logTail()}`);
      try {
        // PING answers -LOADING while the AOF replays, which rejects here and so keeps waiting. The pid check:
        // with a port taken, whoever holds it answers until our process has died of the bind error.
        if ((await redisCommand(this.port, ['PING'], 1000)) === 'PONG') {
          const info = infoFields(String(await redisCommand(this.port, ['INFO', 'server', 'persistence'], 1000)));
          if (info.get('process_id') === String(child.pid) && info.get('loading') === '0') return;
        }
      } catch {
        // not listening yet, or loading
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        await this.exited;
        throw new Error(`redis-server on port ${this.port} did not answer PING within ${START_TIMEOUT_MS} ms:\n${this.logTail()}`);
      }
      await sleep(25);
    }
  }

  private async signal(sig: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (child === null) return;
    child.kill(sig);
    const inTime = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!inTime) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }

  kill9(): Promise<void> {
    return this.signal('SIGKILL', 10_000);
  }

  shutdown(): Promise<void> {
    return this.signal('SIGTERM', 10_000);
  }

  async stop(): Promise<void> {
    await this.shutdown();
    this.gone = true;
    if (this.ownsDir) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      ownedDirs.delete(this.dir);
    }
  }

  async restart(): Promise<void> {
    await this.launch();
    if (this.afterRestart !== null) await this.afterRestart();
  }
}

function makeDir(dir: string | undefined): { dir: string; owns: boolean } {
  if (dir !== undefined) {
    fs.mkdirSync(dir, { recursive: true });
    return { dir, owns: false };
  }
  const made = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-redis-'));
  ownedDirs.add(made);
  return { dir: made, owns: true };
}

/**
 * Starts one server: launches it, and when the port was the harness's pick and someone else bound it in the
 * meantime, tries again on another.
 */
async function launchFresh(
  port: number | undefined,
  pickPort: () => Promise<number>,
  dirOpt: string | undefined,
  spec: ServerSpec,
): Promise<RedisServer> {
  redisBinaries();
  const { dir, owns } = makeDir(dirOpt);
  const server = new RedisServer(port ?? (await pickPort()), dir, owns, spec);
  for (let attempt = 1; ; attempt++) {
    try {
      await server.launch();
      return server;
    } catch (err) {
      const raced = port === undefined && attempt < 3 && /Address already in use/.test(String(err));
      if (!raced) {
        if (owns) {
          fs.rmSync(dir, { recursive: true, force: true });
          ownedDirs.delete(dir);
        }
        throw err;
      }
      server.port = await pickPort();
    }
  }
}

export async function startRedis(opts: RedisOptions = {}): Promise<RedisProc> {
  return launchFresh(opts.port, freePort, opts.dir, { appendfsync: opts.appendfsync ?? 'everysec', args: opts.args ?? [] });
}

function runCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(redisBinaries().cli, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`redis-cli ${args.join(' ')} failed (${err.message}):\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

async function clusterOk(port: number, nodeCount: number): Promise<string | null> {
  try {
    const info = infoFields(String(await redisCommand(port, ['CLUSTER', 'INFO'], 1000)));
    const ok =
      info.get('cluster_state') === 'ok' &&
      info.get('cluster_slots_assigned') === '16384' &&
      info.get('cluster_slots_ok') === '16384' &&
      info.get('cluster_known_nodes') === String(nodeCount);
    return ok ? null : `state=${info.get('cluster_state')} slots_ok=${info.get('cluster_slots_ok')} known=${info.get('cluster_known_nodes')}`;
  } catch (err) {
    return String(err);
  }
}

/** Three masters, slots split by redis-cli --cluster create, no replicas. */
export async function startRedisCluster(opts: RedisClusterOptions = {}): Promise<RedisClusterProc> {
  const spec: ServerSpec = {
    appendfsync: opts.appendfsync ?? 'everysec',
    args: opts.args ?? [],
    portArgs: (port, dir) => [
      '--cluster-enabled', 'yes',
      '--cluster-config-file', path.join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout', String(NODE_TIMEOUT_MS),
    ],
  };
  const taken = new Set<number>();
  const pick = async (): Promise<number> => {
    const p = await freeClusterPort(taken);
    taken.add(p).add(p + CLUSTER_BUS_OFFSET);
    return p;
  };
  const nodes: RedisServer[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  const waitOk = async (timeoutMs = CLUSTER_OK_TIMEOUT_MS): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(nodes.filter((n) => n.running).map(async (n) => ({ n, why: await clusterOk(n.port, nodes.length) })));
      const bad = states.filter((s) => s.why !== null);
      if (bad.length === 0) return;
      if (Date.now() > deadline) {
        const detail = bad.map((s) => `node ${s.n.port}: ${s.why}\n${s.n.logTail(10)}`).join('\n');
        throw new Error(`redis cluster not ok within ${timeoutMs} ms:\n${detail}`);
      }
      await sleep(100);
    }
  };
  try {
    for (let i = 0; i < 3; i++) nodes.push(await launchFresh(undefined, pick, undefined, spec));
    await runCli(['--cluster', 'create', ...nodes.map((n) => `${HOST}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await waitOk();
  } catch (err) {
    await stopAll();
    throw err;
  }
  // A node restarted alone is ready when the whole cluster is ok again, not merely when it answers PING.
  for (const n of nodes) n.afterRestart = () => waitOk();
  return {
    nodes,
    url: nodes[0]!.url,
    seeds: nodes.map((n) => ({ host: HOST, port: n.port })),
    stop: stopAll,
    async kill9All() {
      await Promise.all(nodes.map((n) => n.kill9()));
    },
    async restartAll() {
      // launch(), not restart(): each node's own wait for a whole ok cluster would need the others up already.
      await Promise.all(nodes.filter((n) => !n.running).map((n) => n.launch()));
      await waitOk();
    },
    waitOk,
  };
}
