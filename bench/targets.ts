/**
 * Servers under test, each in its own process: the floor (dist/bench/floor-server.js) and Nudge
 * (dist/src/cli/main.js serve, configured through NUDGE_* environment variables).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { distPath, repoPath } from './paths';
import { pinned } from './scale/pin';

export type TargetKind = 'floor' | 'nudge';

export interface TargetSpec {
  /** Label in results and charts, e.g. "floor" or "nudge". */
  readonly name: string;
  readonly kind: TargetKind;
  /** Extra environment (NUDGE_MODE, NUDGE_MAX_BATCH, NUDGE_NATIVE, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra node flags, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
  /** CPUs to start the process on (taskset -c, at the niceness set in scale/pin.ts); unpinned when absent. */
  readonly cpus?: readonly number[] | null;
  /** Package root to run from (a copy of the build, bench/scale/snapshot.ts); the tree itself by default. */
  readonly root?: string;
}

export interface RunningTarget {
  readonly name: string;
  readonly kind: TargetKind;
  readonly pid: number;
  readonly port: number;
  readonly address: string;
  /** Lines the process wrote (stdout and stderr), kept for memory logs and for failure reports. */
  readonly output: string[];
  readonly child: ChildProcess;
  close(): Promise<void>;
}

export const TARGET_DEFAULTS = Object.freeze({ startTimeoutMs: 30_000, maxOutputLines: 20_000 });

export function nudgeAvailable(): boolean {
  return fs.existsSync(distPath('src', 'cli', 'main.js')) && fs.existsSync(distPath('src', 'server', 'server.js'));
}

/** Finds the bound port in a log line: JSON with a numeric `port`, or text like "listening on 127.0.0.1:5051". */
export function parsePortLine(line: string): number | undefined {
  const t = line.trim();
  if (t.startsWith('{')) {
    try {
      const o = JSON.parse(t) as Record<string, unknown>;
      // Only the listening line: other lines carry ports too (the metrics listener, 9464 by default).
      const listening = typeof o.msg !== 'string' || /listening/i.test(o.msg) || o.event === 'listening';
      if (listening && typeof o.port === 'number' && o.port > 0) return o.port;
      if (typeof o.address === 'string') {
        const m = /:(\d+)$/.exec(o.address);
        if (m && /listen/i.test(t)) return Number(m[1]);
      }
    } catch {
      // not JSON after all: fall through to the text forms
    }
  }
  const m = /listen\w*\b.*?(?::|port\D{0,3})(\d{2,5})\b/i.exec(t);
  return m ? Number(m[1]) : undefined;
}

export function startTarget(spec: TargetSpec, env: Readonly<Record<string, string>> = {}): Promise<RunningTarget> {
  const dist = (...parts: string[]): string => (spec.root === undefined ? distPath(...parts) : path.join(spec.root, 'dist', ...parts));
  const script = spec.kind === 'floor' ? dist('bench', 'floor-server.js') : dist('src', 'cli', 'main.js');
  const args = spec.kind === 'floor' ? [script] : [script, 'serve'];
  // taskset and nice exec the command: the child's pid stays the node process's.
  const cmd = pinned(spec.cpus ?? null, process.execPath, [...(spec.nodeArgs ?? []), ...args]);
  const child = spawn(cmd.cmd, cmd.args, {
    cwd: spec.root ?? repoPath(),
    env: { ...process.env, NUDGE_LISTEN: '127.0.0.1:0', ...env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise<RunningTarget>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`${spec.name} did not report a port within ${TARGET_DEFAULTS.startTimeoutMs} ms`)), TARGET_DEFAULTS.startTimeoutMs);
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n--- ${spec.name} output ---\n${output.slice(-30).join('\n')}`));
    };
    const onLine = (line: string): void => {
      if (output.length < TARGET_DEFAULTS.maxOutputLines) output.push(line);
      if (settled) return;
      const port = parsePortLine(line);
      if (port === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        name: spec.name,
        kind: spec.kind,
        pid: child.pid ?? -1,
        port,
        address: `127.0.0.1:${port}`,
        output,
        child,
        close: () => stopChild(child),
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
    child.once('exit', (code, signal) => fail(new Error(`${spec.name} exited (${String(code ?? signal)}) before reporting a port`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
