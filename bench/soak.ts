/**
 * Memory soak: Nudge at a steady rate for N minutes, its RSS (from /proc/<pid>/status) and heap (from
 * the server's own periodic memory log line, when NUDGE_MEM_LOG_MS makes it write one) sampled every
 * second, with the size of its LMDB learning-state file (<data dir>/state/data.mdb). Writes
 * bench/results/soak.json, bench/results/rss-soak.svg and bench/results/state-soak.svg.
 *
 * --soak-retention D runs the server with NUDGE_DECISION_RETENTION=D. Retention never removes a
 * decision before its campaign's reward wait (plus a minute), and the bench campaign waits an hour, so
 * with the option the soak's campaign gets reward_wait_ms 0: then D alone decides. The comparison run
 * without effective retention is `--soak-retention 30d` (the server's default, same campaign).
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
import { benchCampaign, benchCampaignName } from './campaign-files';
import { stringify } from 'yaml';

export interface SoakSample {
  /** Seconds since the load started. */
  readonly t: number;
  readonly rssMb: number | null;
  readonly heapUsedMb: number | null;
  /** RSS split: anonymous memory (what a leak grows) and file-backed pages (LMDB maps). */
  readonly rssAnonMb?: number | null;
  readonly rssFileMb?: number | null;
  /** Size of <data dir>/state/data.mdb (st_size) and the disk blocks it holds (st_blocks), in MB. */
  readonly stateFileMb?: number | null;
  readonly stateFileAllocMb?: number | null;
}

export interface StateFileVerdict {
  readonly path: string;
  readonly warmupSeconds: number;
  /** The first and last post-warm-up samples. */
  readonly startMb: number | null;
  readonly endMb: number | null;
  /** Least-squares slope over the last half of the post-warm-up samples, and over all of them. */
  readonly lastHalfSlopeMbPerMinute: number | null;
  readonly slopeMbPerMinute: number | null;
  /** The same slope of the allocated size (st_blocks). */
  readonly lastHalfAllocSlopeMbPerMinute: number | null;
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
  /** NUDGE_DECISION_RETENTION given to the server (null: its default, 30 d) and the campaign's reward wait. */
  readonly retention: string | null;
  readonly rewardWaitMs: number;
  /** The learning-state file's size after warm-up. */
  readonly stateFile: StateFileVerdict;
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

/** Apparent (st_size) and allocated (st_blocks) size of a file in MB; nulls while it does not exist. */
export function fileSizeMb(file: string): { sizeMb: number | null; allocMb: number | null } {
  try {
    const st = fs.statSync(file);
    const r = (b: number): number => Math.round((b / 2 ** 20) * 100) / 100;
    return { sizeMb: r(st.size), allocMb: r(st.blocks * 512) };
  } catch {
    return { sizeMb: null, allocMb: null };
  }
}

/** Least-squares slope of y against t (seconds), per minute; null under 2 points. */
export function slopePerMinute(points: readonly { t: number; y: number }[]): number | null {
  if (points.length < 2) return null;
  const mt = points.reduce((a, p) => a + p.t, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.y - my);
    den += (p.t - mt) ** 2;
  }
  return den > 0 ? Math.round((num / den) * 60 * 1000) / 1000 : null;
}

export function stateFileVerdict(samples: readonly SoakSample[], warmupSeconds: number, file: string): StateFileVerdict {
  const pts = (pick: (s: SoakSample) => number | null | undefined): { t: number; y: number }[] =>
    samples.filter((s) => s.t >= warmupSeconds && pick(s) != null).map((s) => ({ t: s.t, y: pick(s) as number }));
  const size = pts((s) => s.stateFileMb);
  const alloc = pts((s) => s.stateFileAllocMb);
  const lastHalf = <T>(a: T[]): T[] => a.slice(Math.floor(a.length / 2));
  return {
    path: file,
    warmupSeconds,
    startMb: size.length ? size[0]!.y : null,
    endMb: size.length ? size[size.length - 1]!.y : null,
    lastHalfSlopeMbPerMinute: slopePerMinute(lastHalf(size)),
    slopeMbPerMinute: slopePerMinute(size),
    lastHalfAllocSlopeMbPerMinute: slopePerMinute(lastHalf(alloc)),
  };
}

