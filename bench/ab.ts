/**
 * Two builds of Nudge compared end to end: both servers run at once, pinned to the same core, and are
 * loaded one at a time, alternately, by short saturated h2load runs from the other core (4 connections
 * x 16 streams, the headline's closed loop). What is compared is main-thread CPU per answered Decide
 * (/proc), per pair of runs. On a shared machine whose speed drifts within seconds, many short
 * alternating pairs and the median of their differences say more than a few long runs: the drift hits
 * both sides of a pair alike (docs/benchmarks.md, "Two builds").
 *
 *   npm run build && node dist/bench/ab.js --a /path/to/other/checkout [--b .] [--pairs 40] [--ms 500] \
 *     [--env NUDGE_MAX_LAG_MS=5] [--a-env KEY=VALUE] [--b-env KEY=VALUE] [--json out.json]
 *
 * `--a-env` / `--b-env` set one side's environment only (after `--env`): with `--a . --b .` they
 * compare two settings of one build.
 *
 * Each side is a package root with a build (dist/) and its node_modules: a second checkout, or a copy
 * of this one taken before a change (`git worktree add`, then `npm ci` there). Shedding is off on both
 * sides unless --env turns it on: a refused call costs CPU that would be charged to the answered ones.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { runCli } from './cli';
import { checkBody, decideCounts, metricsPortOf, nonOkDelta, writeDecideBody } from './headline';
import { percentile, runH2load } from './h2load';
import { DECIDE_PATH } from './loadgen/requests';
import { positiveInteger } from './micro/args';
import { mainThreadCpuMs } from './proc';
import { round, spread, type Spread } from './scale/figures';
import { planCpus } from './scale/pin';
import { startTarget, type RunningTarget } from './targets';
import { benchWorkDir } from './workdir';

export const AB_DEFAULTS = Object.freeze({ pairs: 40, ms: 500, rewarmMs: 200, warmupMs: 3000, connections: 4, streams: 16 });

/** Nudge's settings on both sides before --env: shedding off. */
export const AB_BASE_ENV: Readonly<Record<string, string>> = Object.freeze({ NUDGE_MAX_LAG_MS: '0' });

export interface AbFigures {
  /** Main-thread us per Decide of each side over the pairs. */
  readonly a: Spread | null;
  readonly b: Spread | null;
  /** b - a per pair (us): negative means b costs less. */
  readonly diff: Spread | null;
  /** Quartiles of the paired differences. */
  readonly diffQuartiles: readonly [number, number] | null;
  /** median(b) / median(a). */
  readonly ratioOfMedians: number | null;
}

/** Lower and upper quartile (nearest rank) of `xs`. */
export function quartiles(xs: readonly number[]): [number, number] | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((x, y) => x - y);
  return [percentile(s, 0.25), percentile(s, 0.75)];
}

/** The figures of paired runs: aUs[i] and bUs[i] are pair i's (null: the run gave no figure). */
export function abFigures(aUs: readonly (number | null)[], bUs: readonly (number | null)[]): AbFigures {
  if (aUs.length !== bUs.length) throw new RangeError('aUs and bUs must have one entry per pair');
  const diffs: number[] = [];
  for (let i = 0; i < aUs.length; i++) {
    const x = aUs[i];
    const y = bUs[i];
    if (typeof x === 'number' && typeof y === 'number') diffs.push(y - x);
  }
  const a = spread(aUs);
  const b = spread(bUs);
  return {
    a,
    b,
    diff: spread(diffs),
    diffQuartiles: quartiles(diffs),
    ratioOfMedians: a !== null && b !== null && a.median > 0 ? round(b.median / a.median, 3) : null,
  };
}

/** KEY=VALUE of --env. */
export function parseEnvPair(v: string, previous: Record<string, string> = {}): Record<string, string> {
  const i = v.indexOf('=');
  if (i <= 0 || !/^[A-Z_][A-Z0-9_]*$/.test(v.slice(0, i))) throw new InvalidArgumentError('--env must be KEY=VALUE with an upper-case KEY');
  return { ...previous, [v.slice(0, i)]: v.slice(i + 1) };
}

