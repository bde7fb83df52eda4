/**
 * Kernel micro-benchmark: nanoseconds per Beta draw at K = 10, 100, 1000 for the native addon, the
 * TypeScript fallback and @stdlib/random-base-beta, all in the same run, plus the cost of a whole
 * K = 100 Thompson decision (sampleTopN, n = 3), and 100 Thompson decisions over 10 arms in one
 * thompsonPicks call (the simulator's batched path).
 *
 * Besides benchmark.js's wall-clock figures, every case is timed again in CPU time of this process
 * (process.cpuUsage): on a shared, busy machine wall time also counts the time the process waits for a
 * core, CPU time does not, so the cpu column is the steadier one for comparing implementations.
 *
 *   node dist/bench/micro/kernel.js [--json FILE] [--max-time SECONDS]
 */
import { microCommand, parseMicro } from './args';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Benchmark from 'benchmark';
import stdlibBeta from '@stdlib/random-base-beta';
import type { Kernel } from '../../src/kernel/types';
import { createFallbackKernel } from '../../src/kernel/fallback';
import { loadNative, nativeLoadError } from '../../src/kernel/native';
import { cpuNsPerCall } from './cpu';

type Impl = 'native' | 'fallback' | 'stdlib';

interface Result {
  name: 'beta' | 'decision' | 'picks';
  impl: Impl;
  k: number;
  /** nanoseconds per Beta draw (for a decision: the decision's time divided by k) */
  nsPerDraw: number;
  /** nanoseconds per benchmarked call (one vector of k draws, or one decision) */
  nsPerCall: number;
  opsPerSec: number;
  /** relative margin of error of opsPerSec, in percent */
  rme: number;
  samples: number;
  /** nanoseconds of process CPU time per draw, measured separately (see above) */
  cpuNsPerDraw: number;
}

const DEFAULTS = { maxTime: 3, ks: [10, 100, 1000], decisionK: 100, decisionN: 3, picksK: 10, picksReps: 100 } as const;


/** Typical priors: alpha in [1, 50], beta in [1, 1000], fixed (deterministic) spread. */
function priors(k: number): { alpha: Float64Array; beta: Float64Array } {
  const alpha = new Float64Array(k);
  const beta = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    alpha[i] = 1 + ((i * 37) % 50);
    beta[i] = 1 + ((i * 7919) % 1000);
  }
  return { alpha, beta };
}

/** The stdlib equivalent of a decision: k draws, then the top n by a partial selection. */
function stdlibTopN(draws: Float64Array, n: number, out: Uint32Array): void {
  let c = 0;
  for (let i = 0; i < draws.length; i++) {
    const v = draws[i]!;
    let j: number;
    if (c < n) j = c++ - 1;
    else if (v > draws[out[n - 1]!]!) j = n - 2;
    else continue;
    while (j >= 0 && draws[out[j]!]! < v) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = i;
  }
}

