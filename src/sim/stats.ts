/** Mean and standard error of the mean (sample standard deviation / sqrt(n); 0 for n = 1). */
export interface MeanSe {
  readonly mean: number;
  readonly se: number;
}

export function meanSe(xs: ArrayLike<number>): MeanSe {
  const n = xs.length;
  if (n === 0) return { mean: NaN, se: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += xs[i];
  const mean = sum / n;
  if (n === 1) return { mean, se: 0 };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - mean) * (xs[i] - mean);
  return { mean, se: Math.sqrt(ss / (n - 1) / n) };
}
