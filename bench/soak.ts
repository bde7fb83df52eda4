/**
 * Memory soak: Nudge at a steady rate for N minutes, its RSS (from /proc/<pid>/status) and heap (from
 * the server's own periodic memory log line, when NUDGE_MEM_LOG_MS makes it write one) sampled every
 * second. Writes bench/results/soak.json and bench/results/rss-soak.svg.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runLoad } from './loadgen/driver';
import type { LoadSummary } from './loadgen/types';
import { machineInfo, type MachineInfo } from './machine';
import type { SuiteOptions } from './options';
import { MAIN_SCENARIO, requestsFor } from './scenarios';
import { renderLineChart } from './svg';
import { readRssMb } from './proc';
import type { RunningTarget, TargetSpec } from './targets';
import { benchWorkDir } from './workdir';

export interface SoakSample {
  /** Seconds since the load started. */
  readonly t: number;
  readonly rssMb: number | null;
  readonly heapUsedMb: number | null;
  /** RSS split: anonymous memory (what a leak grows) and file-backed pages (LMDB maps). */
  readonly rssAnonMb?: number | null;
  readonly rssFileMb?: number | null;
}

export interface SoakVerdict {
  readonly warmupSeconds: number;
  /** Mean RSS of the first and last tenth of the post-warm-up samples. */
  readonly rssStartMb: number | null;
  readonly rssEndMb: number | null;
  readonly growthMb: number | null;
  /** Least-squares slope of RSS after warm-up. */
  readonly slopeMbPerMinute: number | null;
  /** Growth within max(10 MB, 5%) counts as flat (noise). */
  readonly flat: boolean | null;
}

export interface SoakResult {
  readonly kind: 'nudge-soak';
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly minutes: number;
  readonly rate: number;
  readonly heapSource: string;
  readonly samples: SoakSample[];
  /** On all of RSS, which includes LMDB's mapped pages of a decision log that grows by design. */
  readonly verdict: SoakVerdict;
  /** On anonymous RSS only (heap and native allocations): what a leak would grow. */
  readonly anonVerdict: SoakVerdict;
  readonly load: LoadSummary | null;
  readonly error?: string;
}

/** Anonymous (heap, native allocations) and file-backed (LMDB's mapped pages) parts of RSS, in MB. */
export function readRssParts(pid: number): { anonMb: number | null; fileMb: number | null } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const mb = (re: RegExp): number | null => {
      const m = re.exec(status);
      return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
    };
    return { anonMb: mb(/RssAnon:\s+(\d+)\s+kB/), fileMb: mb(/RssFile:\s+(\d+)\s+kB/) };
  } catch {
    return { anonMb: null, fileMb: null };
  }
}

/** The newest heapUsed (bytes) in the server's log lines, if it logs process.memoryUsage(). */
export function lastHeapUsedMb(lines: readonly string[], from: number): number | null {
  for (let i = lines.length - 1; i >= from; i--) {
    const m = /"heapUsed"\s*:\s*(\d+)/.exec(lines[i]);
    if (m) return Math.round((Number(m[1]) / 2 ** 20) * 10) / 10;
  }
  return null;
}

export function soakVerdict(samples: readonly SoakSample[], warmupSeconds: number): SoakVerdict {
  const xs = samples.filter((s) => s.t >= warmupSeconds && s.rssMb !== null) as (SoakSample & { rssMb: number })[];
  if (xs.length < 10) return { warmupSeconds, rssStartMb: null, rssEndMb: null, growthMb: null, slopeMbPerMinute: null, flat: null };
  const k = Math.max(1, Math.floor(xs.length / 10));
  const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
  const start = mean(xs.slice(0, k).map((s) => s.rssMb));
  const end = mean(xs.slice(-k).map((s) => s.rssMb));
  const mt = mean(xs.map((s) => s.t));
  const mr = mean(xs.map((s) => s.rssMb));
  let num = 0;
  let den = 0;
  for (const s of xs) {
    num += (s.t - mt) * (s.rssMb - mr);
    den += (s.t - mt) ** 2;
  }
  const slope = den > 0 ? (num / den) * 60 : 0;
  const growth = end - start;
  const r = (v: number): number => Math.round(v * 10) / 10;
  return { warmupSeconds, rssStartMb: r(start), rssEndMb: r(end), growthMb: r(growth), slopeMbPerMinute: Math.round(slope * 100) / 100, flat: growth <= Math.max(10, 0.05 * start) };
}

