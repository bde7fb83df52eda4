import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { DecisionServiceClient } from '../../src/generated/nudge/v1/DecisionService';
import { packageRoot, loadNudgeProto } from '../../src/proto';
import { RestartBackoff, SHUTDOWN_MARGIN_MS } from '../../src/server/supervisor';
import { startRedis, type RedisProc } from '../support/redis';
import { call, campaignFile, tempDir, waitFor, writeCampaigns } from './helpers';

const MAIN = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const SHUTDOWN_TIMEOUT_MS = 2000;

type LogRecord = Record<string, unknown> & { msg?: string; pid?: number };

interface Primary {
  readonly proc: ChildProcess;
  /** Every JSON line on stdout so far (the primary's and the children's logs). */
  readonly logs: LogRecord[];
  /** stderr, for failure messages. */
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
const childPids: number[] = [];

/** Spawns `nudge serve` (a primary when NUDGE_PROCESSES > 1); does not wait for anything. */
function spawnServe(env: Record<string, string>): Primary {
  const proc = spawn(process.execPath, [MAIN, 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      NUDGE_LISTEN: '127.0.0.1:0',
      NUDGE_METRICS_LISTEN: 'off',
      NUDGE_DEMO: '0',
      NUDGE_MODE: 'inline',
      NUDGE_SEED: '7',
      NUDGE_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(proc);
  const logs: LogRecord[] = [];
  let stderr = '';
  proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
    try {
      const rec = JSON.parse(line) as LogRecord;
      logs.push(rec);
      // Children of a primary this test kills with -9 exit on their own (IPC closed); kept to make sure.
      if (typeof rec['pids'] === 'object') childPids.push(...(rec['pids'] as number[]));
      if (typeof rec['childPid'] === 'number') childPids.push(rec['childPid']);
    } catch {
      // not a log line
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, logs, stderr: () => stderr, exited };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(() => {
  for (const p of started.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const pid of childPids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** The first log record matching `pred`, waiting up to timeoutMs (fails early if the process exits). */
async function logLine(p: Primary, pred: (r: LogRecord) => boolean, timeoutMs = 20_000): Promise<LogRecord> {
  let gone = false;
  void p.exited.then(() => (gone = true));
  const end = Date.now() + timeoutMs;
  for (;;) {
    const hit = p.logs.find(pred);
    if (hit !== undefined) return hit;
    if (gone || Date.now() > end) {
      throw new Error(`no such log line (${gone ? 'process exited' : 'timed out'}):\n${p.logs.map((l) => l.msg).join('\n')}\n${p.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const isListening = (r: LogRecord): boolean => typeof r.msg === 'string' && r.msg.startsWith('nudge listening on');

/**
 * A client on its own connection: grpc-js shares one subchannel (one TCP connection) between clients
 * of the same target unless told not to, and the cluster spreads connections, not calls.
 */
function ownConnection(address: string): DecisionServiceClient {
  const proto = loadNudgeProto();
  return new proto.nudge.v1.DecisionService(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
}

/** One Decide on a fresh connection; resolves with its decision id. */
async function decideOnce(address: string, customerId: string): Promise<string> {
  const c = ownConnection(address);
  try {
    const d = await call<object, DecideResponse__Output>(c.Decide.bind(c), { campaign: 'procs', customerId }, { deadline: Date.now() + 5000 });
    return d.decisionId;
  } finally {
    c.close();
  }
}

/** The pid of the process that logged the debug "call" line of this decision. */
function pidOfDecision(p: Primary, decisionId: string): Promise<number> {
  return logLine(p, (r) => r.msg === 'call' && r['decisionId'] === decisionId, 5000).then((r) => r.pid!);
}

describe('NUDGE_PROCESSES: options', () => {
  it('refuses N > 1 with the embedded lmdb store, naming NUDGE_STORE=redis://, before touching the data dir', async () => {
    const dataDir = tempDir('procs-lmdb');
    // Demo on: the refusal must come before the demo feature load writes anything.
    const p = spawnServe({ NUDGE_PROCESSES: '2', NUDGE_STORE: 'lmdb', NUDGE_DATA_DIR: dataDir, NUDGE_DEMO: '1' });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.stderr()).toContain('NUDGE_PROCESSES=2 needs a shared store');
    expect(p.stderr()).toContain('NUDGE_STORE=redis://');
    expect(p.logs.some(isListening)).toBe(false);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  }, 20_000);

  it('restart backoff: 100 ms doubling to 5 s, back to 100 ms after a child ran 10 s', () => {
    const b = new RestartBackoff();
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(() => b.next(50))).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(b.next(10_000)).toBe(100);
    expect(b.next(9_999)).toBe(200);
  });
});

describe('NUDGE_PROCESSES=2 on a Redis store', () => {
  let redis: RedisProc;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function startPrimary(env: Record<string, string> = {}): Promise<{ p: Primary; address: string; port: number; pids: number[] }> {
    const campaignsDir = tempDir('procs-campaigns');
    writeCampaigns(campaignsDir, [campaignFile('procs', ['a', 'b', 'c'])]);
    const p = spawnServe({
      NUDGE_PROCESSES: '2',
      NUDGE_STORE: redis.url,
      NUDGE_DATA_DIR: tempDir('procs-data'),
      NUDGE_CAMPAIGNS: campaignsDir,
      // Debug: each child logs a "call" line per Decide with its decision id and pid.
      NUDGE_LOG_LEVEL: 'debug',
      ...env,
    });
    const line = await logLine(p, isListening);
    return { p, address: line['address'] as string, port: line['port'] as number, pids: line['pids'] as number[] };
  }

  it('logs one "nudge listening on" line once both children listen on the one port, and both answer Decide', async () => {
    const { p, address, port, pids } = await startPrimary();
    expect(port).toBeGreaterThan(0);
    expect(address).toBe(`127.0.0.1:${port}`);
    const primaryLine = p.logs.find(isListening)!;
    expect(primaryLine['processes']).toBe(2);
    expect(primaryLine.pid).toBe(p.proc.pid);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(p.proc.pid);
    expect(p.logs.filter(isListening)).toHaveLength(1);
    for (const i of [0, 1]) {
      const child = await logLine(p, (r) => r.msg === `process ${i} listening on ${address}`);
      expect(child['port']).toBe(port);
      expect(child['processIndex']).toBe(i);
      expect(pids).toContain(child.pid);
    }

    // Connections go to the children in turn (round robin in the primary): a few fresh ones reach both.
    const answered = new Set<number>();
    for (let i = 0; i < 12 && answered.size < 2; i++) answered.add(await pidOfDecision(p, await decideOnce(address, `c${i}`)));
    expect([...answered].sort()).toEqual([...pids].sort());

    p.proc.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  }, 40_000);

  it('restarts a child killed with -9 on the same port, and Decide keeps answering', async () => {
    const { p, address, pids } = await startPrimary();
    const [victim, survivor] = pids as [number, number];
    process.kill(victim, 'SIGKILL');
    const died = await logLine(p, (r) => r['childPid'] === victim && r['signal'] === 'SIGKILL');
    expect(died.msg).toMatch(/^process [01] exited \(signal SIGKILL\); restarting in \d+ ms$/);

    // While the victim is down (and after it is back), new connections reach a live child.
    for (let i = 0; i < 4; i++) await decideOnce(address, `during${i}`);
    const index = died['processIndex'] as number;
    const restarted = await logLine(p, (r) => r.msg === `process ${index} restarted`);
    const fresh = restarted['childPid'] as number;
    expect(fresh).not.toBe(victim);
    expect(fresh).not.toBe(survivor);
    expect(alive(survivor)).toBe(true);
    expect(p.logs.filter(isListening)).toHaveLength(1);

    // The restarted child serves on the same port.
    const answered = new Set<number>();
    for (let i = 0; i < 12 && !answered.has(fresh); i++) answered.add(await pidOfDecision(p, await decideOnce(address, `after${i}`)));
    expect(answered.has(fresh)).toBe(true);
    expect([...answered].every((pid) => pid === fresh || pid === survivor)).toBe(true);

    p.proc.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  }, 40_000);

  it('SIGTERM on the primary drains both children; all exit 0 within the bound', async () => {
    const { p, address, pids } = await startPrimary();
    await decideOnce(address, 'before');
    const t0 = Date.now();
    p.proc.kill('SIGTERM');
    const { code } = await p.exited;
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(SHUTDOWN_TIMEOUT_MS + SHUTDOWN_MARGIN_MS);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    for (const i of [0, 1]) expect(p.logs.some((r) => r.msg === `process ${i} exited (code 0)`)).toBe(true);
    expect(p.logs.some((r) => r.msg === 'all processes exited' && r['clean'] === true)).toBe(true);
    // Nothing is listening on the port any more.
    const port = Number(address.split(':')[1]);
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect(port, '127.0.0.1');
          s.once('connect', () => (s.destroy(), resolve(false)));
          s.once('error', () => resolve(true));
        }),
      5000,
    );
  }, 40_000);

  it('a child that cannot start fails the whole start (non-zero exit, no listening line)', async () => {
    // The port is taken, so both children fail to bind.
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const p = spawnServe({
        NUDGE_PROCESSES: '2',
        NUDGE_STORE: redis.url,
        NUDGE_DATA_DIR: tempDir('procs-data'),
        NUDGE_CAMPAIGNS: tempDir('procs-campaigns'),
        NUDGE_LISTEN: `127.0.0.1:${taken}`,
      });
      const { code } = await p.exited;
      expect(code).toBe(1);
      expect(p.stderr()).toMatch(/process [01] exited \(code 1\) before every process listened/);
      expect(p.logs.some(isListening)).toBe(false);
    } finally {
      blocker.close();
    }
  }, 30_000);
});
