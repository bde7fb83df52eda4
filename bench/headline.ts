/**
 * The headline figures of issue 16, each against the no-op grpc-js floor measured in the same run:
 *
 *  1. per-core saturated Decide/s: the server pinned to one core, the generator to another, closed
 *     loop (connections x streams in flight), ratio Nudge/floor (target >= 0.8);
 *  2. main-thread CPU microseconds per Decide (/proc, the same saturated runs), and split by
 *     component from one extra saturated round of each server under `node --cpu-prof`
 *     (bench/cpu-profile.ts); Nudge's own work = Nudge - floor (target <= ~10 us);
 *  3. p99 at 1,000 req/s, open loop, ratio Nudge/floor (target <= 1.25).
 *
 * Rounds alternate the order (floor first, then Nudge first, ...) after a warm-up of each server;
 * every figure is the median over the rounds with its min-max spread, ratios paired by round. The
 * servers run from a copy of the build (bench/scale/snapshot.ts) so that a rebuild of the tree during
 * the run does not change what is measured. Either generator drives the load: h2load (C, nghttp2) or
 * the project's own (bench/loadgen raw HTTP/2 client; bench/scale/closed.ts for the closed loop).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { attributeProfile, COMPONENTS, scaleToPerCall, topFunctions, type Component, type CpuProfile } from './cpu-profile';
import { h2loadVersion, readH2loadLog, runH2load } from './h2load';
import { runLoad } from './loadgen/driver';
import { grpcStatusName } from './loadgen/generator';
import { RawH2Connection } from './loadgen/h2raw';
import { DECIDE_PATH, encodeDecideRequests } from './loadgen/requests';
import { repoPath } from './paths';
import { mainThreadCpuMs, processCpuMs } from './proc';
import { MAIN_SCENARIO, requestsFor } from './scenarios';
import { runClosed } from './scale/closed';
import { pairedRatios, spread, type Spread } from './scale/figures';
import { mergeSlices, type SliceRun } from './headline-slices';
import { allowedCpus, pinSelf, planCpus, setNiceness, type CpuPlan } from './scale/pin';
import { distFingerprint, snapshotPackage, type Snapshot } from './scale/snapshot';
import type { RunningTarget, TargetSpec } from './targets';

export type GeneratorKind = 'h2load' | 'builtin';
export type HeadlineTarget = 'floor' | 'nudge';

export interface HeadlineSettings {
  readonly generator: GeneratorKind;
  readonly rounds: number;
  /** Closed loop: HTTP/2 connections and streams in flight on each. */
  readonly connections: number;
  readonly streams: number;
  readonly closedMs: number;
  readonly closedWarmupMs: number;
  /**
   * The saturated time of each server in a round, as this many runs alternating with the other's
   * (n f f n ...; bench/headline-slices.ts). The first slice gets closedWarmupMs, the others
   * SLICE_REWARM_MS to reconnect. 1: one run each.
   */
  readonly slices: number;
  readonly openRate: number;
  readonly openMs: number;
  readonly openWarmupMs: number;
  /** Closed-loop load each server gets after it starts, before any round (not recorded). */
  readonly serverWarmupMs: number;
  /** Measured window of the profiled round (it gets serverWarmupMs first too). */
  readonly profileMs: number;
  /** --cpu-prof-interval of the profiled servers, us. */
  readonly profileIntervalUs: number;
  /** Where to keep the .cpuprofile files; null: parsed, then deleted. */
  readonly keepProfilesIn: string | null;
  /** Niceness of the servers and of h2load (scale/pin.ts); 0 leaves them alone. */
  readonly priority: number;
  readonly targets: readonly HeadlineTarget[];
}

/** Closed-loop warm-up of every slice after a round's first: h2load's connections are new. */
export const SLICE_REWARM_MS = 200;

export const HEADLINE_TARGETS = Object.freeze({ perCoreRatio: 0.8, ownWorkUs: 10, p99Ratio: 1.25, p99AbsoluteMs: 10 });

export interface CpuReading {
  readonly processMs: number | null;
  readonly mainMs: number | null;
  /** performance.now() when read. */
  readonly at: number;
  /** process.hrtime in us (the clock of .cpuprofile timestamps). */
  readonly hrUs: number;
}

/** One saturated run of one server; SliceRun (bench/headline-slices.ts) has its figures. */
export interface SaturatedRun extends SliceRun {
  readonly target: HeadlineTarget;
  readonly generator: GeneratorKind;
}

