/** Command-line options of `npm run bench`, the three profiles, and their checks. */
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GeneratorKind } from './headline';
import { repoPath } from './paths';
import { QUICK_VARIANTS, variantScenarios } from './scenarios';
import type { TimerStrategy } from './loadgen/types';
import type { ClientKind } from './loadgen/transport';

export type Profile = 'full' | 'quick' | 'smoke';
export type TargetName = 'floor' | 'nudge';
/** headline: issue 16's figures (bench/headline.ts); sweep: open-loop rate sweep and variants; outcomes: StreamOutcomes. */
export type Part = 'headline' | 'sweep' | 'outcomes';
export type BenchStore = 'lmdb' | 'redis';
export const PARTS: readonly Part[] = ['headline', 'sweep', 'outcomes'];

/** Durations and rounds of the headline part (bench/headline.ts), per profile. */
export interface HeadlineProfile {
  readonly rounds: number;
  readonly closedMs: number;
  readonly closedWarmupMs: number;
  /** Saturated runs of each server per round, alternating (bench/headline-slices.ts). */
  readonly slices: number;
  readonly openMs: number;
  readonly openWarmupMs: number;
  readonly openRate: number;
  readonly streams: number;
  readonly serverWarmupMs: number;
  readonly profileMs: number;
  readonly profileIntervalUs: number;
}

export interface SuiteOptions {
  readonly profile: Profile;
  /** Rates of the swept scenarios, ascending. */
  readonly rates: number[];
  /** Rates at which the variants are measured. */
  readonly variantRates: number[];
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly connections: number;
  readonly processes: number;
  readonly timer: TimerStrategy;
  readonly client: ClientKind;
  readonly variants: string[];
  /** null: floor, plus nudge when its build exists. */
  readonly targets: TargetName[] | null;
  readonly sloMs: number;
  readonly outDir: string;
  /** Decisions (then outcomes) of the StreamOutcomes benchmark; 0 skips it. */
  readonly outcomes: number;
  readonly soakMinutes: number | null;
  readonly soakRate: number;
  /** NUDGE_DECISION_RETENTION of the soak's server (30d, 12h, 90m, 45s or ms); null: the server's default. */
  readonly soakRetention?: string | null;
  /** Run every Nudge process with --cpu-prof, profiles in <outDir>/profiles. */
  readonly cpuProf: boolean;
  /** What to run, in this order: headline, then sweep (with its variants), then outcomes. */
  readonly parts: Part[];
  /** Who drives the headline's load. */
  readonly generator: GeneratorKind;
  /** The learning store of every Nudge under test: embedded LMDB, or a redis-server started for the run. */
  readonly store: BenchStore;
  readonly headline: HeadlineProfile;
}

const PROFILES: Record<Profile, Omit<SuiteOptions, 'outDir' | 'targets' | 'soakMinutes' | 'soakRate' | 'processes' | 'connections' | 'timer' | 'client' | 'sloMs' | 'cpuProf' | 'generator' | 'store'>> = {
  full: {
    profile: 'full',
    parts: ['headline', 'sweep', 'outcomes'],
    headline: { rounds: 5, closedMs: 8_000, closedWarmupMs: 2_000, slices: 4, openMs: 10_000, openWarmupMs: 2_000, openRate: 1000, streams: 16, serverWarmupMs: 5_000, profileMs: 8_000, profileIntervalUs: 500 },
    // 500 req/s steps where both targets' capacities have been on this machine (2,000-5,000), so the
    // capacity ratio is not decided by a coarse grid.
    rates: [250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 6000, 8000, 12000, 16000],
    variantRates: [1000, 3000],
    durationMs: 10_000,
    warmupMs: 3_000,
    variants: variantScenarios().map((s) => s.id),
    outcomes: 50_000,
  },
  quick: {
    profile: 'quick',
    // Under 3 minutes on 2 cores: 3 rounds x 2 targets x (5 s closed + 5 s open), the profiled round, starts.
    parts: ['headline'],
    headline: { rounds: 3, closedMs: 4_000, closedWarmupMs: 1_000, slices: 4, openMs: 4_000, openWarmupMs: 1_000, openRate: 1000, streams: 16, serverWarmupMs: 3_000, profileMs: 4_000, profileIntervalUs: 500 },
    rates: [500, 1000, 2000, 4000],
    variantRates: [1000],
    durationMs: 2_000,
    warmupMs: 500,
    variants: [...QUICK_VARIANTS],
    outcomes: 5_000,
  },
  smoke: {
    profile: 'smoke',
    parts: ['sweep', 'outcomes'],
    headline: { rounds: 1, closedMs: 1_000, closedWarmupMs: 300, slices: 1, openMs: 1_000, openWarmupMs: 300, openRate: 200, streams: 16, serverWarmupMs: 500, profileMs: 1_000, profileIntervalUs: 500 },
    rates: [100],
    variantRates: [100],
    durationMs: 1_000,
    warmupMs: 200,
    variants: [],
    outcomes: 200,
  },
};

