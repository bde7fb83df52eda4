/**
 * Part 1: Decide with NUDGE_STORE=lmdb against NUDGE_STORE=redis://, each server pinned to one core,
 * the generator (and Redis) on the other(s). Per round and store, alternating the order: saturated
 * throughput (closed loop) and p99 at a fixed open-loop rate (1,000 req/s by default).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runLoad } from '../loadgen/driver';
import { runH2load as runH2loadProcess } from '../h2load';
import { DECIDE_PATH, encodeDecideRequests } from '../loadgen/requests';
import type { LoadSummary } from '../loadgen/types';
import { processCpuMs } from '../proc';
import { MAIN_SCENARIO, requestsFor } from '../scenarios';
import { benchWorkDir } from '../workdir';
import { runClosed, type ClosedSummary } from './closed';
import { loadAverage, type ScaleContext } from './context';
import { pairedRatios, spread, type Spread } from './figures';
import type { BenchServer } from './server';

export interface OpenBrief {
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** p99 from the moment each request really left the generator: below p99Ms when the generator was late. */
  readonly sentP99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly achievedRate: number;
  readonly errorRate: number;
  readonly errors: Record<string, number>;
  readonly latenessP99Ms: number;
  readonly valid: boolean;
  readonly invalidReasons: string[];
  readonly serverCpuShare: number | null;
}

export function openBrief(s: LoadSummary, serverCpuShare: number | null): OpenBrief {
  return {
    rate: s.offeredRate,
    p50Ms: s.latencyMs.p50,
    p99Ms: s.latencyMs.p99,
    sentP99Ms: s.latencyFromSentMs.p99,
    p999Ms: s.latencyMs.p999,
    maxMs: s.latencyMs.max,
    achievedRate: s.achievedRate,
    errorRate: s.errorRate,
    errors: s.errors,
    latenessP99Ms: s.lateness.p99Ms,
    valid: s.valid,
    invalidReasons: s.invalidReasons,
    serverCpuShare,
  };
}

export interface StoreRound {
  readonly round: number;
  readonly store: 'lmdb' | 'redis';
  readonly closed: ClosedSummary;
  /** Redis CPU time / window during the closed run (redis store only). */
  readonly redisCpuShare: number | null;
  readonly h2load: H2loadResult | null;
  readonly open: OpenBrief;
  readonly loadAverage: number[];
}

export interface StoresResult {
  readonly rounds: StoreRound[];
  readonly throughput: { lmdb: Spread | null; redis: Spread | null; ratio: Spread | null };
  /**
   * OK answers per second of server CPU time (closed loop): the same figure corrected for CPU the
   * server did not get (other work on its core); equal to throughput when it had its core to itself.
   */
  readonly perServerCpuSecond: { lmdb: Spread | null; redis: Spread | null; ratio: Spread | null };
  readonly p99: { lmdb: Spread | null; redis: Spread | null; ratio: Spread | null; includesInvalid: boolean };
  readonly h2load: { lmdb: Spread | null; redis: Spread | null; ratio: Spread | null } | null;
  readonly serverCpus: readonly number[];
  readonly notes: string[];
}

export interface H2loadResult {
  readonly reqPerSecond: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly raw: string;
}

/** h2load closed loop (bench/h2load.ts): one pre-encoded body for every call; it sees HTTP status only, not grpc-status. */
export async function runH2load(address: string, o: { connections: number; depth: number; durationMs: number; warmupMs: number; cpus: readonly number[] | null; dir: string }): Promise<H2loadResult> {
  const bodyFile = path.join(o.dir, 'decide.bin');
  if (!fs.existsSync(bodyFile)) fs.writeFileSync(bodyFile, encodeDecideRequests({ ...requestsFor(MAIN_SCENARIO), distinct: 1 })[0]!);
  const { summary, out } = await runH2loadProcess(
    { address, path: DECIDE_PATH, bodyFile, connections: o.connections, streams: o.depth, durationMs: o.durationMs, warmupMs: o.warmupMs },
    o.cpus,
  );
  return {
    reqPerSecond: Math.round(summary.reqPerSecond),
    succeeded: summary.succeeded,
    failed: summary.failed,
    raw: out.split('\n').filter((l) => /finished|requests:|status codes|time for request/.test(l)).join('\n'),
  };
}

async function measureOpen(ctx: ScaleContext, server: BenchServer): Promise<OpenBrief> {
  const c0 = server.cpuMs();
  const t0 = performance.now();
  const s = await runLoad({ target: server.address, rate: ctx.s.openRate, durationMs: ctx.s.durationMs, warmupMs: ctx.s.warmupMs, drainMs: 3000, requests: requestsFor(MAIN_SCENARIO) });
  const c1 = server.cpuMs();
  return openBrief(s, c0 !== null && c1 !== null ? Math.round(((c1 - c0) / (performance.now() - t0)) * 1000) / 1000 : null);
}

