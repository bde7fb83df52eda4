/** What every part of the scale benchmark gets: the settings, the CPU plan, logging and cleanup. */
import * as os from 'node:os';
import type { CpuPlan } from './pin';
import { startRedis, type Appendfsync, type BenchRedis } from './redis';
import { startNudge, type BenchServer } from './server';

export interface ScaleSettings {
  readonly profile: 'full' | 'quick';
  readonly rounds: number;
  /** Measured time of each closed- and open-loop run. */
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Closed loop: connections and calls in flight per connection. */
  readonly connections: number;
  readonly depth: number;
  /** NUDGE_PROCESSES values compared in the processes part. */
  readonly processes: number[];
  /** CPUs given to the generator (and Redis); the server gets the others. */
  readonly genCores: number;
  /** Where Redis runs: on the generator's CPUs (default) or the server's. */
  readonly redisOn: 'gen' | 'server';
  /** Decisions, then outcomes, per StreamOutcomes round, and the calls they are split over. */
  readonly outcomes: number;
  readonly streams: number;
  readonly lagSamples: number;
  readonly memoryDecisions: number;
  /** Also run h2load (closed loop, one fixed body; grpc-status unchecked) beside the raw generator. */
  readonly h2load: boolean;
  readonly parts: string[];
  readonly openRate: number;
  /** When set: every Nudge process runs with --cpu-prof, profiles in this directory. */
  readonly cpuProfDir: string | null;
  /** Niceness of the servers, Redis and the closed-loop generator (pin.ts setNiceness). */
  readonly priority: number;
}

export interface ScaleContext {
  readonly s: ScaleSettings;
  readonly plan: CpuPlan;
  log(msg: string): void;
  /** Redis and Nudge processes started through these are stopped by cleanup() too. */
  redis(appendfsync: Appendfsync): Promise<BenchRedis>;
  nudge(name: string, env: Record<string, string>, cpus: readonly number[] | null): Promise<BenchServer>;
  cleanup(): Promise<void>;
}

/** `packageRoot`: where the Nudge servers run from (a snapshot of the build, see snapshot.ts). */
export function makeContext(s: ScaleSettings, plan: CpuPlan, log: (m: string) => void, packageRoot?: string): ScaleContext {
  const live = new Set<{ stop(): Promise<void> }>();
  const redisCpus = plan.invalid !== null ? null : s.redisOn === 'gen' ? plan.gen : [plan.server[0]!];
  return {
    s,
    plan,
    log,
    redis: async (appendfsync) => {
      const r = await startRedis({ appendfsync, cpus: redisCpus });
      const h = { stop: () => r.stop() };
      live.add(h);
      return { ...r, stop: async () => { live.delete(h); await r.stop(); } };
    },
    nudge: async (name, env, cpus) => {
      // Cluster children are forked with the primary's execArgv, so they profile too.
      const prof = s.cpuProfDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${s.cpuProfDir}`];
      const n = await startNudge(name, env, plan.invalid !== null ? null : cpus, prof, packageRoot);
      log(`${name} on ${n.address}: pid ${n.pid}${n.childPids.length > 0 ? `, children ${n.childPids.join(',')}` : ''}, CPUs ${cpus?.join(',') ?? 'any'}`);
      const h = { stop: () => n.close() };
      live.add(h);
      return { ...n, close: async () => { live.delete(h); await n.close(); } };
    },
    cleanup: async () => {
      await Promise.all([...live].map((h) => h.stop().catch(() => undefined)));
      live.clear();
    },
  };
}

export const loadAverage = (): number[] => os.loadavg().map((x) => Math.round(x * 100) / 100);
