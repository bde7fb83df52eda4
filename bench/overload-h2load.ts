/**
 * The overload check of issue 16 driven by h2load (bench/overload.ts --generator h2load): Nudge pinned
 * to CPU 0, h2load and everything this process forks pinned to CPU 1 (bench/scale/pin.ts).
 *
 * 1. Nudge (defaults, inline unless NUDGE_MODE says, metrics on) from a copy of the build, warmed up
 *    by a saturated h2load closed loop.
 * 2. Capacity: saturated OK Decide/s, h2load closed loop (4 connections x 16 streams), after its own
 *    warm-up; h2load's req/s times the server's OK share of the calls (h2load counts a gRPC refusal
 *    as HTTP 200). Skipped with --capacity.
 * 3. Overload: h2load open loop at factor x capacity with 100 streams per connection allowed (so that
 *    h2load is not what limits the load) and, at the same time, a gRPC-aware probe at a low rate
 *    (bench/loadgen, one connection) that times every call from when it was due: its OK p50/p99/max
 *    are what a real client sees. The server's own Decide counters (Nudge's /metrics, read before
 *    and after, never during a run: a scrape costs the main thread) give the accepted rate and the
 *    shed share of all calls; h2load's log gives its completed rate and its p99 over all answers.
 * 4. --compare: the same overload with queueing-delay shedding off (NUDGE_MAX_LAG_MS=0), and with
 *    NUDGE_MAX_CONCURRENT_STREAMS low (refusing at the HTTP/2 level: the server advertises fewer
 *    streams and the clients queue the rest themselves).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { h2loadVersion, readH2loadLog, runH2load } from './h2load';
import { checkBody, decideCounts, metricsPortOf, nonOkDelta, writeDecideBody } from './headline';
import { runLoad } from './loadgen/driver';
import { DECIDE_PATH } from './loadgen/requests';
import { processCpuMs, readRssMb, rssSampler } from './proc';
import { MAIN_SCENARIO, requestsFor } from './scenarios';
import { allowedCpus, pinSelf, planCpus } from './scale/pin';
import { snapshotPackage, type Snapshot } from './scale/snapshot';
import { startTarget, type RunningTarget } from './targets';

export const OVERLOAD_GOAL = Object.freeze({ acceptedP99Ms: 10, minAnsweredShare: 0.95 });

/** h2load's open loop runs this much longer than the probe, so that the probe's window lies inside the overload. */
const TAIL_MS = 1000;

export interface H2OverloadSettings {
  readonly factor: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Given capacity (req/s); null: measured. */
  readonly capacity: number | null;
  readonly capacityMs: number;
  readonly serverWarmupMs: number;
  /** h2load's connections, in the closed loop and the overload. */
  readonly connections: number;
  /** Streams per connection of the capacity closed loop. */
  readonly capacityStreams: number;
  /** Streams per connection h2load may keep in flight in the overload. */
  readonly streams: number;
  readonly probeRate: number;
  readonly compare: boolean;
  /** NUDGE_MAX_CONCURRENT_STREAMS of the HTTP/2-level variant. */
  readonly compareStreams: number;
}

