/**
 * nghttp2's h2load (C, Debian's nghttp2-client) as a load generator for gRPC Decide: one pre-encoded
 * DecideRequest body (gRPC-framed) POSTed with `content-type: application/grpc` and `te: trailers`.
 *
 * - closed loop (saturated throughput): `-c C -m M -D S --warm-up-time W`: C connections, M streams in
 *   flight on each, a new request as soon as one ends; the figure is h2load's own req/s of the main
 *   duration.
 * - open loop (`--rps R` per connection, so C x R in all): h2load sends what is due on a timer per
 *   connection; `--log-file` records per request its start (us since the epoch), HTTP status (-1 for
 *   a failed stream) and the time to the end of the response (us). The p99 here is computed from that
 *   file. Unlike bench/loadgen, h2load times a request from when it sent it, not from when it was due,
 *   so a generator that falls behind hides that delay (coordinated omission); the log's start times
 *   show how far the sends strayed from the schedule.
 *
 * h2load sees HTTP status only: a gRPC error (grpc-status in the trailers) is an HTTP 200. Check the
 * body once with a gRPC-aware client before trusting the counts (bench/headline.ts does).
 * Options checked against h2load 1.52 (`h2load --help`): -c, -m, -t, -D, --warm-up-time, -d, -H,
 * --rps, --log-file. -r is the connection-creation rate, not a request rate.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { pinned } from './scale/pin';

export const H2LOAD = process.env.H2LOAD ?? 'h2load';

/** "h2load nghttp2/1.52.0" -> "1.52.0"; null when h2load cannot run. */
export function h2loadVersion(bin = H2LOAD): string | null {
  try {
    const out = execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /nghttp2\/(\S+)/.exec(out);
    return m ? m[1]! : out.trim() || null;
  } catch {
    return null;
  }
}

export interface H2loadRun {
  readonly address: string;
  readonly path: string;
  /** File holding one gRPC-framed request message. */
  readonly bodyFile: string;
  readonly connections: number;
  /** Streams in flight per connection (-m). */
  readonly streams: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Open loop: total requests per second, split evenly over the connections (--rps each). */
  readonly rate?: number;
  /** Open loop: where h2load writes its per-request log. */
  readonly logFile?: string;
}

// Whole milliseconds: h2load 1.52 takes an integer with a unit, and refuses "1.5s".
const duration = (ms: number): string => `${Math.round(ms)}ms`;

/** The command line (after `h2load`) of a run. */
export function h2loadArgs(r: H2loadRun): string[] {
  const args = ['-c', String(r.connections), '-m', String(r.streams), '-t', '1', '-D', duration(r.durationMs)];
  if (r.warmupMs > 0) args.push(`--warm-up-time=${duration(r.warmupMs)}`);
  if (r.rate !== undefined) {
    const per = r.rate / r.connections;
    if (!Number.isInteger(per) || per <= 0) throw new RangeError(`h2load --rps is per connection: ${r.rate} req/s over ${r.connections} connections is not a whole number each`);
    args.push(`--rps=${per}`);
  }
  if (r.logFile !== undefined) args.push(`--log-file=${r.logFile}`);
  args.push('-d', r.bodyFile, '-H', 'content-type: application/grpc', '-H', 'te: trailers', `http://${r.address}${r.path}`);
  return args;
}

export interface H2loadSummary {
  /** req/s of the main duration, as h2load prints it. */
  readonly reqPerSecond: number;
  readonly total: number;
  readonly done: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly errored: number;
  readonly timeout: number;
  readonly status: { readonly '2xx': number; readonly '3xx': number; readonly '4xx': number; readonly '5xx': number };
  /** Answers that were not HTTP 2xx, plus streams that failed: what h2load can tell is wrong. */
  readonly non2xx: number;
}

/** Parses h2load's final report (stdout). Throws when the report is missing (h2load failed). */
export function parseH2loadSummary(out: string): H2loadSummary {
  const rps = /finished in [\d.]+\w*, ([\d.]+) req\/s/.exec(out);
  const req = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(out);
  const st = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  if (!rps || !req || !st) throw new Error(`h2load printed no report:\n${out.split('\n').slice(-15).join('\n')}`);
  const status = { '2xx': Number(st[1]), '3xx': Number(st[2]), '4xx': Number(st[3]), '5xx': Number(st[4]) };
  return {
    reqPerSecond: Number(rps[1]),
    total: Number(req[1]),
    done: Number(req[3]),
    succeeded: Number(req[4]),
    failed: Number(req[5]),
    errored: Number(req[6]),
    timeout: Number(req[7]),
    status,
    non2xx: status['3xx'] + status['4xx'] + status['5xx'] + Number(req[5]),
  };
}

export interface H2loadLogSummary {
  readonly requests: number;
  /** By HTTP status ("200", "-1" for a failed stream, ...). */
  readonly status: Record<string, number>;
  readonly non2xx: number;
  /** Latency of the 2xx answers, ms (nearest-rank percentiles). */
  readonly latencyMs: { readonly count: number; readonly p50: number; readonly p90: number; readonly p99: number; readonly p999: number; readonly max: number; readonly mean: number };
  /** From the first start to the last end, ms; rate = requests / window. */
  readonly windowMs: number;
  readonly achievedRate: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[k]!;
}

/** Parses h2load's --log-file: `start_us<TAB>status<TAB>duration_us` per line (more columns may follow). */
export function parseH2loadLog(text: string): H2loadLogSummary {
  const status: Record<string, number> = {};
  const lat: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  let requests = 0;
  let non2xx = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [a, b, c] = line.split('\t');
    const start = Number(a);
    const dur = Number(c);
    if (b === undefined || !Number.isFinite(start) || !Number.isFinite(dur)) continue;
    requests++;
    status[b] = (status[b] ?? 0) + 1;
    first = Math.min(first, start);
    last = Math.max(last, start + dur);
    if (/^2\d\d$/.test(b)) lat.push(dur);
    else non2xx++;
  }
  lat.sort((x, y) => x - y);
  const ms = (us: number): number => Math.round(us) / 1000;
  const windowMs = requests > 0 ? (last - first) / 1000 : 0;
  return {
    requests,
    status,
    non2xx,
    latencyMs: {
      count: lat.length,
      p50: ms(percentile(lat, 0.5)),
      p90: ms(percentile(lat, 0.9)),
      p99: ms(percentile(lat, 0.99)),
      p999: ms(percentile(lat, 0.999)),
      max: ms(lat.length ? lat[lat.length - 1]! : 0),
      mean: ms(lat.length ? lat.reduce((x, y) => x + y, 0) / lat.length : 0),
    },
    windowMs: Math.round(windowMs),
    achievedRate: windowMs > 0 ? Math.round((requests / windowMs) * 1000) : 0,
  };
}

/** Runs h2load (on `cpus` when given) and returns its report; rejects when it fails or prints none. */
export function runH2load(r: H2loadRun, cpus: readonly number[] | null): Promise<{ summary: H2loadSummary; out: string; spawnedAt: number }> {
  const p = pinned(cpus, H2LOAD, h2loadArgs(r));
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.now();
    const child = spawn(p.cmd, p.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), r.durationMs + r.warmupMs + 30_000);
    child.once('error', (e) => {
      clearTimeout(kill);
      reject(e);
    });
    child.once('exit', () => {
      clearTimeout(kill);
      try {
        resolve({ summary: parseH2loadSummary(out), out, spawnedAt });
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

export function readH2loadLog(file: string): H2loadLogSummary {
  return parseH2loadLog(fs.readFileSync(file, 'utf8'));
}
