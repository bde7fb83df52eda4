/**
 * Runs a load in one or more generator processes (never in the caller's event loop), merges their
 * histograms and judges whether the generator kept up.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import { distPath } from '../paths';
import { encodeHistogram, mergeEncoded, percentilesMs } from './histogram';
import { LOAD_DEFAULTS, type ChildMessage, type LoadOptions, type LoadSummary, type ParentMessage, type RawLoadResult } from './types';

export interface DriverOptions {
  /** Generator processes sharing the rate; each gets rate/processes and its own connections. */
  readonly processes: number;
  /** Run is invalid when the generator's p99 lateness exceeds this (ms). */
  readonly maxLatenessP99Ms: number;
  /** Run is invalid when the achieved send rate is below this share of the offered rate. */
  readonly minSendShare: number;
  /**
   * Scheduling priority of generator processes (os.setPriority; negative = favoured). On a machine the
   * client shares with the server, a starved generator would measure its own delays; favouring it keeps
   * the schedule. Needs privileges: silently left at the default when refused.
   */
  readonly priority: number;
}

export const DRIVER_DEFAULTS: Readonly<DriverOptions> = Object.freeze({ processes: 1, maxLatenessP99Ms: 1, minSendShare: 0.95, priority: -5 });

export type LoadRequest = Pick<LoadOptions, 'target' | 'rate'> & Partial<LoadOptions>;

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(v: T): void;
  reject(e: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // observed by the caller; a failure before anyone awaits is not "unhandled"
  return { promise, resolve, reject };
}

function startChild(options: LoadOptions, priority: number): { child: ChildProcess; ready: Promise<void>; result: Promise<RawLoadResult> } {
  const child = fork(distPath('bench', 'loadgen', 'child.js'), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = deferred<void>();
  const result = deferred<RawLoadResult>();
  const fail = (e: Error): void => {
    ready.reject(e);
    result.reject(e);
  };
  child.on('message', (m: ChildMessage) => {
    if (m.type === 'ready') ready.resolve();
    else if (m.type === 'result') result.resolve(m.result);
    else fail(new Error(`load generator failed: ${m.error}`));
  });
  // Settling an already settled promise is a no-op, so this only matters when no result came.
  child.on('exit', (code) => fail(new Error(`load generator exited with code ${String(code)} before reporting`)));
  if (priority !== 0 && child.pid !== undefined) {
    try {
      os.setPriority(child.pid, priority);
    } catch {
      // not permitted: the run's lateness figures will show whether it mattered
    }
  }
  const msg: ParentMessage = { type: 'options', options };
  child.send(msg);
  return { child, ready: ready.promise, result: result.promise };
}

/** Runs the load and returns the merged, judged summary. */
export async function runLoad(request: LoadRequest, driver: Partial<DriverOptions> = {}): Promise<LoadSummary> {
  const d: DriverOptions = { ...DRIVER_DEFAULTS, ...driver };
  if (!Number.isInteger(d.processes) || d.processes <= 0) throw new RangeError('options.processes must be a positive integer');
  const base: LoadOptions = { ...LOAD_DEFAULTS, ...request };
  const perRate = base.rate / d.processes;
  const children = Array.from({ length: d.processes }, (_, k) =>
    startChild({
      ...base,
      rate: perRate,
      connections: Math.max(1, Math.round(base.connections / d.processes)),
      // Process k sends the k-th of every `processes` consecutive slots of the overall schedule.
      phaseOffsetMs: base.phaseOffsetMs + (k * 1000) / base.rate,
      requests: { ...base.requests, seed: (base.requests.seed ?? 42) + k },
    }, d.priority),
  );
  try {
    await Promise.all(children.map((c) => c.ready));
    const start: ParentMessage = { type: 'start', startAtEpochMs: Date.now() + 100 };
    for (const c of children) c.child.send(start);
    const results = await Promise.all(children.map((c) => c.result));
    return summarize(results, base, d);
  } finally {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  }
}

export function summarize(results: readonly RawLoadResult[], o: Pick<LoadOptions, 'rate' | 'durationMs' | 'warmupMs' | 'connections'>, d: DriverOptions = DRIVER_DEFAULTS): LoadSummary {
  const sum = (f: (r: RawLoadResult) => number): number => results.reduce((a, r) => a + f(r), 0);
  const errors: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
  const hs = mergeEncoded(results.map((r) => r.histograms.fromScheduled));
  const hk = mergeEncoded(results.map((r) => r.histograms.okFromScheduled));
  const ha = mergeEncoded(results.map((r) => r.histograms.fromSent));
  const hl = mergeEncoded(results.map((r) => r.histograms.lateness));
  const latencyMs = percentilesMs(hs);
  const latencyOkMs = percentilesMs(hk);
  const latencyFromSentMs = percentilesMs(ha);
  const late = percentilesMs(hl);
  const histograms = { fromScheduled: encodeHistogram(hs), okFromScheduled: encodeHistogram(hk), fromSent: encodeHistogram(ha), lateness: encodeHistogram(hl) };
  for (const h of [hs, hk, ha, hl]) h.destroy();
  const scheduled = sum((r) => r.scheduled);
  const sent = sum((r) => r.sent);
  const completed = sum((r) => r.completed);
  const ok = sum((r) => r.ok);
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  const sendWindow = Math.max(...results.map((r) => r.sendWindowMs));
  const completeWindow = Math.max(...results.map((r) => r.completeWindowMs));
  const achievedSendRate = sent / (sendWindow / 1000);
  const achievedRate = completed / (completeWindow / 1000);
  const cpuMs = sum((r) => r.cpuUserMs + r.cpuSystemMs);
  const wallMs = Math.max(...results.map((r) => r.wallMs));
  const invalidReasons: string[] = [];
  if (late.p99 > d.maxLatenessP99Ms) invalidReasons.push(`generator p99 lateness ${late.p99} ms > ${d.maxLatenessP99Ms} ms`);
  if (achievedSendRate < d.minSendShare * o.rate) {
    invalidReasons.push(`achieved send rate ${achievedSendRate.toFixed(0)}/s < ${Math.round(d.minSendShare * 100)}% of ${o.rate}/s`);
  }
  if (errors.CLIENT_DROPPED) invalidReasons.push(`${errors.CLIENT_DROPPED} requests dropped by the generator's in-flight bound`);
  const round = (x: number, k = 1): number => Math.round(x * k) / k;
  return {
    offeredRate: o.rate,
    processes: results.length,
    connections: o.connections,
    durationMs: o.durationMs,
    warmupMs: o.warmupMs,
    scheduled,
    sent,
    completed,
    ok,
    errors,
    errorRate: scheduled > 0 ? errorCount / scheduled : 0,
    achievedSendRate: round(achievedSendRate),
    achievedRate: round(achievedRate),
    latencyMs,
    latencyOkMs,
    latencyFromSentMs,
    lateness: { p99Ms: late.p99, p999Ms: late.p999, maxMs: late.max },
    generator: { cpuMs: round(cpuMs), wallMs: round(wallMs), cpuShare: round(cpuMs / Math.max(1, wallMs), 1000) },
    localQueueMax: sum((r) => r.localQueueMax),
    valid: invalidReasons.length === 0,
    invalidReasons,
    histograms,
  };
}
