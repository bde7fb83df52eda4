/**
 * `node dist/bench/scale.js [--quick] [--rounds N] [--duration MS] [--json]`: the scale-out benchmark
 * (issue 12) in one run, alternating rounds, median and spread (min-max) of every figure:
 *
 *   stores     Decide saturated throughput (closed loop) and p99 at 1,000 req/s (open loop), server on
 *              one core, generator and Redis on the other(s): NUDGE_STORE=lmdb vs redis:// (goal >= 0.9x)
 *   outcomes   StreamOutcomes durable outcomes/s through Redis, appendfsync everysec vs always
 *              (goal >= 50k/s with everysec)
 *   lag        outcome reported to replica A -> visible in replica B's GetCampaignStats (goal p99 <= 200 ms)
 *   processes  Decide saturated throughput with NUDGE_PROCESSES = 1, 2 (--processes 1,2,4 --gen-cores 2
 *              on a bigger machine; goal >= 0.8N x one)
 *   memory     Redis used_memory per decision in flight, extrapolated to 1M
 *
 * Every redis-server is started here (free loopback port, temporary directory, AOF on, no RDB) and
 * stopped at the end; so are the Nudge servers (dist/src/cli/main.js serve). Linux, taskset. Writes
 * <out>/scale-<timestamp>.json and prints a Markdown summary (or the JSON with --json).
 */
import { Command } from 'commander';
import { runCli } from './cli';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { machineInfo } from './machine';
import { repoPath } from './paths';
import { nudgeAvailable } from './targets';
import { loadAverage, makeContext, type ScaleContext, type ScaleSettings } from './scale/context';
import { measureLag, LAG_GOAL_MS, type LagResult } from './scale/lag';
import { measureMemory, type MemoryResult } from './scale/memory';
import { measureOutcomes, OUTCOMES_GOAL, type OutcomesResult } from './scale/outcomes';
import { planCpus, pinProcess, setNiceness, type CpuPlan } from './scale/pin';
import { measureProcesses, type ProcessesResult } from './scale/processes';
import { measureStores, type StoresResult } from './scale/stores';
import { fmtSpread, type Spread } from './scale/figures';
import { distFingerprint, snapshotPackage } from './scale/snapshot';

export const PARTS = ['stores', 'outcomes', 'lag', 'processes', 'memory'] as const;
export const STORE_GOAL = 0.9;
export const PROCESS_EFFICIENCY_GOAL = 0.8;

const PROFILES: Record<'full' | 'quick', Omit<ScaleSettings, 'processes' | 'genCores' | 'redisOn' | 'connections' | 'depth' | 'streams' | 'h2load' | 'parts' | 'openRate' | 'cpuProfDir' | 'priority'>> = {
  full: { profile: 'full', rounds: 5, durationMs: 8000, warmupMs: 2000, outcomes: 50_000, lagSamples: 200, memoryDecisions: 200_000 },
  quick: { profile: 'quick', rounds: 2, durationMs: 2500, warmupMs: 700, outcomes: 10_000, lagSamples: 40, memoryDecisions: 50_000 },
};

export interface ScaleResult {
  readonly kind: 'nudge-scale-bench';
  readonly version: 1;
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: ReturnType<typeof machineInfo>;
  readonly loadAverageEnd: number[];
  readonly settings: ScaleSettings;
  readonly cpus: CpuPlan;
  /** null when the run is valid; otherwise why its figures must not be read as per-core figures. */
  readonly invalid: string | null;
  /** The build the servers ran (a copy of dist/ taken at the start). */
  readonly build: { readonly newestMtime: string; readonly files: number };
  readonly stores?: StoresResult | { error: string };
  readonly outcomes?: OutcomesResult | { error: string };
  readonly lag?: LagResult | { error: string };
  readonly processes?: ProcessesResult | { error: string };
  readonly memory?: MemoryResult | { error: string };
  readonly notes: string[];
}

