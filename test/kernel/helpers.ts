import type { Kernel } from '../../src/kernel/types';
import { createFallbackKernel } from '../../src/kernel/fallback';
import { loadNative, nativeLoadError } from '../../src/kernel/native';

export const fallback: Kernel = createFallbackKernel();
export const native: Kernel | null = loadNative();
export const nativeError: Error | null = nativeLoadError();

/** Both implementations; native is null (its tests skipped) only when the addon failed to load. */
export const IMPLS: ReadonlyArray<readonly [string, Kernel | null]> = [
  ['fallback', fallback],
  ['native', native],
];

/** Kolmogorov's c(alpha) = sqrt(-ln(alpha / 2) / 2); alpha = 0.001 keeps fixed-seed tests far from the edge. */
export const KS_C = Math.sqrt(-Math.log(0.001 / 2) / 2);

export function ksCritical1(n: number): number {
  return KS_C / Math.sqrt(n);
}

export function ksCritical2(n: number, m: number): number {
  return KS_C * Math.sqrt((n + m) / (n * m));
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  u64[0] = x > 0 ? u64[0]! + 1n : u64[0]! - 1n;
  return f64[0]!;
}

function nextDown(x: number): number {
  return -nextUp(-x);
}

/**
 * One-sample KS statistic of draws that are doubles: each distinct value v stands for the true values
 * that round to it, so the model CDF is taken at the neighbouring doubles. This matters for shapes like
 * Beta(0.01, 0.01), a third of whose draws round to exactly 1.
 */
export function ksOneSample(sample: Float64Array, cdf: (x: number) => number): number {
  const xs = Float64Array.from(sample).sort();
  const n = xs.length;
  let d = 0;
  let i = 0;
  while (i < n) {
    const v = xs[i]!;
    let j = i;
    while (j < n && xs[j] === v) j++;
    // The midpoints between neighbours are not doubles themselves, so the neighbours are used: a
    // slightly lenient bound that only matters where many draws share one value.
    const lo = cdf(nextDown(v));
    const hi = cdf(nextUp(v));
    d = Math.max(d, lo - i / n, j / n - hi);
    i = j;
  }
  return d;
}

/** Two-sample KS statistic (ties handled: both empirical CDFs are compared after each distinct value). */
export function ksTwoSample(a: Float64Array, b: Float64Array): number {
  const xa = Float64Array.from(a).sort();
  const xb = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < xa.length && j < xb.length) {
    const v = Math.min(xa[i]!, xb[j]!);
    while (i < xa.length && xa[i] === v) i++;
    while (j < xb.length && xb[j] === v) j++;
    d = Math.max(d, Math.abs(i / xa.length - j / xb.length));
  }
  return d;
}

export function filled(length: number, value: number): Float64Array {
  return new Float64Array(length).fill(value);
}

/**
 * Code for a fresh Node process or worker: lets require() load this repo's .ts sources (transpiled
 * with the installed typescript), so those tests go through the real loader in src/kernel/.
 */
export const TS_REQUIRE_HOOK = `
const fs = require('node:fs');
const ts = require(require.resolve('typescript', { paths: [${JSON.stringify(__dirname)}] }));
require.extensions['.ts'] = (mod, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  mod._compile(out.outputText, filename);
};
`;
