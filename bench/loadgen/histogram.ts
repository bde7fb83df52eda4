/** HDR histograms of microseconds: one build configuration, summaries in milliseconds, merging. */
import * as hdr from 'hdr-histogram-js';
import type { Percentiles } from './types';

export function newHistogram(): hdr.Histogram {
  // 1 us .. 10 min at 3 significant digits; autoResize covers anything longer rather than throwing.
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

export function encodeHistogram(h: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(s: string): hdr.Histogram {
  return hdr.decodeFromCompressedBase64(s);
}

/** Adds every encoded histogram into one new histogram. */
export function mergeEncoded(encoded: readonly string[]): hdr.Histogram {
  const out = newHistogram();
  for (const e of encoded) {
    const h = decodeHistogram(e);
    out.add(h);
    h.destroy();
  }
  return out;
}

const usToMs = (us: number): number => Math.round(us) / 1000;

export function percentilesMs(h: hdr.Histogram): Percentiles {
  const n = h.totalCount;
  if (n === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count: n,
    p50: usToMs(h.getValueAtPercentile(50)),
    p90: usToMs(h.getValueAtPercentile(90)),
    p99: usToMs(h.getValueAtPercentile(99)),
    p999: usToMs(h.getValueAtPercentile(99.9)),
    max: usToMs(h.maxValue),
    mean: usToMs(h.mean),
  };
}
