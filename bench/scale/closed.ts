/**
 * Closed-loop load (saturated throughput): one or more generator processes (closed-child.ts), each
 * pinned to the generator's CPUs, sharing the connections; merged into one summary. The server's CPU
 * time over the measured window is read here, so "per core" can be checked against what it used.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { distPath } from '../paths';
import { mergeEncoded, percentilesMs } from '../loadgen/histogram';
import type { Percentiles } from '../loadgen/types';
import type { ClosedChildMessage, ClosedOptions, ClosedParentMessage, ClosedRawResult } from './closed-child';
import { pinned } from './pin';

export interface ClosedSummary {
  readonly connections: number;
  readonly inFlight: number;
  readonly processes: number;
  readonly durationMs: number;
  /** OK answers per second over the measured window: the figure. */
  readonly okPerSecond: number;
  readonly completedPerSecond: number;
  readonly errors: Record<string, number>;
  readonly errorRate: number;
  readonly latencyMs: Percentiles;
  /** Generator CPU time / window, summed over its processes (1 = one core busy). */
  readonly generatorCpuShare: number;
  /** Server CPU time / window (all its processes), when a reader was given. */
  readonly serverCpuShare: number | null;
}

export interface ClosedRun extends Omit<ClosedOptions, 'connections'> {
  readonly connections: number;
  readonly processes: number;
  readonly cpus: readonly number[] | null;
  /** CPU time (ms) of the server, read at the window's start and end. */
  readonly serverCpuMs?: () => number | null;
  /** Told when the generators start (epoch ms; the measured window begins warmupMs later). */
  readonly onStart?: (startAtEpochMs: number) => void;
}

function startChild(o: ClosedOptions, cpus: readonly number[] | null): { child: ChildProcess; ready: Promise<void>; result: Promise<ClosedRawResult> } {
  const p = pinned(cpus, process.execPath, [distPath('bench', 'scale', 'closed-child.js')]);
  const child = spawn(p.cmd, p.args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let readyRes!: () => void;
  let resultRes!: (r: ClosedRawResult) => void;
  let rej!: (e: Error) => void;
  let rej2!: (e: Error) => void;
  const ready = new Promise<void>((res, r) => {
    readyRes = res;
    rej = r;
  });
  const result = new Promise<ClosedRawResult>((res, r) => {
    resultRes = res;
    rej2 = r;
  });
  ready.catch(() => {});
  result.catch(() => {});
  const fail = (e: Error): void => {
    rej(e);
    rej2(e);
  };
  child.on('message', (m: ClosedChildMessage) => {
    if (m.type === 'ready') readyRes();
    else if (m.type === 'result') resultRes(m.result);
    else fail(new Error(`closed-loop generator failed: ${m.error}`));
  });
  child.on('exit', (code) => fail(new Error(`closed-loop generator exited (${String(code)}) before reporting`)));
  child.on('error', fail);
  const msg: ClosedParentMessage = { type: 'options', options: o };
  child.send(msg);
  return { child, ready, result };
}

export async function runClosed(r: ClosedRun): Promise<ClosedSummary> {
  const n = Math.max(1, Math.min(r.processes, r.connections));
  const per = Array.from({ length: n }, (_, k) => Math.floor(r.connections / n) + (k < r.connections % n ? 1 : 0));
  const children = per.map((connections, k) =>
    startChild({ target: r.target, connections, depth: r.depth, warmupMs: r.warmupMs, durationMs: r.durationMs, requests: { ...r.requests, seed: (r.requests.seed ?? 42) + k } }, r.cpus),
  );
  try {
    await Promise.all(children.map((c) => c.ready));
    const startAt = Date.now() + 100;
    // Server CPU read at the window's start and end (or as soon after as this process gets to it: a
    // late timer only shifts the window, the share divides by the time between the two reads).
    type Reading = { cpuMs: number; at: number } | null;
    const cpu: { s0: Reading; s1: Reading } = { s0: null, s1: null };
    const readNow = (): Reading => {
      const v = r.serverCpuMs?.() ?? null;
      return v === null ? null : { cpuMs: v, at: performance.now() };
    };
    const t0 = setTimeout(() => (cpu.s0 = readNow()), startAt - Date.now() + r.warmupMs);
    const t1 = setTimeout(() => (cpu.s1 ??= readNow()), startAt - Date.now() + r.warmupMs + r.durationMs);
    r.onStart?.(startAt);
    const start: ClosedParentMessage = { type: 'start', startAtEpochMs: startAt };
    for (const c of children) c.child.send(start);
    let results: ClosedRawResult[];
    try {
      results = await Promise.all(children.map((c) => c.result));
    } finally {
      clearTimeout(t0);
      clearTimeout(t1);
    }
    cpu.s1 ??= readNow();
    const sum = (f: (x: ClosedRawResult) => number): number => results.reduce((a, x) => a + f(x), 0);
    const errors: Record<string, number> = {};
    for (const x of results) for (const [k, v] of Object.entries(x.errors)) errors[k] = (errors[k] ?? 0) + v;
    const h = mergeEncoded(results.map((x) => x.latency));
    const latencyMs = percentilesMs(h);
    h.destroy();
    const sec = r.durationMs / 1000;
    const completed = sum((x) => x.completed);
    const serverCpuShare = cpu.s0 && cpu.s1 && cpu.s1.at > cpu.s0.at ? Math.round(((cpu.s1.cpuMs - cpu.s0.cpuMs) / (cpu.s1.at - cpu.s0.at)) * 1000) / 1000 : null;
    return {
      connections: r.connections,
      inFlight: r.connections * r.depth,
      processes: n,
      durationMs: r.durationMs,
      okPerSecond: Math.round(sum((x) => x.ok) / sec),
      completedPerSecond: Math.round(completed / sec),
      errors,
      errorRate: completed > 0 ? (completed - sum((x) => x.ok)) / completed : 0,
      latencyMs,
      generatorCpuShare: Math.round((sum((x) => x.cpuMs) / r.durationMs) * 1000) / 1000,
      serverCpuShare,
    };
  } finally {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  }
}