function intOpt(name: string, min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be an integer >= ${min}`);
    return n;
  };
}

export function parseScaleOptions(argv: readonly string[]): { s: ScaleSettings; json: boolean; out: string } {
  const cmd = new Command('scale')
    .description('Scale-out benchmark: lmdb vs redis store, StreamOutcomes durability, replica lag, NUDGE_PROCESSES, Redis memory')
    .option('--quick', `short runs, ${PROFILES.quick.rounds} rounds (under 3 minutes on 2 cores)`)
    .option('--rounds <n>', `alternating rounds (full: ${PROFILES.full.rounds})`, intOpt('rounds', 1))
    .option('--duration <ms>', `measured time of each closed/open-loop run (full: ${PROFILES.full.durationMs})`, intOpt('duration', 100))
    .option('--warmup <ms>', `warm-up of each run (full: ${PROFILES.full.warmupMs})`, intOpt('warmup', 0))
    .option('--parts <list>', `which parts, comma-separated: ${PARTS.join(',')}`, PARTS.join(','))
    .option('--processes <list>', 'NUDGE_PROCESSES values of the processes part', '1,2')
    .option('--gen-cores <n>', 'CPUs for the load generator and Redis (the last ones); the server gets the rest', intOpt('gen-cores', 1), 1)
    .option('--redis-on <where>', 'Redis on the generator\'s CPUs (gen) or the server\'s (server)', 'gen')
    .option('--connections <n>', 'closed loop: HTTP/2 connections (processes part: at least 2 per process)', intOpt('connections', 1), 4)
    .option('--depth <n>', 'closed loop: calls in flight per connection', intOpt('depth', 1), 8)
    .option('--rate <n>', 'open-loop rate of the p99 figure, req/s', intOpt('rate', 1), 1000)
    .option('--outcomes <n>', `decisions, then outcomes, per StreamOutcomes run (full: ${PROFILES.full.outcomes})`, intOpt('outcomes', 1))
    .option('--streams <n>', 'StreamOutcomes calls each run is split over', intOpt('streams', 1), 1)
    .option('--lag-samples <n>', `samples of the replica lag (full: ${PROFILES.full.lagSamples})`, intOpt('lag-samples', 1))
    .option('--memory-decisions <n>', `decisions of the memory part (full: ${PROFILES.full.memoryDecisions})`, intOpt('memory-decisions', 1))
    .option('--h2load', 'also measure the closed loop with h2load (one fixed request body; sees HTTP status, not grpc-status)')
    .option('--priority <n>', 'niceness of the servers, Redis and the closed-loop generator (the open-loop generator runs at -5); 0 = unchanged', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < -20 || n > 19) throw new RangeError('--priority must be an integer in [-20, 19]');
      return n;
    }, -5)
    .option('--cpu-prof <dir>', 'run every Nudge process with node --cpu-prof, profiles into <dir>')
    .option('--json', 'print the result JSON instead of the Markdown summary')
    .option('--out <dir>', 'results directory', repoPath('bench', 'results'))
    .exitOverride();
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts<Record<string, unknown>>();
  const base = PROFILES[o.quick ? 'quick' : 'full'];
  const parts = String(o.parts).split(',').map((x) => x.trim()).filter(Boolean);
  for (const p of parts) if (!(PARTS as readonly string[]).includes(p)) throw new RangeError(`--parts: unknown part "${p}"`);
  const processes = String(o.processes).split(',').map((x) => Number(x.trim()));
  if (processes.some((p) => !Number.isInteger(p) || p < 1)) throw new RangeError('--processes must list positive integers');
  if (o.redisOn !== 'gen' && o.redisOn !== 'server') throw new RangeError('--redis-on must be gen or server');
  return {
    s: {
      ...base,
      rounds: (o.rounds as number | undefined) ?? base.rounds,
      durationMs: (o.duration as number | undefined) ?? base.durationMs,
      warmupMs: (o.warmup as number | undefined) ?? base.warmupMs,
      outcomes: (o.outcomes as number | undefined) ?? base.outcomes,
      lagSamples: (o.lagSamples as number | undefined) ?? base.lagSamples,
      memoryDecisions: (o.memoryDecisions as number | undefined) ?? base.memoryDecisions,
      processes,
      genCores: o.genCores as number,
      redisOn: o.redisOn,
      connections: o.connections as number,
      depth: o.depth as number,
      openRate: o.rate as number,
      streams: o.streams as number,
      h2load: o.h2load === true,
      parts,
      priority: o.priority as number,
      cpuProfDir: typeof o.cpuProf === 'string' ? path.resolve(o.cpuProf) : null,
    },
    json: o.json === true,
    out: path.resolve(String(o.out)),
  };
}

const log = (msg: string): void => {
  process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

async function part<T>(ctx: ScaleContext, name: string, f: (c: ScaleContext) => Promise<T>): Promise<T | { error: string }> {
  log(`part ${name}`);
  try {
    return await f(ctx);
  } catch (err) {
    await ctx.cleanup();
    const error = err instanceof Error ? err.message : String(err);
    log(`part ${name} FAILED: ${error}`);
    return { error };
  }
}

export async function runScale(s: ScaleSettings, command: string): Promise<ScaleResult> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const plan = planCpus(s.genCores);
  setNiceness(s.priority);
  const notes: string[] = [];
  if (plan.invalid !== null) notes.push(`INVALID run: ${plan.invalid}.`);
  else pinProcess(process.pid, plan.gen); // generators forked from here inherit the generator's CPUs
  if (machine.loadAverage[0]! > 0.5) notes.push(`Load average ${machine.loadAverage[0]} at the start: other work shares the CPUs, figures are noisy.`);
  // The servers run a copy of the build taken now: a rebuild of the tree during the run cannot mix versions.
  const snap = snapshotPackage();
  const ctx = makeContext(s, plan, log, snap.root);
  const shutdown = (): void => {
    void ctx.cleanup().finally(() => {
      snap.remove();
      process.exit(130);
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  const r: Record<string, unknown> = {};
  try {
    if (s.parts.includes('stores')) r.stores = await part(ctx, 'stores', measureStores);
    if (s.parts.includes('outcomes')) r.outcomes = await part(ctx, 'outcomes', measureOutcomes);
    if (s.parts.includes('lag')) r.lag = await part(ctx, 'lag', measureLag);
    if (s.parts.includes('processes')) r.processes = await part(ctx, 'processes', measureProcesses);
    if (s.parts.includes('memory')) r.memory = await part(ctx, 'memory', measureMemory);
  } finally {
    await ctx.cleanup();
    snap.remove();
  }
  const after = distFingerprint(repoPath());
  if (after.newestMtime !== snap.fingerprint.newestMtime || after.files !== snap.fingerprint.files) {
    notes.push(`dist/ was rebuilt during the run (newest file ${after.newestMtime}); the servers ran the copy taken at the start (${snap.fingerprint.newestMtime}).`);
  }
  for (const v of Object.values(r)) if (v && typeof v === 'object' && Array.isArray((v as { notes?: unknown }).notes)) notes.push(...(v as { notes: string[] }).notes);
  return {
    kind: 'nudge-scale-bench',
    version: 1,
    command,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    loadAverageEnd: loadAverage(),
    settings: s,
    cpus: plan,
    invalid: plan.invalid,
    build: snap.fingerprint,
    ...r,
    notes,
  } as ScaleResult;
}

const ok = <T extends object>(x: T | { error: string } | undefined): T | null => (x && !('error' in x) ? (x as T) : null);
const ratio = (s: Spread | null, d = 2): string => fmtSpread(s, d, 'x');
const verdict = (met: boolean | null): string => (met === null ? 'n/a' : met ? 'met' : '**missed**');

export function renderScale(r: ScaleResult): string {
  const L: string[] = [];
  L.push(`# Nudge scale benchmark (${r.settings.profile}), ${r.startedAt}`);
  L.push('');
  L.push(`Command: \`${r.command}\``);
  L.push(
    `Machine: ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.machine.totalMemoryMb} MB, Node ${r.machine.node}, commit ${r.machine.gitCommit?.slice(0, 7) ?? '?'}${r.machine.gitDirty ? ' (dirty)' : ''}; ` +
      `load average ${r.machine.loadAverage.join(' ')} at the start, ${r.loadAverageEnd.join(' ')} at the end.`,
  );
  L.push(`Build: dist/src newest file ${r.build.newestMtime} (${r.build.files} files), copied before the first server started.`);
  L.push(`CPUs: server ${r.cpus.server.join(',')}, generator ${r.cpus.gen.join(',')}, Redis on ${r.settings.redisOn === 'gen' ? 'the generator\'s' : 'the server\'s'}. Niceness ${r.settings.priority}. Rounds: ${r.settings.rounds}, runs of ${r.settings.durationMs} ms after ${r.settings.warmupMs} ms warm-up; median (min-max).`);
  if (r.invalid) L.push(`**INVALID run: ${r.invalid}**`);
  L.push('');
  L.push('| figure | value, median (min-max) | ratio | goal | |');
  L.push('|---|---|---|---|---|');
  const st = ok<StoresResult>(r.stores);
  if (st) {
    const c = st.rounds[0]?.closed;
    const tpRatio = st.throughput.ratio;
    L.push(`| Decide saturated, lmdb (closed loop, ${c?.connections ?? '?'} conns x ${r.settings.depth}) | ${fmtSpread(st.throughput.lmdb, 0, '/s')} | | | |`);
    L.push(`| Decide saturated, redis | ${fmtSpread(st.throughput.redis, 0, '/s')} | redis/lmdb ${ratio(tpRatio)} | >= ${STORE_GOAL}x | ${verdict(tpRatio ? tpRatio.median >= STORE_GOAL : null)} |`);
    L.push(`| ... per second of server CPU (lmdb / redis) | ${fmtSpread(st.perServerCpuSecond.lmdb, 0, '/s')} / ${fmtSpread(st.perServerCpuSecond.redis, 0, '/s')} | redis/lmdb ${ratio(st.perServerCpuSecond.ratio)} | | |`);
    const inv = st.p99.includesInvalid ? ', incl. INVALID runs' : '';
    L.push(`| Decide p99 @ ${r.settings.openRate}/s, lmdb (open loop${inv}) | ${fmtSpread(st.p99.lmdb, 2, ' ms')} | | < 10 ms | ${verdict(st.p99.lmdb ? st.p99.lmdb.median < 10 : null)} |`);
    const pr = st.p99.ratio;
    L.push(`| Decide p99 @ ${r.settings.openRate}/s, redis${inv ? ` (${inv.slice(2)})` : ''} | ${fmtSpread(st.p99.redis, 2, ' ms')} | redis/lmdb ${ratio(pr)} | <= ${(1 / STORE_GOAL).toFixed(2)}x, < 10 ms | ${verdict(pr && st.p99.redis ? pr.median <= 1 / STORE_GOAL && st.p99.redis.median < 10 : null)} |`);
    if (st.h2load) L.push(`| h2load cross-check (lmdb / redis) | ${fmtSpread(st.h2load.lmdb, 0, '/s')} / ${fmtSpread(st.h2load.redis, 0, '/s')} | redis/lmdb ${ratio(st.h2load.ratio)} | | |`);
  } else if (r.stores) L.push(`| stores | failed: ${(r.stores as { error: string }).error.split('\n')[0]} | | | |`);
  const oc = ok<OutcomesResult>(r.outcomes);
  if (oc) {
    L.push(`| StreamOutcomes, appendfsync everysec (${r.settings.outcomes} outcomes, ${r.settings.streams} call(s)) | ${fmtSpread(oc.everysec, 0, '/s')} | /goal ${ratio(oc.everysecOverGoal)} | >= ${OUTCOMES_GOAL.toLocaleString('en-US')}/s | ${verdict(oc.everysec ? oc.everysec.median >= OUTCOMES_GOAL : null)} |`);
    L.push(`| StreamOutcomes, appendfsync always | ${fmtSpread(oc.always, 0, '/s')} | always/everysec ${ratio(oc.alwaysOverEverysec)} | | |`);
  } else if (r.outcomes) L.push(`| outcomes | failed: ${(r.outcomes as { error: string }).error.split('\n')[0]} | | | |`);
  const lg = ok<LagResult>(r.lag);
  if (lg && lg.lagMs) {
    L.push(`| outcome -> visible on replica B, p50 / p99 / max (${lg.samples} samples, NUDGE_SYNC_MS ${lg.syncMs}) | ${lg.lagMs.p50} / ${lg.lagMs.p99} / ${lg.lagMs.max} ms | p99/goal ${lg.p99OverGoal}x | p99 <= ${LAG_GOAL_MS} ms | ${verdict(lg.lagMs.p99 <= LAG_GOAL_MS && lg.timeouts === 0)} |`);
    if (lg.timeouts > 0 || lg.notApplied > 0) L.push(`| lag: samples never seen in 3 s / not APPLIED | ${lg.timeouts} / ${lg.notApplied} | | 0 | |`);
  } else if (r.lag) L.push(`| lag | failed: ${'error' in r.lag ? r.lag.error.split('\n')[0] : 'no sample'} | | | |`);
  const pc = ok<ProcessesResult>(r.processes);
  if (pc) {
    for (const f of pc.figures) {
      const first = f.processes === pc.figures[0]!.processes;
      L.push(
        `| Decide saturated, NUDGE_PROCESSES=${f.processes} (CPUs ${f.cpus.join(',')}${f.shared ? ', SHARED with generator+Redis' : ''}; ${pc.connections} conns) | ${fmtSpread(f.throughput, 0, '/s')} | ` +
          `${first ? '' : `x${pc.figures[0]!.processes}: ${ratio(f.ratio)}`} | ${first ? '' : `>= ${(PROCESS_EFFICIENCY_GOAL * (f.processes / pc.figures[0]!.processes)).toFixed(1)}x`} | ${first ? '' : f.shared ? 'not measurable here' : verdict(f.efficiency ? f.efficiency.median >= PROCESS_EFFICIENCY_GOAL : null)} |`,
      );
    }
    L.push(`| ... per second of server CPU | ${pc.figures.map((f) => `P=${f.processes}: ${fmtSpread(f.perServerCpuSecond, 0, '/s')}`).join('; ')} | | | |`);
  } else if (r.processes) L.push(`| processes | failed: ${(r.processes as { error: string }).error.split('\n')[0]} | | | |`);
  const mm = ok<MemoryResult>(r.memory);
  if (mm) {
    L.push(`| Redis memory per decision in flight (${mm.decisions.toLocaleString('en-US')} decisions, reward wait 1 h) | ${mm.bytesPerDecision} B = ${mm.mbPer1M} MB per 1M | | (stated in docs/scaling.md) | |`);
    L.push(`| ... of which one join record (MEMORY USAGE) / due-set entry | ${mm.joinRecordBytes} B / ${mm.dueSetBytesPerDecision} B | | | |`);
  } else if (r.memory) L.push(`| memory | failed: ${(r.memory as { error: string }).error.split('\n')[0]} | | | |`);
  if (r.notes.length > 0) {
    L.push('');
    for (const n of r.notes) L.push(`- ${n}`);
  }
  L.push('');
  return L.join('\n');
}

async function main(): Promise<void> {
  const { s, json, out } = parseScaleOptions(process.argv.slice(2));
  if (!nudgeAvailable()) throw new Error('Nudge is not built: npm run build');
  const command = `node dist/bench/scale.js ${process.argv.slice(2).join(' ')}`.trim();
  const result = await runScale(s, command);
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, `scale-${s.profile === 'quick' ? 'quick-' : ''}${result.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${file}`);
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : renderScale(result));
}

if (require.main === module) runCli('scale', main);