export const SUITE_DEFAULTS = Object.freeze({ connections: 4, processes: 1, timer: 'nap' as TimerStrategy, client: 'raw' as ClientKind, sloMs: 10, soakRate: 1000 });

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`--${name} must be a positive integer`);
    return n;
  };
}

function nonNegativeInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name} must be a non-negative integer`);
    return n;
  };
}

function partList(v: string): Part[] {
  const xs = v.split(',').map((x) => x.trim()).filter((x) => x !== '');
  for (const x of xs) if (!(PARTS as readonly string[]).includes(x)) throw new RangeError(`--parts: unknown part "${x}" (${PARTS.join(', ')})`);
  if (xs.length === 0) throw new RangeError('--parts needs at least one of headline, sweep, outcomes');
  return PARTS.filter((p) => xs.includes(p));
}

/** h2load when it is installed (on PATH or in /usr/bin), else the builtin generator. */
export function defaultGenerator(): GeneratorKind {
  if (process.env.H2LOAD && fs.existsSync(process.env.H2LOAD)) return 'h2load';
  const dirs = (process.env.PATH ?? '/usr/bin').split(path.delimiter);
  return dirs.some((d) => d !== '' && fs.existsSync(path.join(d, 'h2load'))) ? 'h2load' : 'builtin';
}

function rateList(name: string): (v: string) => number[] {
  return (v) => {
    const xs = v.split(',').map((s) => Number(s.trim()));
    if (xs.length === 0 || xs.some((x) => !(x > 0))) throw new RangeError(`--${name} must be a comma-separated list of positive numbers`);
    return xs.sort((a, b) => a - b);
  };
}

/** Same grammar as the server's NUDGE_DECISION_RETENTION (src/config.ts), checked before anything starts. */
function retentionDuration(v: string): string {
  const t = v.trim();
  if (!/^\d+(ms|s|m|h|d)?$/.test(t) || /^0+(ms|s|m|h|d)?$/.test(t)) throw new RangeError('--soak-retention must be a positive duration such as 30d, 12h, 90m, 45s or milliseconds');
  return t;
}

export function parseSuiteOptions(argv: readonly string[]): SuiteOptions {
  const cmd = new Command('bench')
    .description('Nudge end-to-end benchmark: Nudge against a no-op grpc-js floor, same generator, same run')
    .option('--quick', 'the headline figures only (under 3 minutes); --parts headline,sweep adds the short sweep and its variants')
    .option('--smoke', 'seconds: checks the suite runs and writes valid results (CI)')
    .option('--rates <list>', 'rates of the sweep, req/s, comma-separated', rateList('rates'))
    .option('--variant-rates <list>', 'rates at which variants are measured', rateList('variant-rates'))
    .option('--duration <ms>', 'measured time per run', positiveInt('duration'))
    .option('--warmup <ms>', 'warm-up per run (sent, not recorded)', nonNegativeInt('warmup'))
    .option('--connections <n>', 'HTTP/2 connections of the generator', positiveInt('connections'))
    .option('--processes <n>', 'generator processes sharing the rate', positiveInt('processes'))
    .option('--timer <kind>', 'generator timer: nap (default) or spin')
    .option('--client <kind>', 'generator HTTP/2 client: raw (default, socket-level) or node (node:http2)')
    .option('--variants <list>', `variant ids, "all" or "none": ${variantScenarios().map((s) => s.id).join(', ')}`)
    .option('--targets <list>', 'floor, nudge (default: both when Nudge is built)')
    .option('--slo <ms>', 'p99 latency objective', positiveInt('slo'))
    .option('--out <dir>', 'results directory', repoPath('bench', 'results'))
    .option('--outcomes <n>', 'decisions/outcomes of the StreamOutcomes benchmark (0 skips)', nonNegativeInt('outcomes'))
    .option('--soak <minutes>', 'run only the memory soak for this many minutes', positiveInt('soak'))
    .option('--soak-rate <n>', 'offered rate during the soak', positiveInt('soak-rate'))
    .option('--soak-retention <duration>', 'NUDGE_DECISION_RETENTION of the soak server (30d, 12h, 90m, 45s, ms); also sets the bench campaign reward wait to 0', retentionDuration)
    .option('--cpu-prof', 'profile every Nudge process (node --cpu-prof) into <out>/profiles; the headline keeps its profiles there too')
    .option('--parts <list>', `what to run: ${PARTS.join(', ')} (quick: headline; full: all; smoke: sweep,outcomes)`, partList)
    .option('--generator <kind>', 'headline load generator: h2load (default when installed) or builtin')
    .option('--rounds <n>', 'headline: alternating rounds (quick 3, full 5)', positiveInt('rounds'))
    .option('--streams <n>', 'headline: streams in flight per connection in the closed loop (16)', positiveInt('streams'))
    .option('--closed-duration <ms>', 'headline: measured saturated time of each server per round', positiveInt('closed-duration'))
    .option('--slices <n>', 'headline: that time as n runs alternating with the other server\'s (quick and full 4)', positiveInt('slices'))
    .option('--open-duration <ms>', 'headline: measured time of each open-loop run', positiveInt('open-duration'))
    .option('--open-rate <n>', 'headline: rate of the open-loop runs, req/s (1000)', positiveInt('open-rate'))
    .option('--store <kind>', 'learning store of the Nudge under test: lmdb (default) or redis (a redis-server started for the run, on the generator\'s core)')
    .exitOverride();
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts<Record<string, unknown>>();
  if (o.quick && o.smoke) throw new RangeError('--quick and --smoke exclude each other');
  const profile: Profile = o.smoke ? 'smoke' : o.quick ? 'quick' : 'full';
  const base = PROFILES[profile];
  const known = new Set(variantScenarios().map((s) => s.id));
  let variants = base.variants;
  if (typeof o.variants === 'string') {
    variants = o.variants === 'all' ? [...known] : o.variants === 'none' ? [] : o.variants.split(',').map((s) => s.trim());
    for (const v of variants) if (!known.has(v)) throw new RangeError(`--variants: unknown variant "${v}"`);
  }
  let targets: TargetName[] | null = null;
  if (typeof o.targets === 'string') {
    targets = o.targets.split(',').map((s) => s.trim()) as TargetName[];
    for (const t of targets) if (t !== 'floor' && t !== 'nudge') throw new RangeError('--targets must list floor and/or nudge');
  }
  const timer = (o.timer ?? SUITE_DEFAULTS.timer) as TimerStrategy;
  if (timer !== 'nap' && timer !== 'spin') throw new RangeError('--timer must be nap or spin');
  const client = (o.client ?? SUITE_DEFAULTS.client) as ClientKind;
  if (client !== 'raw' && client !== 'node') throw new RangeError('--client must be raw or node');
  const generator = (o.generator ?? defaultGenerator()) as GeneratorKind;
  if (generator !== 'h2load' && generator !== 'builtin') throw new RangeError('--generator must be h2load or builtin');
  const store = (o.store ?? 'lmdb') as BenchStore;
  if (store !== 'lmdb' && store !== 'redis') throw new RangeError('--store must be lmdb or redis');
  let parts = (o.parts as Part[] | undefined) ?? base.parts;
  // An explicit --outcomes N (N > 0) asks for the StreamOutcomes figure even where the profile skips it.
  if (o.parts === undefined && typeof o.outcomes === 'number' && o.outcomes > 0 && !parts.includes('outcomes')) parts = PARTS.filter((p) => p === 'outcomes' || parts.includes(p));
  const connections = (o.connections as number | undefined) ?? SUITE_DEFAULTS.connections;
  const headline: HeadlineProfile = {
    ...base.headline,
    rounds: (o.rounds as number | undefined) ?? base.headline.rounds,
    streams: (o.streams as number | undefined) ?? base.headline.streams,
    closedMs: (o.closedDuration as number | undefined) ?? base.headline.closedMs,
    slices: (o.slices as number | undefined) ?? base.headline.slices,
    openMs: (o.openDuration as number | undefined) ?? base.headline.openMs,
    openRate: (o.openRate as number | undefined) ?? base.headline.openRate,
  };
  // /proc counts 10 ms ticks and each slice's CPU window is read 100 ms inside its edges.
  if (headline.closedMs / headline.slices < 500) {
    throw new RangeError(`--slices ${headline.slices} would make saturated runs of ${Math.floor(headline.closedMs / headline.slices)} ms; each needs at least 500 ms of --closed-duration (${headline.closedMs})`);
  }
  if (generator === 'h2load' && parts.includes('headline') && headline.openRate % connections !== 0) {
    throw new RangeError(`--open-rate ${headline.openRate} must be a multiple of --connections ${connections} with h2load (its --rps is per connection)`);
  }
  return {
    ...base,
    rates: (o.rates as number[] | undefined) ?? base.rates,
    variantRates: (o.variantRates as number[] | undefined) ?? base.variantRates,
    durationMs: (o.duration as number | undefined) ?? base.durationMs,
    warmupMs: (o.warmup as number | undefined) ?? base.warmupMs,
    connections,
    processes: (o.processes as number | undefined) ?? SUITE_DEFAULTS.processes,
    timer,
    client,
    variants,
    targets,
    sloMs: (o.slo as number | undefined) ?? SUITE_DEFAULTS.sloMs,
    outDir: path.resolve(o.out as string),
    outcomes: (o.outcomes as number | undefined) ?? base.outcomes,
    soakMinutes: (o.soak as number | undefined) ?? null,
    soakRate: (o.soakRate as number | undefined) ?? SUITE_DEFAULTS.soakRate,
    soakRetention: (o.soakRetention as string | undefined) ?? null,
    cpuProf: o.cpuProf === true,
    parts,
    generator,
    store,
    headline,
  };
}
