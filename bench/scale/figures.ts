/** Median and spread of a figure over the rounds of one run, and ratios between figures. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
  readonly values: number[];
}

export function spread(values: readonly (number | null | undefined)[]): Spread | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const m = xs.length % 2 === 1 ? xs[(xs.length - 1) / 2]! : (xs[xs.length / 2 - 1]! + xs[xs.length / 2]!) / 2;
  return { median: m, min: xs[0]!, max: xs[xs.length - 1]!, n: xs.length, values: values.filter((v): v is number => typeof v === 'number') };
}

export const round = (x: number, digits = 0): number => {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
};

/** "12,345 (11,900-12,700)" with `digits` decimals. */
export function fmtSpread(s: Spread | null, digits = 0, unit = ''): string {
  if (s === null) return 'n/a';
  const f = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return s.n === 1 ? `${f(s.median)}${unit}` : `${f(s.median)}${unit} (${f(s.min)}-${f(s.max)})`;
}

/** Pairs a[i] / b[i] (same round), skipping rounds where either is missing or b is 0. */
export function pairedRatios(a: readonly (number | null)[], b: readonly (number | null)[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x === 'number' && typeof y === 'number' && y !== 0) out.push(x / y);
  }
  return out;
}