export interface OpenRun {
  readonly target: HeadlineTarget;
  readonly generator: GeneratorKind;
  readonly rate: number;
  readonly durationMs: number;
  readonly requests: number;
  readonly achievedRate: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly errors: Record<string, number>;
  readonly serverNonOk: Record<string, number> | null;
  /** Builtin: how far behind its schedule the generator sent (p99, ms); h2load: not known. */
  readonly latenessP99Ms: number | null;
  readonly valid: boolean;
  readonly invalidReasons: string[];
  readonly serverCpuShare: number | null;
}

export interface HeadlineRound {
  readonly round: number;
  readonly order: HeadlineTarget[];
  readonly saturated: Partial<Record<HeadlineTarget, SaturatedRun>>;
  readonly open: Partial<Record<HeadlineTarget, OpenRun>>;
  readonly loadAverage: number[];
}

export interface ProfiledRound {
  readonly target: HeadlineTarget;
  readonly run: SaturatedRun;
  readonly samples: number;
  readonly busyMs: number;
  readonly idleMs: number;
  /** Share of the profiled main-thread time by component (sums to 1). */
  readonly shares: Record<Component, number>;
  /** shares x the round's /proc main-thread us per call. */
  readonly usPerCall: Record<Component, number>;
  /** Of "other": native time with no JS frame on the stack ("(program)"), share and us per call. */
  readonly programShare: number;
  readonly programUsPerCall: number;
  readonly top: { fn: string; url: string; component: string; us: number }[];
  readonly file: string | null;
}

export interface HeadlineFigures {
  readonly saturated: { floor: Spread | null; nudge: Spread | null; ratio: Spread | null };
  readonly perServerCpuSecond: { floor: Spread | null; nudge: Spread | null; ratio: Spread | null };
  readonly mainUsPerCall: { floor: Spread | null; nudge: Spread | null; own: Spread | null };
  readonly processUsPerCall: { floor: Spread | null; nudge: Spread | null };
  readonly components: { floor: Record<Component, number> | null; nudge: Record<Component, number> | null; own: Record<Component, number> | null } | null;
  readonly p99: { floor: Spread | null; nudge: Spread | null; ratio: Spread | null; includesInvalid: boolean; invalidRuns: number };
}

export type Verdict = 'target met' | 'MISSED' | 'not measured';

export interface HeadlineResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly settings: Omit<HeadlineSettings, 'keepProfilesIn'> & { readonly keepProfilesIn: string | null };
  readonly generatorVersion: string | null;
  readonly cpus: { readonly all: readonly number[]; readonly server: readonly number[]; readonly generator: readonly number[] };
  /** null when the run can be judged; otherwise why it is INVALID (no two cores to pin apart, ...). */
  readonly invalid: string | null;
  readonly build: { readonly newestMtime: string; readonly files: number; readonly rebuiltDuringRun: boolean };
  /** The one-call check, through the builtin gRPC-aware client, of the body every h2load request sends. */
  readonly bodyCheck: Partial<Record<HeadlineTarget, string>>;
  readonly rounds: HeadlineRound[];
  readonly profiled: Partial<Record<HeadlineTarget, ProfiledRound>>;
  readonly figures: HeadlineFigures;
  readonly verdicts: { readonly perCore: Verdict; readonly ownWork: Verdict; readonly p99: Verdict };
  readonly loadAverage: { readonly start: number[]; readonly end: number[] };
  readonly notes: string[];
}

export interface HeadlineHooks {
  start(spec: TargetSpec, env: Record<string, string>): Promise<RunningTarget>;
  stop(t: RunningTarget): Promise<void>;
  log(msg: string): void;
}

const loadAverage = (): number[] => os.loadavg().map((x) => Math.round(x * 100) / 100);
const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const r1 = (x: number): number => Math.round(x * 10) / 10;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const hrUs = (): number => Number(process.hrtime.bigint() / 1000n);

function reading(pid: number): CpuReading {
  return { processMs: processCpuMs(pid), mainMs: mainThreadCpuMs(pid), at: performance.now(), hrUs: hrUs() };
}

/** CPU shares and per-call figures of a window between two readings, for `okPerSecond` answers. */
export function cpuFigures(a: CpuReading | null, b: CpuReading | null, okPerSecond: number): Pick<SaturatedRun, 'serverCpuShare' | 'mainThreadShare' | 'mainUsPerCall' | 'processUsPerCall' | 'okPerServerCpuSecond' | 'window'> {
  if (!a || !b || b.at <= a.at) return { serverCpuShare: null, mainThreadShare: null, mainUsPerCall: null, processUsPerCall: null, okPerServerCpuSecond: null, window: null };
  const wall = b.at - a.at;
  const share = a.processMs !== null && b.processMs !== null ? (b.processMs - a.processMs) / wall : null;
  const main = a.mainMs !== null && b.mainMs !== null ? (b.mainMs - a.mainMs) / wall : null;
  const per = (s: number | null): number | null => (s === null || okPerSecond <= 0 ? null : r1((s * 1e6) / okPerSecond));
  return {
    serverCpuShare: share === null ? null : r3(share),
    mainThreadShare: main === null ? null : r3(main),
    mainUsPerCall: per(main),
    processUsPerCall: per(share),
    okPerServerCpuSecond: share && share > 0 ? Math.round(okPerSecond / share) : null,
    window: { fromHrUs: a.hrUs, toHrUs: b.hrUs },
  };
}

