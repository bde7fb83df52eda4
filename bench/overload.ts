/**
 * Overload check (issue 7; issue 16 "Overload"): finds Nudge's capacity, then offers a multiple of it
 * and reports what was accepted, what was shed (RESOURCE_EXHAUSTED), the p99 of the accepted requests
 * and the server's RSS; optionally the same overload with queueing-delay shedding off (the CoDel-like
 * rule of src/server/codel.ts; NUDGE_MAX_LAG_MS=0), for comparison.
 *
 *   node dist/bench/overload.js [--generator h2load|builtin] [--factor 2] [--duration 15000] [--compare]
 *
 * --generator h2load (the default when h2load is installed; bench/overload-h2load.ts): the server on
 * CPU 0, h2load on CPU 1; capacity from an h2load closed loop, the overload from an h2load open loop
 * beside a low-rate gRPC-aware probe; --compare adds NUDGE_MAX_LAG_MS=0 and a low
 * NUDGE_MAX_CONCURRENT_STREAMS (--compare-streams). --generator builtin: the sweep of --rates with the
 * builtin generator to find the capacity, then the overload with it (unpinned).
 *
 * One Nudge process at a time (defaults, inline unless NUDGE_MODE is set in the environment); prints
 * one JSON document on stdout and writes it to bench/results/overload-<time>.json. A benchmark
 * figure, not a test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { runCli } from './cli';
import { benchCampaignName } from './campaign-files';
import type { GeneratorKind } from './headline';
import { runLoad } from './loadgen/driver';
import type { LoadSummary } from './loadgen/types';
import { defaultGenerator } from './options';
import { describeVariant, runH2loadOverload, type H2OverloadSettings } from './overload-h2load';
import { repoPath } from './paths';
import { readRssMb, rssSampler } from './proc';
import { startTarget, type RunningTarget } from './targets';
import { benchWorkDir } from './workdir';

const SLO_MS = 10;
const MAX_ERROR_RATE = 0.001;

interface Measured {
  readonly summary: LoadSummary;
  readonly rssMaxMb: number | null;
  readonly rssEndMb: number | null;
  readonly loadAverage: number[];
}

async function measure(t: RunningTarget, rate: number, durationMs: number, warmupMs: number): Promise<Measured> {
  const rss = rssSampler(t.pid);
  try {
    const summary = await runLoad(
      { target: t.address, rate, durationMs, warmupMs, drainMs: 3000, requests: { campaign: benchCampaignName(100), customerPrefix: 'c', customers: 10_000, numOffers: 3 } },
      { processes: 1 },
    );
    return { summary, rssMaxMb: rss.max(), rssEndMb: readRssMb(t.pid), loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100) };
  } finally {
    rss.stop();
  }
}

function brief(rate: number, m: Measured): Record<string, unknown> {
  const s = m.summary;
  const window = s.durationMs / 1000;
  const shed = s.errors.RESOURCE_EXHAUSTED ?? 0;
  return {
    offeredRate: rate,
    acceptedRate: Math.round(s.ok / window),
    shedRate: Math.round(shed / window),
    shedShare: s.scheduled > 0 ? Math.round((shed / s.scheduled) * 1000) / 1000 : 0,
    errors: s.errors,
    p99AcceptedMs: s.latencyOkMs.p99,
    p50AcceptedMs: s.latencyOkMs.p50,
    maxAcceptedMs: s.latencyOkMs.max,
    p99AllMs: s.latencyMs.p99,
    achievedSendRate: s.achievedSendRate,
    generatorValid: s.valid,
    invalidReasons: s.invalidReasons,
    localQueueMax: s.localQueueMax,
    rssMaxMb: m.rssMaxMb,
    rssEndMb: m.rssEndMb,
    loadAverage: m.loadAverage,
  };
}

export interface OverloadOptions extends H2OverloadSettings {
  readonly generator: GeneratorKind;
  /** builtin: the sweep's rates and measured time per step. */
  readonly rates: number[];
  readonly sweepDurationMs: number;
  readonly outDir: string;
}

function num(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw new TypeError(`--${name} must be a number, got "${v}"`);
  return n;
}

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = num(name, v);
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`--${name} must be a positive integer`);
    return n;
  };
}

