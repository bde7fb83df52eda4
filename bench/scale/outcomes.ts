/**
 * Part 2: StreamOutcomes through Redis, appendfsync everysec against always (CONFIG SET between runs,
 * alternating the order per round). Each run makes fresh decisions with DecideBatch, then streams one
 * outcome per decision over `streams` StreamOutcomes calls whose messages were encoded before the
 * clock started (bench/loadgen/outcome-stream.ts); time from the first write until every summary
 * arrived. The server sends a summary only after Redis acknowledged the outcomes' script calls, so
 * with `always` the figure is fsynced outcomes per second.
 */
import { mulberry32 } from '../../src/shared/mulberry32';
import { benchCampaignName } from '../campaign-files';
import { encodeOutcomeChunks, streamOutcomes } from '../loadgen/outcome-stream';
import { processCpuMs } from '../proc';
import { benchWorkDir } from '../workdir';
import { loadAverage, type ScaleContext } from './context';
import { pairedRatios, round, spread, type Spread } from './figures';
import type { Appendfsync } from './redis';
import { clients, collectDecisions, type DecisionRef } from './rpc';

export interface OutcomeRun {
  readonly round: number;
  readonly appendfsync: Appendfsync;
  readonly decisions: number;
  readonly decideErrors: number;
  readonly decideSeconds: number;
  readonly streams: number;
  readonly seconds: number;
  readonly outcomesPerSecond: number;
  readonly appliedPerSecond: number;
  readonly summary: Record<string, number>;
  readonly serverCpuShare: number | null;
  readonly redisCpuShare: number | null;
  /** Redis INFO commandstats over the stream, busiest first: where Redis spent its CPU. */
  readonly redisCommands: RedisCommandStat[];
  readonly error?: string;
  readonly loadAverage: number[];
}

export interface OutcomesResult {
  readonly runs: OutcomeRun[];
  readonly everysec: Spread | null;
  readonly always: Spread | null;
  /** always / everysec, paired by round. */
  readonly alwaysOverEverysec: Spread | null;
  /** everysec / 50,000 (the goal). */
  readonly everysecOverGoal: Spread | null;
  readonly notes: string[];
}

export const OUTCOMES_GOAL = 50_000;

export interface RedisCommandStat {
  readonly command: string;
  readonly calls: number;
  readonly usec: number;
  readonly usecPerCall: number;
}

/** INFO commandstats (after CONFIG RESETSTAT) as rows, busiest first. */
export function commandStats(info: Record<string, string>): RedisCommandStat[] {
  const out: RedisCommandStat[] = [];
  for (const [k, v] of Object.entries(info)) {
    if (!k.startsWith('cmdstat_')) continue;
    const f = Object.fromEntries(v.split(',').map((kv) => kv.split('=') as [string, string]));
    out.push({ command: k.slice(8), calls: Number(f.calls), usec: Number(f.usec), usecPerCall: Number(f.usec_per_call) });
  }
  return out.sort((a, b) => b.usec - a.usec);
}

function split<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = Array.from({ length: n }, () => []);
  xs.forEach((x, i) => out[i % n]!.push(x));
  return out.filter((p) => p.length > 0);
}

