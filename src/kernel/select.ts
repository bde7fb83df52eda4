/**
 * Top-n selection for the TypeScript fallback: indices of the n largest values, largest first, ties to
 * the lower index (the same total order as native/select.h, so both return identical indices).
 * Small n: one pass with an insertion buffer (O(k n), no allocation). Large n: sort of an index scratch.
 */
const INSERTION_MAX_N = 32;

let scratch = new Uint32Array(0);

export function topNInto(values: Float64Array, k: number, n: number, outIdx: Uint32Array): void {
  if (n <= INSERTION_MAX_N) {
    let c = 0;
    for (let i = 0; i < k; i++) {
      const v = values[i]!;
      let j: number;
      if (c < n) {
        j = c - 1;
        c++;
      } else if (v > values[outIdx[n - 1]!]!) {
        j = n - 2;
      } else {
        continue;
      }
      // Strict < keeps an earlier index with an equal value ahead of this one.
      while (j >= 0 && values[outIdx[j]!]! < v) {
        outIdx[j + 1] = outIdx[j]!;
        j--;
      }
      outIdx[j + 1] = i;
    }
    return;
  }
  if (scratch.length < k) scratch = new Uint32Array(k);
  const idx = scratch.subarray(0, k);
  for (let i = 0; i < k; i++) idx[i] = i;
  idx.sort((x, y) => {
    const vx = values[x]!, vy = values[y]!;
    if (vx > vy) return -1;
    if (vx < vy) return 1;
    return x - y;
  });
  for (let j = 0; j < n; j++) outIdx[j] = idx[j]!;
}