function nonNegativeInt(name: string): (v: string) => number {
  return (v) => {
    const n = num(name, v);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name} must be a non-negative integer`);
    return n;
  };
}

function positive(name: string): (v: string) => number {
  return (v) => {
    const n = num(name, v);
    if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`--${name} must be a positive number`);
    return n;
  };
}

function rateList(v: string): number[] {
  const xs = v.split(',').map((x) => Number(x.trim()));
  if (xs.some((x) => !(x > 0) || !Number.isFinite(x))) throw new RangeError('--rates must be a comma-separated list of positive numbers');
  return xs.sort((a, b) => a - b);
}

function generatorKind(v: string): GeneratorKind {
  if (v !== 'h2load' && v !== 'builtin') throw new RangeError('--generator must be h2load or builtin');
  return v;
}

export function parseOverloadOptions(argv: readonly string[]): OverloadOptions {
  const cli = new Command('overload')
    .option('--generator <kind>', 'h2load (default when installed) or builtin', generatorKind)
    .option('--rates <list>', 'builtin: sweep rates, req/s', rateList, [250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000])
    .option('--factor <x>', 'overload as a multiple of the capacity found', positive('factor'), 2)
    .option('--duration <ms>', 'measured time of the overload run', positiveInt('duration'), 15000)
    .option('--warmup <ms>', 'warm-up of the overload run (sent, not measured)', nonNegativeInt('warmup'), 2000)
    .option('--sweep-duration <ms>', 'builtin: measured time per sweep step', positiveInt('sweep-duration'), 3000)
    .option('--capacity <n>', 'skip the capacity measurement and use this capacity, req/s', positiveInt('capacity'))
    .option('--capacity-duration <ms>', 'h2load: measured time of the saturated closed loop', positiveInt('capacity-duration'), 4000)
    .option('--server-warmup <ms>', 'h2load: saturated load each server gets after it starts (not measured)', positiveInt('server-warmup'), 3000)
    .option('--connections <n>', 'h2load: connections (closed loop and overload)', positiveInt('connections'), 4)
    .option('--capacity-streams <n>', 'h2load: streams per connection of the closed loop', positiveInt('capacity-streams'), 16)
    .option('--streams <n>', 'h2load: streams per connection h2load may keep in flight in the overload', positiveInt('streams'), 100)
    .option('--probe-rate <n>', 'h2load: rate of the gRPC-aware probe beside h2load, req/s', positiveInt('probe-rate'), 200)
    .option('--compare', 'also run the overload with NUDGE_MAX_LAG_MS=0 (and, with h2load, a low NUDGE_MAX_CONCURRENT_STREAMS)')
    .option('--compare-streams <n>', 'h2load: NUDGE_MAX_CONCURRENT_STREAMS of the HTTP/2-level variant', positiveInt('compare-streams'), 16)
    .option('--out <dir>', 'results directory', repoPath('bench', 'results'))
    .exitOverride();
  cli.parse([...argv], { from: 'user' });
  const o = cli.opts<Record<string, unknown>>();
  const generator = (o.generator as GeneratorKind | undefined) ?? defaultGenerator();
  return {
    generator,
    rates: o.rates as number[],
    factor: o.factor as number,
    durationMs: o.duration as number,
    warmupMs: o.warmup as number,
    sweepDurationMs: o.sweepDuration as number,
    capacity: (o.capacity as number | undefined) ?? null,
    capacityMs: o.capacityDuration as number,
    serverWarmupMs: o.serverWarmup as number,
    connections: o.connections as number,
    capacityStreams: o.capacityStreams as number,
    streams: o.streams as number,
    probeRate: o.probeRate as number,
    compare: o.compare === true,
    compareStreams: o.compareStreams as number,
    outDir: path.resolve(o.out as string),
  };
}

async function builtin(o: OverloadOptions, out: Record<string, unknown>, env: Record<string, string>): Promise<void> {
  let t = await startTarget({ name: 'nudge', kind: 'nudge' }, env);
  try {
    let capacity = o.capacity ?? 0;
    // A fresh process compiles its hot paths during the first seconds of traffic: not measured.
    await measure(t, 300, 5000, 0);
    if (o.capacity === null) {
      const sweep: Record<string, unknown>[] = [];
      for (const rate of o.rates) {
        const m = await measure(t, rate, o.sweepDurationMs, 1000);
        // Generator validity is reported, not required: on a shared machine its lateness is part of the noise.
        const pass = m.summary.latencyMs.p99 <= SLO_MS && m.summary.errorRate <= MAX_ERROR_RATE;
        sweep.push({ ...brief(rate, m), pass });
        process.stderr.write(`[overload] sweep ${JSON.stringify({ ...brief(rate, m), pass })}\n`);
        if (!pass) break;
        capacity = rate;
      }
      out.sweep = sweep;
    }
    out.capacity = capacity;
    if (capacity === 0) throw new Error('no sweep rate met the SLO');
    const rate = Math.round(capacity * o.factor);
    const m = await measure(t, rate, o.durationMs, o.warmupMs);
    out.overload = brief(rate, m);
    process.stderr.write(`[overload] ${rate}/s: ${JSON.stringify(out.overload)}\n`);
    if (o.compare) {
      await t.close();
      t = await startTarget({ name: 'nudge-nolag', kind: 'nudge' }, { ...env, NUDGE_MAX_LAG_MS: '0' });
      await measure(t, 300, 5000, 0);
      const c = await measure(t, rate, o.durationMs, o.warmupMs);
      out.overloadWithoutLagShedding = brief(rate, c);
    }
  } finally {
    await t.close();
  }
}

async function main(): Promise<void> {
  const o = parseOverloadOptions(process.argv.slice(2));
  const work = benchWorkDir('overload', [100]);
  const startedAt = new Date().toISOString();
  let out: Record<string, unknown>;
  try {
    if (o.generator === 'h2load') {
      out = await runH2loadOverload({ s: o, nudgeEnv: work.nudgeEnv, workDir: work.dir, log: (m) => process.stderr.write(`[overload] ${m}\n`) });
    } else {
      // The server's defaults otherwise (metrics on, as in production), inline unless NUDGE_MODE says.
      const env = { ...work.nudgeEnv, NUDGE_MODE: process.env.NUDGE_MODE ?? 'inline' };
      out = { generator: 'builtin', mode: env.NUDGE_MODE, startedAt, cores: os.availableParallelism(), loadAverageAtStart: os.loadavg() };
      await builtin(o, out, env);
    }
  } finally {
    work.remove();
  }
  out.command = `node dist/bench/overload.js ${process.argv.slice(2).join(' ')}`.trim();
  const text = `${JSON.stringify(out, null, 2)}\n`;
  fs.mkdirSync(o.outDir, { recursive: true });
  const file = path.join(o.outDir, `overload-${startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, text);
  if (o.generator === 'h2load') {
    process.stderr.write('[overload] summary\n');
    for (const k of ['overload', 'overloadWithoutLagShedding', 'overloadMaxStreams']) {
      if (out[k]) process.stderr.write(`  ${describeVariant(out[k] as Record<string, unknown>)}\n`);
    }
  }
  process.stderr.write(`[overload] wrote ${file}\n`);
  process.stdout.write(text);
}

if (require.main === module) runCli('overload', main);