export async function measureStores(ctx: ScaleContext): Promise<StoresResult> {
  const s = ctx.s;
  const serverCpus = ctx.plan.invalid === null ? [ctx.plan.server[0]!] : ctx.plan.all;
  const redis = await ctx.redis('everysec');
  const wl = benchWorkDir('scale-lmdb', [100]);
  const wr = benchWorkDir('scale-redis', [100]);
  const rounds: StoreRound[] = [];
  const notes: string[] = [];
  try {
    const servers = {
      lmdb: await ctx.nudge('nudge-lmdb', { ...wl.nudgeEnv, NUDGE_STORE: 'lmdb' }, serverCpus),
      redis: await ctx.nudge('nudge-redis', { ...wr.nudgeEnv, NUDGE_STORE: redis.url }, serverCpus),
    };
    const closedRun = (srv: BenchServer, durationMs: number, warmupMs: number): Promise<ClosedSummary> =>
      runClosed({
        target: srv.address, connections: s.connections, depth: s.depth, processes: 1, cpus: ctx.plan.invalid === null ? ctx.plan.gen : null,
        durationMs, warmupMs, requests: requestsFor(MAIN_SCENARIO), serverCpuMs: () => srv.cpuMs(),
      });
    // A fresh process compiles its hot paths during its first seconds of traffic: not measured.
    for (const k of ['lmdb', 'redis'] as const) {
      ctx.log(`stores: warming up ${k}`);
      await closedRun(servers[k], Math.max(1000, s.warmupMs * 2), 0);
    }
    for (let r = 0; r < s.rounds; r++) {
      const order = r % 2 === 0 ? (['lmdb', 'redis'] as const) : (['redis', 'lmdb'] as const);
      for (const store of order) {
        const srv = servers[store];
        if (!srv.alive()) throw new Error(`${srv.name} exited during the run:\n${srv.output.slice(-20).join('\n')}`);
        const r0 = processCpuMs(redis.pid);
        const t0 = performance.now();
        const closed = await closedRun(srv, s.durationMs, s.warmupMs);
        const r1 = processCpuMs(redis.pid);
        const redisCpuShare = store === 'redis' && r0 !== null && r1 !== null ? Math.round(((r1 - r0) / (performance.now() - t0)) * 1000) / 1000 : null;
        const h2 = s.h2load
          ? await runH2load(srv.address, { connections: s.connections, depth: s.depth, durationMs: s.durationMs, warmupMs: s.warmupMs, cpus: ctx.plan.invalid === null ? ctx.plan.gen : null, dir: wl.dir })
          : null;
        const open = await measureOpen(ctx, srv);
        const rec: StoreRound = { round: r + 1, store, closed, redisCpuShare, h2load: h2, open, loadAverage: loadAverage() };
        rounds.push(rec);
        ctx.log(
          `stores r${r + 1} ${store}: closed ${closed.okPerSecond}/s ok (errors ${(closed.errorRate * 100).toFixed(2)}%, server CPU ${closed.serverCpuShare}, gen CPU ${closed.generatorCpuShare}` +
            `${redisCpuShare !== null ? `, redis CPU ${redisCpuShare}` : ''})${h2 ? `, h2load ${h2.reqPerSecond}/s` : ''}; open ${open.rate}/s p50 ${open.p50Ms} p99 ${open.p99Ms} ms (from send ${open.sentP99Ms}, lateness p99 ${open.latenessP99Ms})${open.valid ? '' : ' INVALID'}; load ${rec.loadAverage[0]}`,
        );
      }
    }
  } finally {
    await ctx.cleanup();
    wl.remove();
    wr.remove();
  }
  const of = (store: 'lmdb' | 'redis', f: (x: StoreRound) => number | null): (number | null)[] =>
    Array.from({ length: s.rounds }, (_, i) => {
      const x = rounds.find((y) => y.round === i + 1 && y.store === store);
      return x ? f(x) : null;
    });
  const tp = (x: StoreRound): number => x.closed.okPerSecond;
  const perCpu = (x: StoreRound): number | null => (x.closed.serverCpuShare ? Math.round(x.closed.okPerSecond / x.closed.serverCpuShare) : null);
  // p99 of the valid open-loop runs; when a store has none, of all its runs, and the figure says so.
  const validOnly = (['lmdb', 'redis'] as const).every((k) => rounds.some((x) => x.store === k && x.open.valid));
  const p99 = (x: StoreRound): number | null => (x.open.valid || !validOnly ? x.open.p99Ms : null);
  const invalid = rounds.filter((x) => !x.open.valid).length;
  if (invalid > 0) {
    notes.push(
      validOnly
        ? `${invalid} open-loop run(s) INVALID (generator behind schedule): their p99 is left out of the figures.`
        : `${invalid} open-loop run(s) INVALID (generator behind schedule) and a store had no valid one: the p99 figures include INVALID runs, whose latency counts the generator's own delay.`,
    );
  }
  const errs = rounds.filter((x) => x.closed.errorRate > 0.001);
  if (errs.length > 0) notes.push(`closed-loop errors above 0.1% in ${errs.map((x) => `r${x.round} ${x.store} (${JSON.stringify(x.closed.errors)})`).join(', ')}: only OK answers count.`);
  const h2 = (x: StoreRound): number | null => x.h2load?.reqPerSecond ?? null;
  return {
    rounds,
    throughput: { lmdb: spread(of('lmdb', tp)), redis: spread(of('redis', tp)), ratio: spread(pairedRatios(of('redis', tp), of('lmdb', tp))) },
    perServerCpuSecond: { lmdb: spread(of('lmdb', perCpu)), redis: spread(of('redis', perCpu)), ratio: spread(pairedRatios(of('redis', perCpu), of('lmdb', perCpu))) },
    p99: { lmdb: spread(of('lmdb', p99)), redis: spread(of('redis', p99)), ratio: spread(pairedRatios(of('redis', p99), of('lmdb', p99))), includesInvalid: !validOnly && invalid > 0 },
    h2load: s.h2load ? { lmdb: spread(of('lmdb', h2)), redis: spread(of('redis', h2)), ratio: spread(pairedRatios(of('redis', h2), of('lmdb', h2))) } : null,
    serverCpus,
    notes,
  };
}
