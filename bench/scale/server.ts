/**
 * A Nudge server of the scale benchmark: `dist/src/cli/main.js serve` configured by NUDGE_* variables,
 * optionally pinned to CPUs, ready once it logged "nudge listening on" (with NUDGE_PROCESSES=N the
 * primary logs that line, with the children's pids, only after every child listens). CPU time is the
 * sum over the primary and its serving children (/proc).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoPath } from '../paths';
import { processCpuMs } from '../proc';
import { pinned } from './pin';

export interface BenchServer {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** The primary (or only) process. */
  readonly pid: number;
  /** Serving children of a NUDGE_PROCESSES > 1 primary (empty otherwise). */
  readonly childPids: readonly number[];
  readonly cpus: readonly number[] | null;
  readonly output: string[];
  alive(): boolean;
  /** CPU time (ms) of the primary and its children, or null when /proc has none of them. */
  cpuMs(): number | null;
  /** CPU time (ms) of each serving process (the children, or the one process). */
  perProcessCpuMs(): (number | null)[];
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const MAX_LINES = 5000;

/** `root`: the package the server runs from (a snapshot.ts copy, or the tree itself). */
export function startNudge(
  name: string,
  env: Readonly<Record<string, string>>,
  cpus: readonly number[] | null,
  nodeArgs: readonly string[] = [],
  root: string = repoPath(),
): Promise<BenchServer> {
  const extra = (process.env.NUDGE_BENCH_NODE_ARGS ?? '').split(' ').filter((x) => x !== '');
  const p = pinned(cpus, process.execPath, [...extra, ...nodeArgs, path.join(root, 'dist', 'src', 'cli', 'main.js'), 'serve']);
  const child = spawn(p.cmd, p.args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  // NUDGE_BENCH_SERVER_LOG=<dir>: keep each server's stdout and stderr there (e.g. with NUDGE_BENCH_NODE_ARGS=--trace-gc).
  const logDir = process.env.NUDGE_BENCH_SERVER_LOG;
  if (logDir) {
    fs.mkdirSync(logDir, { recursive: true });
    const file = fs.createWriteStream(path.join(logDir, `${name}-${child.pid ?? 'x'}.log`));
    child.stdout?.pipe(file);
    child.stderr?.pipe(file);
  }
  const pid = child.pid ?? -1;
  let childPids: number[] = [];
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const close = async (): Promise<void> => {
    if (alive()) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    // Children exit with their primary (IPC closed); any left over are ours, by pid.
    for (const c of childPids) {
      try {
        process.kill(c, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  return new Promise<BenchServer>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void close().then(() => reject(new Error(`${err.message}\n--- ${name} output ---\n${output.slice(-30).join('\n')}`)));
    };
    const timer = setTimeout(() => fail(new Error(`${name} did not listen within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onLine = (line: string): void => {
      if (output.length < MAX_LINES) output.push(line);
      if (settled || !line.startsWith('{')) return;
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof rec.msg !== 'string' || !rec.msg.startsWith('nudge listening on') || typeof rec.port !== 'number') return;
      settled = true;
      clearTimeout(timer);
      childPids = Array.isArray(rec.pids) ? (rec.pids as number[]).filter((x) => typeof x === 'number') : [];
      const port = rec.port;
      const serving = childPids.length > 0 ? childPids : [pid];
      resolve({
        name,
        address: `127.0.0.1:${port}`,
        port,
        pid,
        childPids,
        cpus,
        output,
        alive,
        cpuMs: () => {
          const xs = [pid, ...childPids].map(processCpuMs).filter((x): x is number => x !== null);
          return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0);
        },
        perProcessCpuMs: () => serving.map(processCpuMs),
        close,
      });
    };
    for (const s of [child.stdout, child.stderr]) {
      let buf = '';
      s.setEncoding('utf8');
      s.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
    }
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`${name} exited (${String(code ?? signal)}) before listening`)));
  });
}