/** Nudge's Decide answers by gRPC status name from its Prometheus endpoint; null when unavailable. */
export async function decideCounts(metricsPort: number | null): Promise<Record<string, number> | null> {
  if (metricsPort === null) return null;
  try {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return null;
    return parseDecideCounts(await res.text());
  } catch {
    return null;
  }
}

/** `nudge_grpc_requests_total{method="Decide",code="OK"} 123` lines -> { OK: 123, ... }. */
export function parseDecideCounts(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('nudge_grpc_requests_total{')) continue;
    const m = /^nudge_grpc_requests_total\{([^}]*)\}\s+([\d.e+]+)/.exec(line);
    if (!m || !/method="Decide"/.test(m[1]!)) continue;
    const code = /code="([^"]*)"/.exec(m[1]!)?.[1] ?? '?';
    out[code] = (out[code] ?? 0) + Number(m[2]);
  }
  return out;
}

/** The non-OK Decide answers between two decideCounts readings, by status name; null when either is missing. */
export function nonOkDelta(a: Record<string, number> | null, b: Record<string, number> | null): Record<string, number> | null {
  if (!a || !b) return null;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(b)) {
    if (k === 'OK') continue;
    const d = v - (a[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

/** Nudge's metrics port, from its startup log line; null when metrics are off or not reported. */
export function metricsPortOf(t: RunningTarget): number | null {
  for (const line of t.output) {
    if (!line.startsWith('{') || !line.includes('metricsPort')) continue;
    try {
      const o = JSON.parse(line) as { metricsPort?: unknown };
      if (typeof o.metricsPort === 'number' && o.metricsPort > 0) return o.metricsPort;
    } catch {
      // not JSON
    }
  }
  return null;
}

/** One Decide of `body` through the builtin client: its grpc-status name ("OK" when it succeeded). */
export async function checkBody(address: string, body: Buffer): Promise<string> {
  const c = await RawH2Connection.connect(address, DECIDE_PATH);
  try {
    return await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('TIMEOUT'), 10_000);
      c.request(body, (status, transportError) => {
        clearTimeout(timer);
        resolve(transportError ?? grpcStatusName(status));
      });
    });
  } finally {
    c.close();
  }
}

/** Writes the one gRPC-framed DecideRequest (main scenario) every h2load request sends; returns its path. */
export function writeDecideBody(dir: string): string {
  const bodyFile = path.join(dir, 'decide-body.bin');
  fs.writeFileSync(bodyFile, encodeDecideRequests({ ...requestsFor(MAIN_SCENARIO), distinct: 1 })[0]!);
  return bodyFile;
}

interface Ctx {
  readonly s: HeadlineSettings;
  readonly plan: CpuPlan;
  readonly genCpus: readonly number[] | null;
  readonly bodyFile: string;
  readonly workDir: string;
}

/** Reads the server's CPU inside [from, to] (performance.now() times), 100 ms in from each edge. */
function windowReader(pid: number): { arm(fromPerf: number, toPerf: number): void; result(): [CpuReading | null, CpuReading | null]; cancel(): void } {
  let a: CpuReading | null = null;
  let b: CpuReading | null = null;
  const timers: NodeJS.Timeout[] = [];
  return {
    arm(from, to) {
      const inset = Math.min(100, (to - from) / 10);
      timers.push(setTimeout(() => (a = reading(pid)), from + inset - performance.now()));
      timers.push(setTimeout(() => (b ??= reading(pid)), to - inset - performance.now()));
    },
    result: () => [a, b],
    cancel: () => timers.forEach(clearTimeout),
  };
}