function main(): void {
  const args = parseMicro(microCommand('bench:micro', DEFAULTS.maxTime), process.argv.slice(2));
  const native = loadNative();
  if (!native) console.warn(`native kernel unavailable, skipped: ${nativeLoadError()?.message ?? ''}`);
  const kernels: Array<[Impl, Kernel]> = [['fallback', createFallbackKernel()]];
  if (native) kernels.unshift(['native', native]);

  const suite = new Benchmark.Suite('kernel');
  const meta: Array<{ name: Result['name']; impl: Impl; k: number; draws: number; fn: () => void }> = [];
  const options = { maxTime: args.maxTime, minSamples: 10 };
  let sink = 0;

  for (const k of DEFAULTS.ks) {
    const { alpha, beta } = priors(k);
    const out = new Float64Array(k);
    for (const [impl, kernel] of kernels) {
      kernel.seed(1);
      const fn = (): void => kernel.beta(alpha, beta, out);
      suite.add(`beta ${impl} k=${k}`, fn, options);
      meta.push({ name: 'beta', impl, k, draws: k, fn });
    }
    const fn = (): void => {
      for (let i = 0; i < k; i++) out[i] = stdlibBeta(alpha[i]!, beta[i]!);
    };
    suite.add(`beta stdlib k=${k}`, fn, options);
    meta.push({ name: 'beta', impl: 'stdlib', k, draws: k, fn });
  }

  {
    const k = DEFAULTS.decisionK;
    const n = DEFAULTS.decisionN;
    const { alpha, beta } = priors(k);
    const draws = new Float64Array(k);
    const idx = new Uint32Array(n);
    for (const [impl, kernel] of kernels) {
      const fn = (): void => {
        kernel.sampleTopN(alpha, beta, n, draws, idx);
        sink += idx[0]!;
      };
      suite.add(`decision ${impl} k=${k} n=${n}`, fn, options);
      meta.push({ name: 'decision', impl, k, draws: k, fn });
    }
    const fn = (): void => {
      for (let i = 0; i < k; i++) draws[i] = stdlibBeta(alpha[i]!, beta[i]!);
      stdlibTopN(draws, n, idx);
      sink += idx[0]!;
    };
    suite.add(`decision stdlib k=${k} n=${n}`, fn, options);
    meta.push({ name: 'decision', impl: 'stdlib', k, draws: k, fn });
  }

  {
    // The simulator's window: REPS decisions over a frozen 10-arm posterior in one call.
    const { alpha, beta } = priors(DEFAULTS.picksK);
    const reps = DEFAULTS.picksReps;
    const idx = new Uint32Array(reps);
    const best = new Float64Array(reps);
    for (const [impl, kernel] of kernels) {
      const fn = (): void => {
        kernel.thompsonPicks(alpha, beta, reps, idx, best);
        sink += idx[0]!;
      };
      suite.add(`picks ${impl} k=${DEFAULTS.picksK} reps=${reps}`, fn, options);
      meta.push({ name: 'picks', impl, k: DEFAULTS.picksK, draws: DEFAULTS.picksK * reps, fn });
    }
  }

  const results: Result[] = [];
  suite.on('cycle', (event: Benchmark.Event) => {
    const b = event.target as unknown as Benchmark;
    const m = meta[results.length]!;
    const nsPerCall = 1e9 / b.hz!;
    const cpu = cpuNsPerCall(m.fn, Math.min(1, args.maxTime / 2));
    results.push({
      name: m.name, impl: m.impl, k: m.k, nsPerDraw: nsPerCall / m.draws, nsPerCall, opsPerSec: b.hz!,
      rme: b.stats!.rme, samples: b.stats!.sample.length, cpuNsPerDraw: cpu / m.draws,
    });
    process.stderr.write(`  ${String(b)}\n`);
  });
  suite.run({ async: false });
  if (sink === -1) console.log(sink); // keeps the decision results observable

  printTable(results);
  if (args.json) {
    fs.mkdirSync(path.dirname(path.resolve(args.json)), { recursive: true });
    fs.writeFileSync(args.json, `${JSON.stringify({ results }, null, 2)}\n`);
    console.log(`wrote ${args.json}`);
  }
}

function printTable(results: Result[]): void {
  const rows = [['bench', 'impl', 'k', 'ns/draw', 'ns/call', 'ops/s', '±%', 'vs stdlib', 'cpu ns/draw', 'cpu vs stdlib']];
  for (const r of results) {
    const base = results.find((x) => x.name === r.name && x.k === r.k && x.impl === 'stdlib');
    rows.push([
      r.name, r.impl, String(r.k), r.nsPerDraw.toFixed(1), r.nsPerCall.toFixed(0), r.opsPerSec.toFixed(0),
      r.rme.toFixed(1), base ? `${(base.nsPerDraw / r.nsPerDraw).toFixed(1)}x` : '', r.cpuNsPerDraw.toFixed(1),
      base ? `${(base.cpuNsPerDraw / r.cpuNsPerDraw).toFixed(1)}x` : '',
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

main();