export function renderStateFileChart(r: SoakResult): string {
  const v = r.stateFile;
  const series = [
    { name: 'data.mdb size (MB)', color: '#8c564b', points: r.samples.filter((s) => s.stateFileMb != null).map((s) => ({ x: s.t / 60, y: s.stateFileMb as number })) },
    { name: 'data.mdb allocated blocks (MB)', color: '#17becf', dashed: true, points: r.samples.filter((s) => s.stateFileAllocMb != null).map((s) => ({ x: s.t / 60, y: s.stateFileAllocMb as number })) },
  ];
  return renderLineChart({
    title: `Nudge learning-state file over a ${r.minutes}-minute soak at ${r.rate} req/s, retention ${r.retention ?? 'default (30d)'}`,
    subtitle:
      v.startMb === null
        ? 'no state-file samples after warm-up'
        : `after warm-up ${v.startMb} → ${v.endMb} MB; slope over the last half ${v.lastHalfSlopeMbPerMinute} MB/min (reward wait ${r.rewardWaitMs} ms)`,
    xLabel: 'minutes since the load started',
    yLabel: 'MB',
    yLog: false,
    series,
  });
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
  const retention = o.soakRetention ?? null;
  let rewardWaitMs = Number(benchCampaign(MAIN_SCENARIO.offers).reward_wait_ms);
  if (retention !== null) {
    // Retention waits for the longest reward wait (an hour here): without this, nothing would leave
    // the log within a soak. Rewritten before the server starts, so it loads this campaign.
    rewardWaitMs = 0;
    const file = path.join(work.dir, 'campaigns', `${benchCampaignName(MAIN_SCENARIO.offers)}.yaml`);
    fs.writeFileSync(file, stringify({ ...benchCampaign(MAIN_SCENARIO.offers), reward_wait_ms: 0 }));
  }
  const stateFile = path.join(work.nudgeEnv.NUDGE_DATA_DIR!, 'state', 'data.mdb');
  const samples: SoakSample[] = [];
  let load: LoadSummary | null = null;
  let error: string | undefined;
  let heapSource = 'none: the server wrote no line with "heapUsed" (set NUDGE_MEM_LOG_MS); RSS only';
  const nudge = await work.unlessFails(hooks.start({ name: 'nudge', kind: 'nudge', env: { NUDGE_MEM_LOG_MS: '1000', ...(retention !== null ? { NUDGE_DECISION_RETENTION: retention } : {}) } }, work.nudgeEnv));
  try {
    hooks.log(`soak: ${minutes} min at ${o.soakRate} req/s against pid ${nudge.pid}, retention ${retention ?? 'default'}, reward wait ${rewardWaitMs} ms`);
    const t0 = Date.now();
    let seen = 0;
    const timer = setInterval(() => {
      const heap = lastHeapUsedMb(nudge.output, seen);
      seen = nudge.output.length;
      const parts = readRssParts(nudge.pid);
      const st = fileSizeMb(stateFile);
      samples.push({ t: Math.round((Date.now() - t0) / 100) / 10, rssMb: readRssMb(nudge.pid), heapUsedMb: heap, rssAnonMb: parts.anonMb, rssFileMb: parts.fileMb, stateFileMb: st.sizeMb, stateFileAllocMb: st.allocMb });
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
  const result: SoakResult = { kind: 'nudge-soak', startedAt, machine: machineInfo(), minutes, rate: o.soakRate, heapSource, samples, verdict: soakVerdict(samples, warmupSeconds), anonVerdict: soakVerdict(samples.map((x) => ({ ...x, rssMb: x.rssAnonMb ?? null })), warmupSeconds), retention, rewardWaitMs, stateFile: stateFileVerdict(samples, warmupSeconds, stateFile), load, ...(error ? { error } : {}) };
  fs.mkdirSync(o.outDir, { recursive: true });
  const json = path.join(o.outDir, 'soak.json');
  fs.writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  const svg = path.join(o.outDir, 'rss-soak.svg');
  fs.writeFileSync(svg, renderSoakChart(result));
  const stateSvg = path.join(o.outDir, 'state-soak.svg');
  fs.writeFileSync(stateSvg, renderStateFileChart(result));
  const sf = result.stateFile;
  hooks.log(`soak: data.mdb after warm-up ${sf.startMb} -> ${sf.endMb} MB, last-half slope ${sf.lastHalfSlopeMbPerMinute} MB/min (allocated ${sf.lastHalfAllocSlopeMbPerMinute}); chart ${stateSvg}`);
  return { json, svg };
}
