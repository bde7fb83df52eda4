/**
 * Overload check (issue 7): finds Nudge's capacity at the SLO with a short sweep, then offers a multiple
 * of it and reports what was accepted, what was shed (RESOURCE_EXHAUSTED), the p99 of the accepted
 * requests and the server's RSS; optionally the same overload with queueing-delay shedding off (the
 * CoDel-like rule of src/server/codel.ts; NUDGE_MAX_LAG_MS=0), for comparison.
 *
 *   node dist/bench/overload.js [--rates 250,500,...] [--factor 2] [--duration 10000] [--compare]
 *
 * One Nudge process (defaults, inline unless NUDGE_MODE is set in the environment) and the benchmark's
 * generator; prints one JSON document on stdout. A benchmark figure, not a test.
 */
import * as os from 'node:os';
import { Command } from 'commander';
import { benchCampaignName } from './campaign-files';
import { runLoad } from './loadgen/driver';
import type { LoadSummary } from './loadgen/types';
import { readRssMb } from './proc';
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
  let rssMax: number | null = null;
  const sampler = setInterval(() => {
    const r = readRssMb(t.pid);
    if (r !== null && (rssMax === null || r > rssMax)) rssMax = r;
  }, 250);
  try {
    const summary = await runLoad(
      { target: t.address, rate, durationMs, warmupMs, drainMs: 3000, requests: { campaign: benchCampaignName(100), customerPrefix: 'c', customers: 10_000, numOffers: 3 } },
      { processes: 1 },
    );
    return { summary, rssMaxMb: rssMax, rssEndMb: readRssMb(t.pid), loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100) };
  } finally {
    clearInterval(sampler);
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

async function main(): Promise<void> {
  const cli = new Command('overload')
    .option('--rates <list>', 'sweep rates, req/s', '250,500,750,1000,1250,1500,2000,2500,3000')
    .option('--factor <x>', 'overload as a multiple of the capacity found', '2')
    .option('--duration <ms>', 'measured time of the overload run', '15000')
    .option('--sweep-duration <ms>', 'measured time per sweep step', '3000')
    .option('--capacity <n>', 'skip the sweep and use this capacity, req/s')
    .option('--compare', 'also run the overload with queueing-delay shedding off (NUDGE_MAX_LAG_MS=0)')
    .parse();
  const o = cli.opts<{ rates: string; factor: string; duration: string; sweepDuration: string; capacity?: string; compare?: boolean }>();
  const work = benchWorkDir('overload', [100]);
  // The server's defaults otherwise (metrics on, as in production), inline unless NUDGE_MODE says.
  const env = { ...work.nudgeEnv, NUDGE_MODE: process.env.NUDGE_MODE ?? 'inline' };
  const out: Record<string, unknown> = { mode: env.NUDGE_MODE, cores: os.availableParallelism(), loadAverageAtStart: os.loadavg() };
  let t = await work.unlessFails(startTarget({ name: 'nudge', kind: 'nudge' }, env));
  try {
    let capacity = o.capacity === undefined ? 0 : Number(o.capacity);
    // A fresh process compiles its hot paths during the first seconds of traffic: not measured.
    await measure(t, 300, 5000, 0);
    if (o.capacity === undefined) {
      const sweep: Record<string, unknown>[] = [];
      for (const rate of o.rates.split(',').map(Number)) {
        const m = await measure(t, rate, Number(o.sweepDuration), 1000);
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
    const rate = Math.round(capacity * Number(o.factor));
    const m = await measure(t, rate, Number(o.duration), 2000);
    out.overload = brief(rate, m);
    process.stderr.write(`[overload] ${rate}/s: ${JSON.stringify(out.overload)}\n`);
    if (o.compare) {
      await t.close();
      t = await startTarget({ name: 'nudge-nolag', kind: 'nudge' }, { ...env, NUDGE_MAX_LAG_MS: '0' });
      await measure(t, 300, 5000, 0);
      const c = await measure(t, rate, Number(o.duration), 2000);
      out.overloadWithoutLagShedding = brief(rate, c);
    }
  } finally {
    await t.close();
    work.remove();
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