async function saturated(ctx: Ctx, t: RunningTarget, name: HeadlineTarget, durationMs: number, warmupMs: number): Promise<SaturatedRun> {
  const s = ctx.s;
  // Nudge's /metrics is read before and after the run, never during it: a scrape computes campaign
  // statistics on the main thread (hundreds of ms with 100 offers).
  const port = name === 'nudge' ? metricsPortOf(t) : null;
  const c0 = await decideCounts(port);
  const w = windowReader(t.pid);
  try {
    if (s.generator === 'builtin') {
      const r = await runClosed({
        target: t.address, connections: s.connections, depth: s.streams, processes: 1, cpus: ctx.genCpus, durationMs, warmupMs,
        requests: requestsFor(MAIN_SCENARIO),
        onStart: (atEpoch) => {
          const fromPerf = performance.now() + (atEpoch - Date.now()) + warmupMs;
          w.arm(fromPerf, fromPerf + durationMs);
        },
      });
      const [a, b] = w.result();
      const nonOk = nonOkDelta(c0, await decideCounts(port));
      return { target: name, generator: 'builtin', durationMs, okPerSecond: r.okPerSecond, completedPerSecond: r.completedPerSecond, errors: r.errors, serverNonOk: nonOk, latencyMs: { p50: r.latencyMs.p50, p99: r.latencyMs.p99 }, ...cpuFigures(a, b, r.okPerSecond) };
    }
    // h2load's warm-up begins as soon as it runs (it connects within milliseconds here).
    const fromPerf = performance.now() + 30 + warmupMs;
    w.arm(fromPerf, fromPerf + durationMs);
    const { summary } = await runH2load({ address: t.address, path: DECIDE_PATH, bodyFile: ctx.bodyFile, connections: s.connections, streams: s.streams, durationMs, warmupMs }, ctx.genCpus);
    const [a, b] = w.result();
    const nonOk = nonOkDelta(c0, await decideCounts(port));
    const okShare = summary.done > 0 ? summary.status['2xx'] / summary.done : 0;
    // h2load counts a gRPC error as an HTTP 200: take the server's own non-OK answers off, at their
    // average rate over the whole run (they are counted from before the warm-up to after the end).
    const nonOkRate = nonOk ? Object.values(nonOk).reduce((x, y) => x + y, 0) / ((durationMs + warmupMs) / 1000) : 0;
    const ok = Math.max(0, Math.round(summary.reqPerSecond * okShare - nonOkRate));
    const errors: Record<string, number> = {};
    for (const k of ['3xx', '4xx', '5xx'] as const) if (summary.status[k] > 0) errors[`HTTP_${k}`] = summary.status[k];
    if (summary.failed > 0) errors.FAILED = summary.failed;
    if (summary.errored > 0) errors.ERRORED = summary.errored;
    if (summary.timeout > 0) errors.TIMEOUT = summary.timeout;
    return { target: name, generator: 'h2load', durationMs, okPerSecond: ok, completedPerSecond: Math.round(summary.reqPerSecond), errors, serverNonOk: nonOk, latencyMs: null, ...cpuFigures(a, b, ok), h2load: summary };
  } finally {
    w.cancel();
  }
}

async function open(ctx: Ctx, t: RunningTarget, name: HeadlineTarget): Promise<OpenRun> {
  const s = ctx.s;
  const port = name === 'nudge' ? metricsPortOf(t) : null;
  const c0 = await decideCounts(port);
  const r0 = reading(t.pid);
  if (s.generator === 'builtin') {
    const sm = await runLoad({ target: t.address, rate: s.openRate, durationMs: s.openMs, warmupMs: s.openWarmupMs, connections: s.connections, drainMs: 3000, requests: requestsFor(MAIN_SCENARIO) });
    const r1v = reading(t.pid);
    return {
      target: name, generator: 'builtin', rate: s.openRate, durationMs: s.openMs, requests: sm.completed, achievedRate: Math.round(sm.achievedRate),
      p50Ms: sm.latencyMs.p50, p90Ms: sm.latencyMs.p90, p99Ms: sm.latencyMs.p99, p999Ms: sm.latencyMs.p999, maxMs: sm.latencyMs.max,
      errors: sm.errors, serverNonOk: nonOkDelta(c0, await decideCounts(port)), latenessP99Ms: sm.lateness.p99Ms, valid: sm.valid, invalidReasons: sm.invalidReasons,
      serverCpuShare: cpuFigures(r0, r1v, 1).serverCpuShare,
    };
  }
  const logFile = path.join(ctx.workDir, `h2load-${name}-${Date.now()}.tsv`);
  try {
    const { summary } = await runH2load({ address: t.address, path: DECIDE_PATH, bodyFile: ctx.bodyFile, connections: s.connections, streams: s.streams, durationMs: s.openMs, warmupMs: s.openWarmupMs, rate: s.openRate, logFile }, ctx.genCpus);
    const r1v = reading(t.pid);
    const log = readH2loadLog(logFile);
    const errors: Record<string, number> = {};
    for (const [k, v] of Object.entries(log.status)) if (!/^2\d\d$/.test(k)) errors[k === '-1' ? 'FAILED' : `HTTP_${k}`] = v;
    const invalidReasons: string[] = [];
    const sentRate = log.requests / (s.openMs / 1000);
    if (sentRate < 0.95 * s.openRate) invalidReasons.push(`h2load completed ${Math.round(sentRate)}/s < 95% of ${s.openRate}/s`);
    if (summary.non2xx > 0) invalidReasons.push(`${summary.non2xx} answers not HTTP 2xx`);
    return {
      target: name, generator: 'h2load', rate: s.openRate, durationMs: s.openMs, requests: log.requests, achievedRate: Math.round(sentRate),
      p50Ms: log.latencyMs.p50, p90Ms: log.latencyMs.p90, p99Ms: log.latencyMs.p99, p999Ms: log.latencyMs.p999, maxMs: log.latencyMs.max,
      errors, serverNonOk: nonOkDelta(c0, await decideCounts(port)), latenessP99Ms: null, valid: invalidReasons.length === 0, invalidReasons,
      serverCpuShare: cpuFigures(r0, r1v, 1).serverCpuShare,
    };
  } finally {
    fs.rmSync(logFile, { force: true });
  }
}