export function renderSoakChart(r: SoakResult): string {
  const series = [{ name: 'RSS (MB)', color: '#1f77b4', points: r.samples.filter((s) => s.rssMb !== null).map((s) => ({ x: s.t / 60, y: s.rssMb as number })) }];
  const heap = r.samples.filter((s) => s.heapUsedMb !== null).map((s) => ({ x: s.t / 60, y: s.heapUsedMb as number }));
  if (heap.length) series.push({ name: 'heap used (MB)', color: '#2ca02c', points: heap });
  const anon = r.samples.filter((s) => s.rssAnonMb != null).map((s) => ({ x: s.t / 60, y: s.rssAnonMb as number }));
  if (anon.length) series.push({ name: 'RSS anonymous (MB)', color: '#d62728', points: anon });
  const file = r.samples.filter((s) => s.rssFileMb != null).map((s) => ({ x: s.t / 60, y: s.rssFileMb as number }));
  if (file.length) series.push({ name: 'RSS file-backed: LMDB maps (MB)', color: '#9467bd', points: file });
  const v = r.verdict;
  return renderLineChart({
    title: `Nudge memory over a ${r.minutes}-minute soak at ${r.rate} req/s`,
    subtitle:
      v.growthMb === null
        ? 'too few samples for a verdict'
        : `RSS after warm-up ${v.rssStartMb} → ${v.rssEndMb} MB (${v.flat ? 'flat' : 'growing'}); anonymous ${r.anonVerdict.rssStartMb} → ${r.anonVerdict.rssEndMb} MB (${r.anonVerdict.flat ? 'flat' : 'GROWING'})`,
    xLabel: 'minutes since the load started',
    yLabel: 'MB',
    yLog: false,
    series,
  });
}

export interface SoakHooks {
  start(spec: TargetSpec, env: Record<string, string>): Promise<RunningTarget>;
  stop(t: RunningTarget): Promise<void>;
  log(msg: string): void;
}

export async function runSoak(o: SuiteOptions, hooks: SoakHooks): Promise<{ json: string; svg: string }> {
  const minutes = o.soakMinutes ?? 10;
  const startedAt = new Date().toISOString();
  const work = benchWorkDir('soak', [MAIN_SCENARIO.offers]);
  const samples: SoakSample[] = [];
  let load: LoadSummary | null = null;
  let error: string | undefined;
  let heapSource = 'none: the server wrote no line with "heapUsed" (set NUDGE_MEM_LOG_MS); RSS only';
  const nudge = await work.unlessFails(hooks.start({ name: 'nudge', kind: 'nudge', env: { NUDGE_MEM_LOG_MS: '1000' } }, work.nudgeEnv));
  try {
    hooks.log(`soak: ${minutes} min at ${o.soakRate} req/s against pid ${nudge.pid}`);
    const t0 = Date.now();
    let seen = 0;
    const timer = setInterval(() => {
      const heap = lastHeapUsedMb(nudge.output, seen);
      seen = nudge.output.length;
      const parts = readRssParts(nudge.pid);
      samples.push({ t: Math.round((Date.now() - t0) / 100) / 10, rssMb: readRssMb(nudge.pid), heapUsedMb: heap, rssAnonMb: parts.anonMb, rssFileMb: parts.fileMb });
      if (heap !== null) heapSource = 'server log (process.memoryUsage().heapUsed, NUDGE_MEM_LOG_MS=1000)';
    }, 1000);
    try {
      load = await runLoad(
        { target: nudge.address, rate: o.soakRate, durationMs: minutes * 60_000, warmupMs: 0, connections: o.connections, timer: o.timer, client: o.client, requests: requestsFor(MAIN_SCENARIO) },
        { processes: o.processes },
      );
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    } finally {
      clearInterval(timer);
    }
  } finally {
    await hooks.stop(nudge);
    work.remove();
  }
  const warmupSeconds = Math.min(60, Math.round(minutes * 6));
  const result: SoakResult = { kind: 'nudge-soak', startedAt, machine: machineInfo(), minutes, rate: o.soakRate, heapSource, samples, verdict: soakVerdict(samples, warmupSeconds), anonVerdict: soakVerdict(samples.map((x) => ({ ...x, rssMb: x.rssAnonMb ?? null })), warmupSeconds), load, ...(error ? { error } : {}) };
  fs.mkdirSync(o.outDir, { recursive: true });
  const json = path.join(o.outDir, 'soak.json');
  fs.writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  const svg = path.join(o.outDir, 'rss-soak.svg');
  fs.writeFileSync(svg, renderSoakChart(result));
  return { json, svg };
}