function buildRoot(flag: string): (v: string) => string {
  return (v) => {
    const root = path.resolve(v);
    if (!fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js'))) throw new InvalidArgumentError(`${flag}: ${root} has no build (dist/src/cli/main.js); run npm ci there`);
    return root;
  };
}

interface Side {
  readonly label: 'a' | 'b';
  readonly root: string;
  readonly target: RunningTarget;
  readonly us: (number | null)[];
  readonly perSecond: number[];
  /** Non-OK answers by the server's own counters (h2load counts a gRPC error as HTTP 200). */
  nonOk: number;
}

export interface AbResult {
  readonly at: string;
  readonly roots: { readonly a: string; readonly b: string };
  readonly env: Readonly<Record<string, string>>;
  /** Each side's own environment, on top of `env`. */
  readonly sideEnv: { readonly a: Readonly<Record<string, string>>; readonly b: Readonly<Record<string, string>> };
  readonly pairs: number;
  readonly ms: number;
  readonly cpus: { readonly server: number | null; readonly generator: readonly number[] | null };
  readonly invalid: string | null;
  readonly runs: { readonly a: readonly (number | null)[]; readonly b: readonly (number | null)[] };
  /** Non-OK answers of each side over all pairs (counted in its per-call figures as answered calls). */
  readonly nonOk: { readonly a: number; readonly b: number };
  readonly callsPerSecond: { readonly a: Spread | null; readonly b: Spread | null };
  readonly figures: AbFigures;
}

export interface AbOptions {
  readonly a: string;
  readonly b: string;
  readonly pairs: number;
  readonly ms: number;
  /** Environment of both servers. */
  readonly env: Readonly<Record<string, string>>;
  readonly aEnv?: Readonly<Record<string, string>>;
  readonly bEnv?: Readonly<Record<string, string>>;
  readonly warmupMs?: number;
  readonly log?: (line: string) => void;
}

export async function runAb(o: AbOptions): Promise<AbResult> {
  const sideEnv = { a: { ...o.aEnv }, b: { ...o.bEnv } };
  const log = o.log ?? ((line: string) => process.stderr.write(`[ab] ${line}\n`));
  const plan = planCpus(1);
  const serverCpu = plan.invalid === null ? plan.server[0]! : null;
  const genCpus = plan.invalid === null ? plan.gen : null;
  if (plan.invalid !== null) log(`INVALID: ${plan.invalid}`);
  const wd = benchWorkDir('ab', [100]);
  const sides: Side[] = [];
  try {
    const body = writeDecideBody(wd.dir);
    for (const [label, root] of [['a', o.a], ['b', o.b]] as const) {
      const env = { ...wd.nudgeEnv, NUDGE_DATA_DIR: path.join(wd.dir, `data-${label}`), ...AB_BASE_ENV, ...o.env, ...sideEnv[label] };
      const target = await startTarget({ name: label, kind: 'nudge', root, cpus: serverCpu === null ? null : [serverCpu] }, env);
      sides.push({ label, root, target, us: [], perSecond: [], nonOk: 0 });
      const check = await checkBody(target.address, fs.readFileSync(body));
      if (check !== 'OK') throw new Error(`Decide on ${label} (${root}) answered ${check}, not OK`);
    }
    const run = (t: RunningTarget, ms: number) => runH2load({ address: t.address, path: DECIDE_PATH, bodyFile: body, connections: AB_DEFAULTS.connections, streams: AB_DEFAULTS.streams, durationMs: ms, warmupMs: 0 }, genCpus);
    for (const s of sides) await run(s.target, o.warmupMs ?? AB_DEFAULTS.warmupMs);
    // /metrics is read once before and once after all pairs: a scrape computes campaign statistics on
    // the main thread, and its work and garbage would land in the runs after it.
    const counts = await Promise.all(sides.map((s) => decideCounts(metricsPortOf(s.target))));
    for (let p = 0; p < o.pairs; p++) {
      for (const s of p % 2 === 0 ? sides : [...sides].reverse()) {
        // A short run first: the connections of the previous run of this side are gone.
        await run(s.target, AB_DEFAULTS.rewarmMs);
        const before = mainThreadCpuMs(s.target.pid);
        const { summary } = await run(s.target, o.ms);
        const after = mainThreadCpuMs(s.target.pid);
        const ok = summary.status['2xx'];
        s.us.push(before !== null && after !== null && ok > 0 ? round(((after - before) * 1000) / ok, 1) : null);
        s.perSecond.push(Math.round(summary.reqPerSecond));
      }
      log(`pair ${p + 1}/${o.pairs}: a ${sides[0]!.us[p] ?? '?'} us/call, b ${sides[1]!.us[p] ?? '?'} us/call`);
    }
    for (let i = 0; i < sides.length; i++) {
      const d = nonOkDelta(counts[i] ?? null, await decideCounts(metricsPortOf(sides[i]!.target)));
      sides[i]!.nonOk = Object.values(d ?? {}).reduce((x, y) => x + y, 0);
    }
  } finally {
    for (const s of sides) await s.target.close().catch(() => undefined);
    wd.remove();
  }
  const [a, b] = sides as [Side, Side];
  return {
    at: new Date().toISOString(),
    roots: { a: a.root, b: b.root },
    env: { ...AB_BASE_ENV, ...o.env },
    sideEnv,
    pairs: o.pairs,
    ms: o.ms,
    cpus: { server: serverCpu, generator: genCpus },
    invalid: plan.invalid,
    runs: { a: a.us, b: b.us },
    nonOk: { a: a.nonOk, b: b.nonOk },
    callsPerSecond: { a: spread(a.perSecond), b: spread(b.perSecond) },
    figures: abFigures(a.us, b.us),
  };
}

export function describeAb(r: AbResult): string {
  const f = r.figures;
  const s = (x: Spread | null): string => (x === null ? 'n/a' : `${x.median} (${x.min}-${x.max})`);
  const envOf = (x: Readonly<Record<string, string>>): string => {
    const kv = Object.entries(x).map(([k, v]) => `${k}=${v}`);
    return kv.length === 0 ? '' : ` (${kv.join(' ')})`;
  };
  return [
    `a ${r.roots.a}${envOf(r.sideEnv.a)}: main-thread ${s(f.a)} us per Decide, ${r.callsPerSecond.a?.median ?? 'n/a'} calls/s`,
    `b ${r.roots.b}${envOf(r.sideEnv.b)}: main-thread ${s(f.b)} us per Decide, ${r.callsPerSecond.b?.median ?? 'n/a'} calls/s`,
    `b - a over ${f.diff?.n ?? 0} pairs of ${r.ms} ms: median ${f.diff === null ? 'n/a' : round(f.diff.median, 1)} us, quartiles ${f.diffQuartiles === null ? 'n/a' : f.diffQuartiles.map((x) => round(x, 1)).join(' to ')}, range ${f.diff === null ? 'n/a' : `${round(f.diff.min, 1)} to ${round(f.diff.max, 1)}`}; median b / median a ${f.ratioOfMedians ?? 'n/a'}`,
    ...(r.nonOk.a + r.nonOk.b > 0 ? [`non-OK answers, counted as answered calls in the figures above: a ${r.nonOk.a}, b ${r.nonOk.b}`] : []),
    ...(r.invalid !== null ? [`INVALID: ${r.invalid}`] : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const o = new Command('ab')
    .requiredOption('--a <dir>', 'package root of build a (the baseline)', buildRoot('--a'))
    .option('--b <dir>', 'package root of build b', buildRoot('--b'), path.resolve('.'))
    .option('--pairs <n>', 'alternating pairs of runs', positiveInteger('--pairs'), AB_DEFAULTS.pairs)
    .option('--ms <n>', 'measured time of each run, ms (at least 500: /proc counts 10 ms ticks)', positiveInteger('--ms'), AB_DEFAULTS.ms)
    .option('--env <KEY=VALUE>', 'environment of both servers (repeatable)', parseEnvPair, {} as Record<string, string>)
    .option('--a-env <KEY=VALUE>', 'environment of server a only, after --env (repeatable)', parseEnvPair, {} as Record<string, string>)
    .option('--b-env <KEY=VALUE>', 'environment of server b only, after --env (repeatable)', parseEnvPair, {} as Record<string, string>)
    .option('--json <file>', 'also write the result as JSON')
    .exitOverride()
    .parse(process.argv)
    .opts<{ a: string; b: string; pairs: number; ms: number; env: Record<string, string>; aEnv: Record<string, string>; bEnv: Record<string, string>; json?: string }>();
  const r = await runAb(o);
  process.stdout.write(`${describeAb(r)}\n`);
  if (o.json !== undefined) fs.writeFileSync(o.json, `${JSON.stringify(r, null, 2)}\n`);
}

if (require.main === module) runCli('ab', main);