function describeSat(r: SaturatedRun): string {
  const nonOk = r.serverNonOk && Object.keys(r.serverNonOk).length ? `, server non-OK ${JSON.stringify(r.serverNonOk)}` : '';
  const errs = Object.keys(r.errors).length ? `, errors ${JSON.stringify(r.errors)}` : '';
  return `${r.target} saturated: ${r.okPerSecond}/s ok, main thread ${r.mainUsPerCall ?? '?'} us/call (share ${r.mainThreadShare ?? '?'}), process ${r.processUsPerCall ?? '?'} us/call (share ${r.serverCpuShare ?? '?'})${errs}${nonOk}`;
}

function describeOpen(r: OpenRun): string {
  return `${r.target} open ${r.rate}/s: p50 ${r.p50Ms} p99 ${r.p99Ms} max ${r.maxMs} ms, ${r.achievedRate}/s${r.latenessP99Ms !== null ? `, lateness p99 ${r.latenessP99Ms} ms` : ''}${Object.keys(r.errors).length ? `, errors ${JSON.stringify(r.errors)}` : ''}${r.valid ? '' : ` INVALID (${r.invalidReasons.join('; ')})`}`;
}

/** The figures of the rounds and the profiled round (pure: also used by tests). */
export function headlineFigures(rounds: readonly HeadlineRound[], profiled: Partial<Record<HeadlineTarget, ProfiledRound>>): HeadlineFigures {
  const of = <T>(f: (x: HeadlineRound) => T | null | undefined): (T | null)[] => rounds.map((x) => f(x) ?? null);
  const sat = (t: HeadlineTarget, f: (r: SaturatedRun) => number | null): (number | null)[] => of((x) => (x.saturated[t] ? f(x.saturated[t]!) : null));
  const ok = (r: SaturatedRun): number => r.okPerSecond;
  const perCpu = (r: SaturatedRun): number | null => r.okPerServerCpuSecond;
  const main = (r: SaturatedRun): number | null => r.mainUsPerCall;
  const diffs = (a: (number | null)[], b: (number | null)[]): number[] => a.flatMap((x, i) => (x !== null && b[i] !== null && b[i] !== undefined ? [r1(x - b[i]!)] : []));
  const opens = rounds.flatMap((x) => Object.values(x.open).filter((o): o is OpenRun => o !== undefined));
  const invalidRuns = opens.filter((o) => !o.valid).length;
  const bothValid = (['floor', 'nudge'] as const).every((t) => opens.some((o) => o.target === t && o.valid));
  const p99 = (t: HeadlineTarget): (number | null)[] => of((x) => {
    const o = x.open[t];
    return o && (o.valid || !bothValid) ? o.p99Ms : null;
  });
  const f = profiled.floor?.usPerCall ?? null;
  const n = profiled.nudge?.usPerCall ?? null;
  const own = f && n ? (Object.fromEntries(COMPONENTS.map((c) => [c, r1(n[c] - f[c])])) as Record<Component, number>) : null;
  const roundRec = (x: Record<Component, number> | null): Record<Component, number> | null => (x ? (Object.fromEntries(COMPONENTS.map((c) => [c, r1(x[c])])) as Record<Component, number>) : null);
  return {
    saturated: { floor: spread(sat('floor', ok)), nudge: spread(sat('nudge', ok)), ratio: spread(pairedRatios(sat('nudge', ok), sat('floor', ok))) },
    perServerCpuSecond: { floor: spread(sat('floor', perCpu)), nudge: spread(sat('nudge', perCpu)), ratio: spread(pairedRatios(sat('nudge', perCpu), sat('floor', perCpu))) },
    mainUsPerCall: { floor: spread(sat('floor', main)), nudge: spread(sat('nudge', main)), own: spread(diffs(sat('nudge', main), sat('floor', main))) },
    processUsPerCall: { floor: spread(sat('floor', (r) => r.processUsPerCall)), nudge: spread(sat('nudge', (r) => r.processUsPerCall)) },
    components: f || n ? { floor: roundRec(f), nudge: roundRec(n), own } : null,
    p99: { floor: spread(p99('floor')), nudge: spread(p99('nudge')), ratio: spread(pairedRatios(p99('nudge'), p99('floor'))), includesInvalid: !bothValid && invalidRuns > 0, invalidRuns },
  };
}

