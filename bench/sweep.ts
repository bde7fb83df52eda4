/**
 * One scenario's measurements: the floor and Nudge driven by the same generator at the same rates,
 * alternating (floor r1, nudge r1, floor r2, ...) so that drift of a shared machine hits both alike.
 */
import * as os from 'node:os';
import { runLoad, type DriverOptions } from './loadgen/driver';
import { processCpuMs } from './proc';
import type { LoadSummary, TimerStrategy } from './loadgen/types';
import type { ClientKind } from './loadgen/transport';
import type { RequestSetOptions } from './loadgen/requests';

export interface SweepTarget {
  readonly name: string;
  readonly address: string;
  /** Process id of the server, for its CPU time; -1 when unknown. */
  readonly pid: number;
  /** Whether the target still runs (a crashed server stops being measured). */
  alive(): boolean;
}

export interface SweepSettings {
  readonly rates: readonly number[];
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly connections: number;
  readonly timer: TimerStrategy;
  readonly client: ClientKind;
  readonly sloMs: number;
  /** A run fails the SLO also when more than this share of requests got an error. */
  readonly maxErrorRate: number;
  /** A target is no longer measured after this many failed rates in a row. */
  readonly stopAfterFailures: number;
  readonly driver: Partial<DriverOptions>;
}

export interface RunRecord {
  readonly target: string;
  readonly rate: number;
  readonly startedAt: string;
  readonly pass: boolean;
  readonly summary: LoadSummary;
  /** Server CPU time during the whole run (warm-up included) / wall time; > 1 means several cores. */
  readonly serverCpuShare: number | null;
  /** 1-minute load average at the end of the run: high values mean other work shared the CPUs. */
  readonly loadAverage: number;
}

export interface Capacity {
  /** Highest offered rate that met the SLO (p99 <= slo, errors within bound, valid run); 0 if none. */
  readonly rate: number;
  /** Lowest offered rate that failed, if any was measured. */
  readonly firstFailRate: number | null;
  /** True when the first failure was an invalid run: the generator, not the server, set the limit. */
  readonly generatorLimited: boolean;
  /** True when no rate failed: capacity is at least `rate`. */
  readonly open: boolean;
}

export function passes(s: LoadSummary, settings: Pick<SweepSettings, 'sloMs' | 'maxErrorRate'>): boolean {
  return s.valid && s.latencyMs.count > 0 && s.latencyMs.p99 <= settings.sloMs && s.errorRate <= settings.maxErrorRate;
}

export async function sweep(
  targets: readonly SweepTarget[],
  requests: Partial<RequestSetOptions>,
  settings: SweepSettings,
  onRun: (r: RunRecord) => void = () => {},
  runner: typeof runLoad = runLoad,
): Promise<RunRecord[]> {
  const failures = new Map<string, number>(targets.map((t) => [t.name, 0]));
  const records: RunRecord[] = [];
  for (const rate of settings.rates) {
    let measured = 0;
    for (const t of targets) {
      if ((failures.get(t.name) ?? 0) >= settings.stopAfterFailures || !t.alive()) continue;
      measured++;
      const startedAt = new Date().toISOString();
      const cpu0 = processCpuMs(t.pid);
      const wall0 = Date.now();
      const summary = await runner(
        { target: t.address, rate, durationMs: settings.durationMs, warmupMs: settings.warmupMs, connections: settings.connections, timer: settings.timer, client: settings.client, requests },
        settings.driver,
      );
      const cpu1 = processCpuMs(t.pid);
      const serverCpuShare = cpu0 !== null && cpu1 !== null ? Math.round(((cpu1 - cpu0) / Math.max(1, Date.now() - wall0)) * 100) / 100 : null;
      const pass = passes(summary, settings);
      failures.set(t.name, pass ? 0 : (failures.get(t.name) ?? 0) + 1);
      const rec: RunRecord = { target: t.name, rate, startedAt, pass, summary, serverCpuShare, loadAverage: Math.round(os.loadavg()[0] * 100) / 100 };
      records.push(rec);
      onRun(rec);
    }
    if (measured === 0) break;
  }
  return records;
}

export function capacityOf(records: readonly RunRecord[], target: string): Capacity {
  const runs = records.filter((r) => r.target === target).sort((a, b) => a.rate - b.rate);
  const passing = runs.filter((r) => r.pass);
  const firstFail = runs.find((r) => !r.pass);
  return {
    rate: passing.length ? Math.max(...passing.map((r) => r.rate)) : 0,
    firstFailRate: firstFail ? firstFail.rate : null,
    generatorLimited: firstFail ? !firstFail.summary.valid : false,
    open: firstFail === undefined,
  };
}

export function runAt(records: readonly RunRecord[], target: string, rate: number): RunRecord | undefined {
  return records.find((r) => r.target === target && r.rate === rate);
}
