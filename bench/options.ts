/** Command-line options of `npm run bench`, the three profiles, and their checks. */
import { Command } from 'commander';
import * as path from 'node:path';
import { repoPath } from './paths';
import { QUICK_VARIANTS, variantScenarios } from './scenarios';
import type { TimerStrategy } from './loadgen/types';
import type { ClientKind } from './loadgen/transport';

export type Profile = 'full' | 'quick' | 'smoke';
export type TargetName = 'floor' | 'nudge';

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
}

const PROFILES: Record<Profile, Omit<SuiteOptions, 'outDir' | 'targets' | 'soakMinutes' | 'soakRate' | 'processes' | 'connections' | 'timer' | 'client' | 'sloMs' | 'cpuProf'>> = {
  full: {
    profile: 'full',
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
    rates: [500, 1000, 2000, 4000],
    variantRates: [1000],
    durationMs: 2_000,
    warmupMs: 500,
    variants: [...QUICK_VARIANTS],
    outcomes: 5_000,
  },
  smoke: {
    profile: 'smoke',
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
    .option('--quick', 'few rates, short runs, fewer variants (under 2 minutes)')
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
    .option('--cpu-prof', 'profile every Nudge process (node --cpu-prof) into <out>/profiles')
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
  return {
    ...base,
    rates: (o.rates as number[] | undefined) ?? base.rates,
    variantRates: (o.variantRates as number[] | undefined) ?? base.variantRates,
    durationMs: (o.duration as number | undefined) ?? base.durationMs,
    warmupMs: (o.warmup as number | undefined) ?? base.warmupMs,
    connections: (o.connections as number | undefined) ?? SUITE_DEFAULTS.connections,
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
  };
}