export interface ServerShares {
  /** Decide answers by status name between the two readings. */
  readonly counts: Record<string, number>;
  readonly ok: number;
  readonly shed: number;
  /** Answers neither OK nor RESOURCE_EXHAUSTED. */
  readonly other: number;
  readonly total: number;
  readonly okShare: number;
  readonly shedShare: number;
  readonly otherShare: number;
  readonly windowMs: number;
  readonly acceptedRate: number;
  readonly shedRate: number;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const loadAverage = (): number[] => os.loadavg().map((x) => Math.round(x * 100) / 100);

/** Nudge's Decide counters before and after a run of `windowMs` -> OK and shed counts, shares and rates; null without both readings. */
export function serverShares(before: Record<string, number> | null, after: Record<string, number> | null, windowMs: number): ServerShares | null {
  const nonOk = nonOkDelta(before, after);
  if (!before || !after || !nonOk) return null;
  const ok = Math.max(0, (after.OK ?? 0) - (before.OK ?? 0));
  const counts: Record<string, number> = { ...(ok > 0 ? { OK: ok } : {}), ...nonOk };
  const shed = nonOk.RESOURCE_EXHAUSTED ?? 0;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const other = total - ok - shed;
  const share = (x: number): number => (total > 0 ? r3(x / total) : 0);
  const rate = (x: number): number => (windowMs > 0 ? Math.round((x * 1000) / windowMs) : 0);
  return { counts, ok, shed, other, total, okShare: share(ok), shedShare: share(shed), otherShare: share(other), windowMs: Math.round(windowMs), acceptedRate: rate(ok), shedRate: rate(shed) };
}

/** Saturated OK Decide/s: h2load's req/s (every answer is an HTTP 200 to it) times the server's OK share. */
export function capacityFrom(h2loadReqPerSecond: number, shares: ServerShares | null): number {
  return Math.round(h2loadReqPerSecond * (shares && shares.total > 0 ? shares.ok / shares.total : 1));
}

/** factor x capacity, rounded to a multiple of `connections` (h2load's --rps is per connection), at least one per connection. */
export function overloadRate(capacity: number, factor: number, connections: number): number {
  if (!(capacity > 0) || !(factor > 0)) throw new RangeError('capacity and factor must be positive numbers');
  if (!Number.isInteger(connections) || connections <= 0) throw new RangeError('connections must be a positive integer');
  return Math.max(1, Math.round((capacity * factor) / connections)) * connections;
}

export interface GoalInput {
  /** The probe's OK answers and their p99 (from when each was due), ms. */
  readonly probeOk: number;
  readonly probeOkP99Ms: number;
  /** Requests h2load completed / requests its schedule offered. */
  readonly h2loadAnsweredShare: number;
  /** h2load's failed streams (resets, connection errors). */
  readonly h2loadFailed: number;
  readonly server: ServerShares | null;
}

/** Issue 16's goal: accepted p99 <= 10 ms while the excess is answered (RESOURCE_EXHAUSTED), not held or dropped. */
export function overloadGoal(g: GoalInput): { met: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (g.probeOk === 0) reasons.push('the probe got no OK answer');
  else if (g.probeOkP99Ms > OVERLOAD_GOAL.acceptedP99Ms) reasons.push(`accepted p99 ${g.probeOkP99Ms} ms > ${OVERLOAD_GOAL.acceptedP99Ms} ms (probe)`);
  if (g.h2loadAnsweredShare < OVERLOAD_GOAL.minAnsweredShare) {
    reasons.push(`h2load got answers to ${Math.round(g.h2loadAnsweredShare * 100)}% of its offered calls (< ${OVERLOAD_GOAL.minAnsweredShare * 100}%): the excess waited at the client instead of being answered`);
  }
  if (g.h2loadFailed > 0) reasons.push(`${g.h2loadFailed} h2load streams failed`);
  if (g.server === null) reasons.push('the server counters could not be read: whether the excess was answered RESOURCE_EXHAUSTED is not known');
  else if (g.server.other > 0) reasons.push(`the server answered ${g.server.other} calls with other statuses (${JSON.stringify(g.server.counts)})`);
  return { met: reasons.length === 0, reasons };
}

interface VariantSpec {
  readonly key: string;
  readonly label: string;
  readonly env: Record<string, string>;
  readonly meaning: string;
}

export function variantsOf(s: Pick<H2OverloadSettings, 'compare' | 'compareStreams'>): VariantSpec[] {
  const v: VariantSpec[] = [{ key: 'overload', label: 'defaults', env: {}, meaning: 'the server defaults: admission plus queueing-delay shedding (NUDGE_MAX_LAG_MS=5)' }];
  if (!s.compare) return v;
  v.push({ key: 'overloadWithoutLagShedding', label: 'NUDGE_MAX_LAG_MS=0', env: { NUDGE_MAX_LAG_MS: '0' }, meaning: 'queueing-delay shedding off: only the admission bound (NUDGE_MAX_QUEUE) refuses' });
  v.push({
    key: 'overloadMaxStreams',
    label: `NUDGE_MAX_CONCURRENT_STREAMS=${s.compareStreams}`,
    env: { NUDGE_MAX_CONCURRENT_STREAMS: String(s.compareStreams) },
    meaning:
      `the server advertises ${s.compareStreams} streams per connection (HTTP/2 SETTINGS): a client does not open more, it queues them itself, so the excess is delayed at the client, ` +
      'not answered RESOURCE_EXHAUSTED. h2load times a call from when its stream was submitted (not from when it was due) and stops submitting at -m in flight, ' +
      "so its p99 hides most of that wait and its completed rate falls short of the offered one; the probe's figures, timed from when each call was due, include the wait.",
  });
  return v;
}

export interface OverloadContext {
  readonly s: H2OverloadSettings;
  readonly nudgeEnv: Readonly<Record<string, string>>;
  readonly workDir: string;
  readonly log: (msg: string) => void;
}

/** Runs the h2load overload check (and its comparisons) and returns the JSON document. */
export async function runH2loadOverload(ctx: OverloadContext): Promise<Record<string, unknown>> {
  const { s, log } = ctx;
  const version = h2loadVersion();
  if (version === null) throw new Error('h2load is not installed (Debian/Ubuntu: apt-get install nghttp2-client); use --generator builtin');
  const startedAt = new Date().toISOString();
  const load0 = loadAverage();
  const plan = planCpus(1);
  const serverCpus = plan.invalid === null ? [plan.server[0]!] : null;
  const genCpus = plan.invalid === null ? plan.gen : null;
  const notes: string[] = [];
  const original = allowedCpus();
  const env = { ...ctx.nudgeEnv, NUDGE_MODE: process.env.NUDGE_MODE ?? 'inline' };
  const out: Record<string, unknown> = {
    generator: 'h2load',
    generatorVersion: version,
    mode: env.NUDGE_MODE,
    startedAt,
    cores: os.availableParallelism(),
    cpus: { all: plan.all, server: serverCpus ?? plan.all, generator: genCpus ?? plan.all },
    invalid: plan.invalid,
    loadAverageAtStart: load0,
    settings: { ...s },
    goal: { acceptedP99Ms: OVERLOAD_GOAL.acceptedP99Ms, excess: 'answered RESOURCE_EXHAUSTED' },
  };
  log(`overload (h2load ${version}): server on CPU ${serverCpus?.join(',') ?? 'any'}, h2load and probe on CPU ${genCpus?.join(',') ?? 'any'}${plan.invalid ? ` — INVALID: ${plan.invalid}` : ''}`);
  // The probe is forked by this process and inherits its CPUs: the generator's.
  pinSelf(genCpus, notes);
  const live = new Set<RunningTarget>();
  const onSignal = (sig: NodeJS.Signals): void => {
    for (const t of live) t.child.kill('SIGKILL');
    process.stderr.write(`[overload] ${sig}: stopped the servers\n`);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let snap: Snapshot | null = null;
  try {
    snap = snapshotPackage();
    const bodyFile = writeDecideBody(ctx.workDir);
    const body = fs.readFileSync(bodyFile);
    let capacity = s.capacity;
    const bodyCheck: Record<string, string> = {};
    for (const v of variantsOf(s)) {
      const t = await startTarget({ name: `nudge-${v.key}`, kind: 'nudge', cpus: serverCpus, root: snap.root }, { ...env, ...v.env });
      live.add(t);
      try {
        bodyCheck[v.key] = await checkBody(t.address, body);
        if (bodyCheck[v.key] !== 'OK') throw new Error(`Decide of the request body answered ${bodyCheck[v.key]}, not OK: h2load's counts would mean nothing`);
        if (metricsPortOf(t) === null) notes.push(`${v.key}: no metrics port in the server's log: accepted and shed counts unknown`);
        // A fresh process compiles its hot paths during the first seconds of traffic: not measured.
        await runH2load({ address: t.address, path: DECIDE_PATH, bodyFile, connections: s.connections, streams: s.capacityStreams, durationMs: s.serverWarmupMs, warmupMs: 0 }, genCpus);
        if (capacity === null) {
          const c = await capacityRun(t, s, bodyFile, genCpus);
          out.capacityRun = c;
          capacity = c.capacity;
          log(`capacity: ${c.capacity} OK Decide/s (h2load ${c.h2loadReqPerSecond} req/s, server OK share ${c.server?.okShare ?? '?'})`);
          if (capacity <= 0) throw new Error('the capacity run got no OK answer');
        }
        out.capacity = capacity;
        const rate = overloadRate(capacity, s.factor, s.connections);
        out.offeredRate = rate;
        const run = await overloadRun(t, rate, s, bodyFile, ctx.workDir, genCpus);
        // What the overload left of the capacity: refusals cost the server's core too.
        const acceptedVsCapacity = run.server ? r3(run.server.acceptedRate / capacity) : null;
        const r = { label: v.label, env: v.env, meaning: v.meaning, capacity, acceptedVsCapacity, ...run };
        out[v.key] = r;
        log(describeVariant(r));
      } finally {
        live.delete(t);
        await t.close();
      }
    }
    out.bodyCheck = bodyCheck;
  } finally {
    for (const t of live) await t.close().catch(() => undefined);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    pinSelf(original, notes);
    snap?.remove();
  }
  notes.push(
    "Server counts (accepted rate, shed share) cover every Decide between the two /metrics readings: h2load's warm-up and main duration and the probe; rates are over h2load's whole run.",
    "h2load's p99 is over all its answers, OK and refusals alike (both are HTTP 200 to it), timed from when h2load submitted the stream; the probe's figures are timed from when each call was due. In h2load's status counts, 0 is a stream still unanswered when h2load stopped.",
    'The probe shares CPU 1 with h2load: when it is marked INVALID (p99 lateness > 1 ms), up to that lateness of its latency is its own, not the server\'s (probe.latenessP99Ms).',
  );
  return { ...out, finishedAt: new Date().toISOString(), loadAverageAtEnd: loadAverage(), notes };
}

interface CapacityRun {
  readonly capacity: number;
  readonly h2loadReqPerSecond: number;
  readonly connections: number;
  readonly streams: number;
  readonly durationMs: number;
  readonly server: ServerShares | null;
}

async function capacityRun(t: RunningTarget, s: H2OverloadSettings, bodyFile: string, genCpus: readonly number[] | null): Promise<CapacityRun> {
  const port = metricsPortOf(t);
  const c0 = await decideCounts(port);
  const warmupMs = 1000;
  const { summary } = await runH2load({ address: t.address, path: DECIDE_PATH, bodyFile, connections: s.connections, streams: s.capacityStreams, durationMs: s.capacityMs, warmupMs }, genCpus);
  const server = serverShares(c0, await decideCounts(port), s.capacityMs + warmupMs);
  return { capacity: capacityFrom(summary.reqPerSecond, server), h2loadReqPerSecond: Math.round(summary.reqPerSecond), connections: s.connections, streams: s.capacityStreams, durationMs: s.capacityMs, server };
}

async function overloadRun(t: RunningTarget, rate: number, s: H2OverloadSettings, bodyFile: string, workDir: string, genCpus: readonly number[] | null): Promise<Record<string, unknown> & { server: (ServerShares & { cpuShare: number | null }) | null }> {
  const port = metricsPortOf(t);
  const c0 = await decideCounts(port);
  const rss = rssSampler(t.pid);
  const logFile = path.join(workDir, `h2load-overload-${Date.now()}.tsv`);
  const h2Ms = s.durationMs + TAIL_MS;
  try {
    const cpu0 = processCpuMs(t.pid);
    // When h2load ends: its wall time (the window of the server's rates) and the server's CPU then.
    const end = { wallMs: 0, cpuMs: null as number | null };
    const h2 = runH2load({ address: t.address, path: DECIDE_PATH, bodyFile, connections: s.connections, streams: s.streams, durationMs: h2Ms, warmupMs: s.warmupMs, rate, logFile }, genCpus).then((x) => {
      end.wallMs = performance.now() - x.spawnedAt;
      end.cpuMs = processCpuMs(t.pid);
      return x;
    });
    const probe = runLoad({ target: t.address, rate: s.probeRate, durationMs: s.durationMs, warmupMs: s.warmupMs, connections: 1, drainMs: 3000, requests: requestsFor(MAIN_SCENARIO) }, { processes: 1 });
    // Both settle (each is bounded in time) before either failure is reported.
    const [hr, pr] = await Promise.allSettled([h2, probe]);
    if (hr.status === 'rejected') throw hr.reason;
    if (pr.status === 'rejected') throw pr.reason;
    const h = hr.value.summary;
    const p = pr.value;
    const lg = readH2loadLog(logFile);
    const server = serverShares(c0, await decideCounts(port), end.wallMs);
    const expected = (rate * h2Ms) / 1000;
    const answeredShare = expected > 0 ? r3(lg.requests / expected) : 0;
    const probeShed = p.errors.RESOURCE_EXHAUSTED ?? 0;
    const goal = overloadGoal({ probeOk: p.ok, probeOkP99Ms: p.latencyOkMs.p99, h2loadAnsweredShare: answeredShare, h2loadFailed: h.failed + h.errored + h.timeout, server });
    return {
      offeredRate: rate,
      probeRate: s.probeRate,
      server: server === null ? null : { ...server, cpuShare: cpu0 !== null && end.cpuMs !== null && end.wallMs > 0 ? r3((end.cpuMs - cpu0) / end.wallMs) : null },
      probe: {
        connections: 1, scheduled: p.scheduled, ok: p.ok, errors: p.errors,
        shedShare: p.scheduled > 0 ? r3(probeShed / p.scheduled) : 0,
        acceptedP50Ms: p.latencyOkMs.p50, acceptedP99Ms: p.latencyOkMs.p99, acceptedMaxMs: p.latencyOkMs.max, p99AllMs: p.latencyMs.p99,
        localQueueMax: p.localQueueMax, latenessP99Ms: p.lateness.p99Ms, valid: p.valid, invalidReasons: p.invalidReasons,
      },
      h2load: {
        rate, connections: s.connections, streamsPerConnection: s.streams, durationMs: h2Ms, warmupMs: s.warmupMs,
        requests: lg.requests, completedRate: Math.round(lg.requests / (h2Ms / 1000)), answeredShare,
        reqPerSecond: Math.round(h.reqPerSecond), latencyAllMs: lg.latencyMs, status: lg.status, failed: h.failed, errored: h.errored, timeout: h.timeout,
      },
      rssMaxMb: rss.max(),
      rssEndMb: readRssMb(t.pid),
      loadAverage: loadAverage(),
      goalMet: goal.met,
      goalMissed: goal.reasons,
    };
  } finally {
    rss.stop();
    fs.rmSync(logFile, { force: true });
  }
}

/** One stderr line per variant. */
export function describeVariant(r: Record<string, unknown>): string {
  const v = r as { label: string; offeredRate: number; acceptedVsCapacity: number | null; server: ServerShares | null; probe: { acceptedP50Ms: number; acceptedP99Ms: number; acceptedMaxMs: number; shedShare: number; valid: boolean }; h2load: { completedRate: number; answeredShare: number; latencyAllMs: { p99: number } }; rssMaxMb: number | null; rssEndMb: number | null; goalMet: boolean; goalMissed: string[] };
  const sv = v.server ? `server accepted ${v.server.acceptedRate}/s (${v.acceptedVsCapacity ?? '?'} x capacity), shed ${(v.server.shedShare * 100).toFixed(1)}% of ${v.server.total} calls` : 'server counts unknown';
  const pb = `probe OK p50 ${v.probe.acceptedP50Ms} p99 ${v.probe.acceptedP99Ms} max ${v.probe.acceptedMaxMs} ms, shed ${(v.probe.shedShare * 100).toFixed(1)}%${v.probe.valid ? '' : ' (probe INVALID)'}`;
  const hl = `h2load ${v.h2load.completedRate}/s answered (${Math.round(v.h2load.answeredShare * 100)}%), p99 all ${v.h2load.latencyAllMs.p99} ms`;
  return `${v.label}: offered ${v.offeredRate}/s; ${sv}; ${pb}; ${hl}; RSS max ${v.rssMaxMb ?? '?'} end ${v.rssEndMb ?? '?'} MB; goal ${v.goalMet ? 'met' : `MISSED (${v.goalMissed.join('; ')})`}`;
}