export async function measureOutcomes(ctx: ScaleContext): Promise<OutcomesResult> {
  const s = ctx.s;
  const campaign = benchCampaignName(100);
  const serverCpus = ctx.plan.invalid === null ? [ctx.plan.server[0]!] : ctx.plan.all;
  const redis = await ctx.redis('everysec');
  const w = benchWorkDir('scale-outcomes', [100]);
  const runs: OutcomeRun[] = [];
  const notes: string[] = [];
  const rnd = mulberry32(11);
  let seed = 100;
  try {
    const srv = await ctx.nudge('nudge-outcomes', { ...w.nudgeEnv, NUDGE_STORE: redis.url }, serverCpus);
    const c = clients(srv.address);
    try {
      const once = async (n: number): Promise<{ ids: DecisionRef[]; errors: number; seconds: number; firstError: string | null }> =>
        collectDecisions(c, { campaign, n, batch: 1000, concurrency: 4, seed: seed++, keep: true });
      // Warm-up: decisions and a stream, not recorded.
      {
        const d = await once(Math.min(5000, s.outcomes));
        await streamOutcomes(srv.address, encodeOutcomeChunks(d.ids.map((x) => ({ ...x, reward: 1 }))));
      }
      for (let r = 0; r < s.rounds; r++) {
        const order: Appendfsync[] = r % 2 === 0 ? ['everysec', 'always'] : ['always', 'everysec'];
        for (const policy of order) {
          await redis.setAppendfsync(policy);
          const d = await once(s.outcomes);
          if (d.ids.length === 0) throw new Error(`no decision succeeded: ${d.firstError ?? ''}`);
          const parts = split(d.ids, s.streams).map((p) => encodeOutcomeChunks(p.map((x) => ({ ...x, reward: rnd() < 0.33 ? 1 : 0 }))));
          await redis.client.config('RESETSTAT');
          const c0 = srv.cpuMs();
          const r0 = processCpuMs(redis.pid);
          const t0 = performance.now();
          let error: string | undefined;
          const summary: Record<string, number> = {};
          try {
            const results = await Promise.all(parts.map((chunks) => streamOutcomes(srv.address, chunks)));
            for (const x of results) {
              if (x.status !== '0' || x.summary === null) error ??= `StreamOutcomes ended with grpc-status ${String(x.status)}: ${x.message ?? 'no summary'}`;
              for (const [k, v] of Object.entries(x.summary ?? {})) summary[k] = (summary[k] ?? 0) + Number(v);
            }
          } catch (err) {
            error = String(err);
          }
          const ms = performance.now() - t0;
          const c1 = srv.cpuMs();
          const r1 = processCpuMs(redis.pid);
          const redisCommands = commandStats(await redis.info('commandstats')).filter((x) => x.command !== 'info' && x.command !== 'config').slice(0, 8);
          const run: OutcomeRun = {
            round: r + 1,
            appendfsync: policy,
            decisions: d.ids.length,
            decideErrors: d.errors,
            decideSeconds: round(d.seconds, 2),
            streams: parts.length,
            seconds: round(ms / 1000, 3),
            outcomesPerSecond: error ? 0 : Math.round((summary.received ?? d.ids.length) / (ms / 1000)),
            appliedPerSecond: error ? 0 : Math.round((summary.applied ?? 0) / (ms / 1000)),
            summary,
            serverCpuShare: c0 !== null && c1 !== null ? round((c1 - c0) / ms, 3) : null,
            redisCpuShare: r0 !== null && r1 !== null ? round((r1 - r0) / ms, 3) : null,
            redisCommands,
            ...(error ? { error } : {}),
            loadAverage: loadAverage(),
          };
          runs.push(run);
          if ((summary.applied ?? 0) !== d.ids.length) notes.push(`r${r + 1} ${policy}: ${summary.applied ?? 0} of ${d.ids.length} outcomes APPLIED (${JSON.stringify(summary)})${error ? `: ${error}` : ''}`);
          ctx.log(
            `outcomes r${r + 1} ${policy}: ${run.outcomesPerSecond}/s (${d.ids.length} in ${run.seconds} s over ${run.streams} stream(s); applied ${summary.applied ?? 0}), server CPU ${run.serverCpuShare}, redis CPU ${run.redisCpuShare} (${redisCommands.slice(0, 4).map((x) => `${x.command} ${x.calls}x${x.usecPerCall}us`).join(', ')}); decide ${d.ids.length} in ${run.decideSeconds} s${error ? `; ERROR ${error}` : ''}`,
          );
        }
      }
    } finally {
      c.close();
    }
  } finally {
    await ctx.cleanup();
    w.remove();
  }
  const of = (p: Appendfsync): (number | null)[] =>
    Array.from({ length: s.rounds }, (_, i) => runs.find((x) => x.round === i + 1 && x.appendfsync === p && !x.error)?.outcomesPerSecond ?? null);
  return {
    runs,
    everysec: spread(of('everysec')),
    always: spread(of('always')),
    alwaysOverEverysec: spread(pairedRatios(of('always'), of('everysec'))),
    everysecOverGoal: spread(of('everysec').map((x) => (x === null ? null : x / OUTCOMES_GOAL))),
    notes,
  };
}