export function headlineVerdicts(f: HeadlineFigures): HeadlineResult['verdicts'] {
  const v = (x: number | undefined, ok: (x: number) => boolean): Verdict => (x === undefined ? 'not measured' : ok(x) ? 'target met' : 'MISSED');
  return {
    perCore: v(f.saturated.ratio?.median, (x) => x >= HEADLINE_TARGETS.perCoreRatio),
    ownWork: v(f.mainUsPerCall.own?.median, (x) => x <= HEADLINE_TARGETS.ownWorkUs),
    p99: v(f.p99.ratio?.median, (x) => x <= HEADLINE_TARGETS.p99Ratio),
  };
}

async function waitForFile(file: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (fs.existsSync(file)) {
      // Written at exit in one go; wait until its size stops changing.
      const a = fs.statSync(file).size;
      await sleep(100);
      if (fs.statSync(file).size === a && a > 0) return true;
    } else await sleep(100);
  }
  return false;
}

/** Nudge's settings in the profiled round: shedding off, so that the split is of answered calls only. */
export const PROFILED_NUDGE_ENV: Readonly<Record<string, string>> = Object.freeze({ NUDGE_MAX_LAG_MS: '0' });

/** Starts `name` under --cpu-prof, warms it up, measures one saturated window, stops it and attributes the profile. */
async function profiledRound(ctx: Ctx, hooks: HeadlineHooks, spec: (nodeArgs: string[]) => TargetSpec, env: Record<string, string>, name: HeadlineTarget, profDir: string): Promise<ProfiledRound> {
  const file = path.join(profDir, `${name}-${Date.now()}.cpuprofile`);
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${path.basename(file)}`, `--cpu-prof-interval=${ctx.s.profileIntervalUs}`];
  const t = await hooks.start(spec(nodeArgs), env);
  let run: SaturatedRun;
  try {
    await saturated(ctx, t, name, ctx.s.serverWarmupMs, 0);
    run = await saturated(ctx, t, name, ctx.s.profileMs, ctx.s.closedWarmupMs);
  } finally {
    await hooks.stop(t);
  }
  if (!(await waitForFile(file, 15_000))) throw new Error(`${name} wrote no CPU profile (${file})`);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const from = run.window?.fromHrUs ?? -Infinity;
  const to = run.window?.toHrUs ?? Infinity;
  const times = attributeProfile(profile, from, to);
  if (times.samples === 0) throw new Error(`${name}'s CPU profile has no samples in the measured window (clock mismatch?)`);
  const shares = Object.fromEntries(COMPONENTS.map((c) => [c, times.busyUs > 0 ? r3(times.us[c] / times.busyUs) : 0])) as Record<Component, number>;
  const usPerCall = run.mainUsPerCall === null ? (Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Record<Component, number>) : scaleToPerCall(times, run.mainUsPerCall);
  let kept: string | null = null;
  if (ctx.s.keepProfilesIn !== null) {
    fs.mkdirSync(ctx.s.keepProfilesIn, { recursive: true });
    kept = path.join(ctx.s.keepProfilesIn, path.basename(file));
    fs.copyFileSync(file, kept);
  }
  fs.rmSync(file, { force: true });
  const programShare = times.busyUs > 0 ? times.programUs / times.busyUs : 0;
  return { target: name, run, samples: times.samples, busyMs: Math.round(times.busyUs / 1000), idleMs: Math.round(times.idleUs / 1000), shares, usPerCall, programShare: r3(programShare), programUsPerCall: r1(programShare * (run.mainUsPerCall ?? 0)), top: topFunctions(profile, from, to, 20), file: kept };
}

