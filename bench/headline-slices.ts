/**
 * A round's saturated figure of one server, from several short runs that alternate with the other
 * server's (bench/headline.ts, `slices`): n f f n n f f n ... On this shared machine the speed of the
 * core drifts over seconds. One 4 s run of each server put Nudge and the floor in different weather:
 * two `--quick` runs five minutes apart gave +6.8 and +19.5 us of own work. Interleaved slices see
 * nearly the same machine, as `bench/ab.ts`'s pairs do.
 *
 * The merged run is what one run over the slices' summed time would have measured: answers per
 * second weighted by duration, CPU shares weighted by each window's wall time, CPU per call as total
 * CPU over total answers.
 */
import type { H2loadSummary } from './h2load';
import { round } from './scale/figures';

/** The figures of one saturated run (bench/headline.ts SaturatedRun adds which server and generator). */
export interface SliceRun {
  readonly durationMs: number;
  /** Successful Decide answers per second (builtin: grpc-status 0; h2load: HTTP 2xx). */
  readonly okPerSecond: number;
  readonly completedPerSecond: number;
  /** Builtin: by grpc-status name; h2load: by HTTP class and failed streams. */
  readonly errors: Record<string, number>;
  /** Decide answers that were not OK by the server's own counters (Nudge's /metrics, read before and after the run: warm-up included). */
  readonly serverNonOk: Record<string, number> | null;
  /** Latency of the closed loop (builtin only; h2load's are in its report). */
  readonly latencyMs: { readonly p50: number; readonly p99: number } | null;
  /** Server CPU / wall time over the window: whole process, and its main thread. 1 = one core. */
  readonly serverCpuShare: number | null;
  readonly mainThreadShare: number | null;
  /** Main-thread and whole-process CPU microseconds per successful answer. */
  readonly mainUsPerCall: number | null;
  readonly processUsPerCall: number | null;
  /** Successful answers per second of server CPU time: the figure corrected for CPU the core gave elsewhere. */
  readonly okPerServerCpuSecond: number | null;
  readonly window: { readonly fromHrUs: number; readonly toHrUs: number } | null;
  readonly h2load?: H2loadSummary;
}


function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function sumH2load(runs: readonly SliceRun[]): H2loadSummary | undefined {
  const all = runs.map((r) => r.h2load);
  if (all.some((s) => s === undefined)) return undefined;
  const s = all as H2loadSummary[];
  const sum = (f: (x: H2loadSummary) => number): number => s.reduce((acc, x) => acc + f(x), 0);
  const ms = runs.reduce((acc, r) => acc + r.durationMs, 0);
  return {
    reqPerSecond: round(runs.reduce((acc, r, i) => acc + s[i]!.reqPerSecond * r.durationMs, 0) / ms, 1),
    total: sum((x) => x.total),
    done: sum((x) => x.done),
    succeeded: sum((x) => x.succeeded),
    failed: sum((x) => x.failed),
    errored: sum((x) => x.errored),
    timeout: sum((x) => x.timeout),
    status: { '2xx': sum((x) => x.status['2xx']), '3xx': sum((x) => x.status['3xx']), '4xx': sum((x) => x.status['4xx']), '5xx': sum((x) => x.status['5xx']) },
    non2xx: sum((x) => x.non2xx),
  };
}

/** One run from the slices of one server in one round (in time order). */
export function mergeSlices<T extends SliceRun>(runs: readonly T[]): T {
  if (runs.length === 0) throw new RangeError('mergeSlices needs at least one run');
  if (runs.length === 1) return runs[0]!;
  const ms = runs.reduce((acc, r) => acc + r.durationMs, 0);
  const perSecond = (f: (r: T) => number): number => Math.round(runs.reduce((acc, r) => acc + f(r) * r.durationMs, 0) / ms);
  const errors: Record<string, number> = {};
  for (const r of runs) addCounts(errors, r.errors);
  let nonOk: Record<string, number> | null = null;
  for (const r of runs) if (r.serverNonOk !== null) addCounts((nonOk ??= {}), r.serverNonOk);
  const okPerSecond = perSecond((r) => r.okPerSecond);
  // CPU: every slice needs its reading, or the merged figure would describe part of the time only.
  const withCpu = runs.every((r) => r.window !== null && r.serverCpuShare !== null && r.mainThreadShare !== null);
  let cpu: Pick<SliceRun, 'serverCpuShare' | 'mainThreadShare' | 'mainUsPerCall' | 'processUsPerCall' | 'okPerServerCpuSecond' | 'window'> = {
    serverCpuShare: null,
    mainThreadShare: null,
    mainUsPerCall: null,
    processUsPerCall: null,
    okPerServerCpuSecond: null,
    window: null,
  };
  if (withCpu) {
    let wall = 0;
    let proc = 0;
    let main = 0;
    let calls = 0;
    for (const r of runs) {
      const w = (r.window!.toHrUs - r.window!.fromHrUs) / 1e6;
      wall += w;
      proc += r.serverCpuShare! * w;
      main += r.mainThreadShare! * w;
      calls += r.okPerSecond * w;
    }
    cpu = {
      serverCpuShare: round(proc / wall, 3),
      mainThreadShare: round(main / wall, 3),
      mainUsPerCall: calls > 0 ? round((main * 1e6) / calls, 1) : null,
      processUsPerCall: calls > 0 ? round((proc * 1e6) / calls, 1) : null,
      okPerServerCpuSecond: proc > 0 ? Math.round(calls / proc) : null,
      window: { fromHrUs: runs[0]!.window!.fromHrUs, toHrUs: runs[runs.length - 1]!.window!.toHrUs },
    };
  }
  const h2load = sumH2load(runs);
  return {
    ...runs[0]!,
    durationMs: ms,
    okPerSecond,
    completedPerSecond: perSecond((r) => r.completedPerSecond),
    errors,
    serverNonOk: nonOk,
    // Closed-loop percentiles of separate runs do not merge; the headline does not report them.
    latencyMs: null,
    ...cpu,
    ...(h2load !== undefined ? { h2load } : {}),
  };
}
