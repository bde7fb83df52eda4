/**
 * Part 4: saturated Decide throughput (closed loop) with NUDGE_PROCESSES = 1, 2, ... on one Redis.
 * Each server gets its own `processes` cores when the machine has them beside the generator's
 * (--gen-cores); otherwise every CPU, shared with the generator and Redis, and the figure is marked
 * shared: it then says what one 2-core box does, not how Nudge scales. node:cluster spreads connections
 * (not calls) over the children, so the generator opens max(--connections, 2 x processes) connections.
 */
import { MAIN_SCENARIO, requestsFor } from '../scenarios';
import { benchWorkDir, type BenchWorkDir } from '../workdir';
import { processCpuMs } from '../proc';
import { runClosed, type ClosedSummary } from './closed';
import { loadAverage, type ScaleContext } from './context';
import { pairedRatios, round, spread, type Spread } from './figures';
import { serverCpusFor } from './pin';
import type { BenchServer } from './server';

export interface ProcessesRun {
  readonly round: number;
  readonly processes: number;
  readonly closed: ClosedSummary;
  /** CPU share of each serving process over the run (1 = one core). */
  readonly perProcessCpuShare: (number | null)[];
  readonly redisCpuShare: number | null;
  readonly loadAverage: number[];
}

export interface ProcessesFigure {
  readonly processes: number;
  readonly cpus: readonly number[];
  /** true: the server's CPUs overlap the generator's and Redis's. */
  readonly shared: boolean;
  readonly throughput: Spread | null;
  /** throughput / throughput with the first processes value (paired by round). */
  readonly ratio: Spread | null;
  /** ratio / (processes / first): the goal is >= 0.8. */
  readonly efficiency: Spread | null;
  /** OK answers per second of server CPU time (all its processes). */
  readonly perServerCpuSecond: Spread | null;
  readonly serverCpuShare: Spread | null;
}

export interface ProcessesResult {
  readonly runs: ProcessesRun[];
  readonly figures: ProcessesFigure[];
  readonly connections: number;
  readonly inFlight: number;
  readonly generatorCpus: readonly number[];
  readonly generatorProcesses: number;
  readonly notes: string[];
}

export async function measureProcesses(ctx: ScaleContext): Promise<ProcessesResult> {
  const s = ctx.s;
  const ps = s.processes;
  const connections = Math.max(s.connections, 2 * Math.max(...ps));
  const genCpus = ctx.plan.invalid === null ? ctx.plan.gen : null;
  const genProcesses = Math.max(1, ctx.plan.invalid === null ? ctx.plan.gen.length : 1);
  const redis = await ctx.redis('everysec');
  const works: BenchWorkDir[] = [];
  const runs: ProcessesRun[] = [];
  const placement = new Map<number, { cpus: readonly number[]; shared: boolean }>();
  const notes: string[] = [];
  try {
    const servers = new Map<number, BenchServer>();
    for (const p of ps) {
      const w = benchWorkDir(`scale-p${p}`, [100]);
      works.push(w);
      const place = serverCpusFor(ctx.plan, p);
      placement.set(p, place);
      servers.set(p, await ctx.nudge(`nudge-p${p}`, { ...w.nudgeEnv, NUDGE_STORE: redis.url, NUDGE_PROCESSES: String(p) }, place.cpus));
    }
    const closedRun = (srv: BenchServer, durationMs: number, warmupMs: number): Promise<ClosedSummary> =>
      runClosed({ target: srv.address, connections, depth: s.depth, processes: genProcesses, cpus: genCpus, durationMs, warmupMs, requests: requestsFor(MAIN_SCENARIO), serverCpuMs: () => srv.cpuMs() });
    for (const p of ps) {
      ctx.log(`processes: warming up NUDGE_PROCESSES=${p}`);
      await closedRun(servers.get(p)!, Math.max(1000, s.warmupMs * 2), 0);
    }
    for (let r = 0; r < s.rounds; r++) {
      const order = r % 2 === 0 ? ps : [...ps].reverse();
      for (const p of order) {
        const srv = servers.get(p)!;
        if (!srv.alive()) throw new Error(`${srv.name} exited during the run:\n${srv.output.slice(-20).join('\n')}`);
        const pp0 = srv.perProcessCpuMs();
        const r0 = processCpuMs(redis.pid);
        const t0 = performance.now();
        const closed = await closedRun(srv, s.durationMs, s.warmupMs);
        const ms = performance.now() - t0;
        const pp1 = srv.perProcessCpuMs();
        const r1 = processCpuMs(redis.pid);
        const run: ProcessesRun = {
          round: r + 1,
          processes: p,
          closed,
          perProcessCpuShare: pp1.map((x, i) => (x !== null && pp0[i] != null ? round((x - pp0[i]!) / ms, 3) : null)),
          redisCpuShare: r0 !== null && r1 !== null ? round((r1 - r0) / ms, 3) : null,
          loadAverage: loadAverage(),
        };
        runs.push(run);
        ctx.log(
          `processes r${r + 1} P=${p}: ${closed.okPerSecond}/s ok (errors ${(closed.errorRate * 100).toFixed(2)}%), server CPU ${closed.serverCpuShare} [${run.perProcessCpuShare.join(', ')}], gen CPU ${closed.generatorCpuShare}, redis CPU ${run.redisCpuShare}; load ${run.loadAverage[0]}`,
        );
      }
    }
  } finally {
    await ctx.cleanup();
    for (const w of works) w.remove();
  }
  const series = (p: number, f: (x: ProcessesRun) => number | null): (number | null)[] =>
    Array.from({ length: s.rounds }, (_, i) => {
      const x = runs.find((y) => y.round === i + 1 && y.processes === p);
      return x ? f(x) : null;
    });
  const tp = (x: ProcessesRun): number => x.closed.okPerSecond;
  const base = ps[0]!;
  const figures = ps.map((p): ProcessesFigure => {
    const ratios = pairedRatios(series(p, tp), series(base, tp));
    const place = placement.get(p) ?? { cpus: [], shared: true };
    return {
      processes: p,
      cpus: place.cpus,
      shared: place.shared,
      throughput: spread(series(p, tp)),
      ratio: spread(ratios),
      efficiency: spread(ratios.map((x) => x / (p / base))),
      perServerCpuSecond: spread(series(p, (x) => (x.closed.serverCpuShare ? Math.round(x.closed.okPerSecond / x.closed.serverCpuShare) : null))),
      serverCpuShare: spread(series(p, (x) => x.closed.serverCpuShare)),
    };
  });
  for (const f of figures) {
    if (f.shared) notes.push(`NUDGE_PROCESSES=${f.processes} ran on CPUs ${f.cpus.join(',')}, shared with the generator and Redis: not a scaling figure.`);
  }
  return { runs, figures, connections, inFlight: connections * s.depth, generatorCpus: genCpus ?? [], generatorProcesses: genProcesses, notes };
}