/**
 * Runs the headline measurement. `nudgeEnv` points Nudge at a bench work directory (bench/workdir.ts,
 * bench-100 campaign with the demo features); `workDir` holds the request body and h2load logs.
 */
export async function runHeadline(s: HeadlineSettings, nudgeEnv: Readonly<Record<string, string>>, workDir: string, hooks: HeadlineHooks): Promise<HeadlineResult> {
  const startedAt = new Date().toISOString();
  const load0 = loadAverage();
  const notes: string[] = [];
  const plan = planCpus(1);
  const invalidReasons: string[] = [];
  if (plan.invalid !== null) invalidReasons.push(plan.invalid);
  const generatorVersion = s.generator === 'h2load' ? h2loadVersion() : 'bench/loadgen (raw HTTP/2)';
  if (s.generator === 'h2load' && generatorVersion === null) throw new Error('h2load is not installed (Debian/Ubuntu: apt-get install nghttp2-client); use --generator builtin');
  if (s.rounds < 3) notes.push(`${s.rounds} round(s): the figures need at least three alternating rounds to be read as medians.`);
  const serverCpus = plan.invalid === null ? [plan.server[0]!] : null;
  const genCpus = plan.invalid === null ? plan.gen : null;
  const original = allowedCpus();
  // The open-loop generator is forked by this process and inherits its CPUs: the generator's.
  pinSelf(genCpus, notes);
  setNiceness(s.priority);
  const bodyFile = writeDecideBody(workDir);
  const ctx: Ctx = { s, plan, genCpus, bodyFile, workDir };
  let snap: Snapshot | null = null;
  const rounds: HeadlineRound[] = [];
  const profiled: Partial<Record<HeadlineTarget, ProfiledRound>> = {};
  const bodyCheck: Partial<Record<HeadlineTarget, string>> = {};
  const live = new Set<RunningTarget>();
  const start = async (spec: TargetSpec, env: Record<string, string>): Promise<RunningTarget> => {
    const t = await hooks.start(spec, env);
    live.add(t);
    return t;
  };
  const stop = async (t: RunningTarget): Promise<void> => {
    live.delete(t);
    await hooks.stop(t);
  };
  const specOf = (name: HeadlineTarget, nodeArgs: string[] = []): TargetSpec => ({ name, kind: name, env: MAIN_SCENARIO.env, nodeArgs, cpus: serverCpus, root: snap!.root });
  const envOf = (name: HeadlineTarget): Record<string, string> => (name === 'nudge' ? { ...nudgeEnv } : {});
  // The profiler slows the server enough for admission to shed, and refused calls would then be
  // charged to the answered ones: the profiled round serves every call (PROFILED_NUDGE_ENV).
  const profiledEnvOf = (name: HeadlineTarget): Record<string, string> => (name === 'nudge' ? { ...nudgeEnv, ...PROFILED_NUDGE_ENV } : {});
  try {
    snap = snapshotPackage();
    hooks.log(`headline: generator ${s.generator}${generatorVersion ? ` ${generatorVersion}` : ''}; servers on CPU ${serverCpus?.join(',') ?? 'any'}, generator on CPU ${genCpus?.join(',') ?? 'any'}${plan.invalid ? ` — INVALID: ${plan.invalid}` : ''}`);
    const servers: Partial<Record<HeadlineTarget, RunningTarget>> = {};
    for (const name of s.targets) servers[name] = await start(specOf(name), envOf(name));
    const body = fs.readFileSync(bodyFile);
    for (const name of s.targets) {
      bodyCheck[name] = await checkBody(servers[name]!.address, body);
      if (bodyCheck[name] !== 'OK') throw new Error(`Decide of the request body on ${name} answered ${bodyCheck[name]}, not OK: h2load's counts would mean nothing`);
    }
    for (const name of s.targets) {
      hooks.log(`headline: warming up ${name} (${s.serverWarmupMs} ms saturated)`);
      await saturated(ctx, servers[name]!, name, s.serverWarmupMs, 0);
    }
    for (let r = 0; r < s.rounds; r++) {
      const order = (r % 2 === 0 ? [...s.targets] : [...s.targets].reverse()) as HeadlineTarget[];
      const round: HeadlineRound = { round: r + 1, order, saturated: {}, open: {}, loadAverage: [] };
      const slices: Partial<Record<HeadlineTarget, SaturatedRun[]>> = {};
      for (let k = 0; k < s.slices; k++) {
        for (const name of k % 2 === 0 ? order : [...order].reverse()) {
          const t = servers[name]!;
          if (t.child.exitCode !== null) throw new Error(`${name} exited during the run:\n${t.output.slice(-20).join('\n')}`);
          (slices[name] ??= []).push(await saturated(ctx, t, name, s.closedMs / s.slices, k === 0 ? s.closedWarmupMs : SLICE_REWARM_MS));
        }
      }
      for (const name of order) {
        const x = mergeSlices(slices[name]!);
        round.saturated[name] = x;
        hooks.log(`headline r${r + 1} ${describeSat(x)}${s.slices > 1 ? ` (${s.slices} slices)` : ''}`);
      }
      for (const name of order) {
        const x = await open(ctx, servers[name]!, name);
        round.open[name] = x;
        hooks.log(`headline r${r + 1} ${describeOpen(x)}`);
      }
      rounds.push({ ...round, loadAverage: loadAverage() });
    }
    for (const name of s.targets) await stop(servers[name]!);
    const profDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-headline-prof-'));
    try {
      for (const name of s.targets) {
        hooks.log(`headline: profiled round of ${name} (node --cpu-prof, ${s.profileMs} ms saturated)`);
        try {
          profiled[name] = await profiledRound(ctx, { ...hooks, start, stop }, (nodeArgs) => specOf(name, nodeArgs), profiledEnvOf(name), name, profDir);
          const p = profiled[name]!;
          hooks.log(`headline profile ${name}: ${p.samples} samples, ${describeSat(p.run)}; shares ${COMPONENTS.map((c) => `${c} ${(p.shares[c] * 100).toFixed(1)}%`).join(', ')}`);
        } catch (err) {
          notes.push(`profiled round of ${name} failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
          hooks.log(notes[notes.length - 1]!);
        }
      }
    } finally {
      fs.rmSync(profDir, { recursive: true, force: true });
    }
  } finally {
    for (const t of [...live]) await stop(t).catch(() => undefined);
    setNiceness(0);
    pinSelf(original, notes);
  }
  const fp = snap?.fingerprint ?? { newestMtime: '?', files: 0 };
  let rebuiltDuringRun = false;
  try {
    const now = distFingerprint(repoPath());
    rebuiltDuringRun = now.newestMtime !== fp.newestMtime || now.files !== fp.files;
  } catch {
    // no dist in cwd: cannot tell
  }
  snap?.remove();
  if (rebuiltDuringRun) notes.push('The tree was rebuilt during the run; the servers ran the copy taken at the start.');
  for (const p of Object.values(profiled)) {
    if (!p?.run.serverNonOk) continue;
    const shed = Object.values(p.run.serverNonOk).reduce((a, b) => a + b, 0);
    const answered = p.run.okPerSecond * ((s.profileMs + s.closedWarmupMs) / 1000);
    if (shed > 0.01 * answered) notes.push(`The profiled ${p.target} round answered ${shed} calls non-OK (${JSON.stringify(p.run.serverNonOk)}) although it ran with shedding off: its split charges their cost to the OK calls.`);
  }
  const figures = headlineFigures(rounds, profiled);
  if (figures.p99.invalidRuns > 0) {
    notes.push(
      figures.p99.includesInvalid
        ? `${figures.p99.invalidRuns} open-loop run(s) INVALID and a target had no valid one: the p99 figures include INVALID runs.`
        : `${figures.p99.invalidRuns} open-loop run(s) INVALID (generator behind its schedule): left out of the p99 figures.`,
    );
  }
  const shed = rounds.flatMap((x) => Object.values(x.saturated)).filter((x) => x && x.serverNonOk && Object.keys(x.serverNonOk).length > 0);
  if (shed.length > 0 && s.generator === 'h2load') notes.push(`Nudge answered non-OK gRPC statuses during ${shed.length} saturated run(s) (its /metrics; h2load counts them as HTTP 200): see serverNonOk in the JSON.`);
  const lowCpu = rounds.flatMap((x) => Object.values(x.saturated)).filter((x) => x && x.serverCpuShare !== null && x.serverCpuShare < 0.9);
  if (lowCpu.length > 0) notes.push(`${lowCpu.length} saturated run(s) where the server process used under 0.9 of its core: the generator did not saturate it, or other work on the machine took the core (see "Decide/s per second of server CPU").`);
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    settings: { ...s },
    generatorVersion,
    cpus: { all: plan.all, server: serverCpus ?? plan.all, generator: genCpus ?? plan.all },
    invalid: invalidReasons.length ? invalidReasons.join('; ') : null,
    build: { ...fp, rebuiltDuringRun },
    bodyCheck,
    rounds,
    profiled,
    figures,
    verdicts: headlineVerdicts(figures),
    loadAverage: { start: load0, end: loadAverage() },
    notes,
  };
}
