import { BUCKET_MS, addBucket, bucketStart, emptyBucket, type MutableBucket } from '../store/series';
import type { SeriesBucket, SeriesStore } from '../store/types';

/**
 * Sums of a campaign's monitoring buckets over a recent window, for calibration in GetCampaignStats
 * and the metrics. A 24-hour window is 1,440 buckets; reading them all on every stats call (the
 * dashboard polls every few seconds) would cost a full range read each time, so the sum over closed
 * minutes is kept and slid: each call reads only the minutes that entered the window (added) and
 * those that left it (subtracted), plus the open minute, which still changes. Buckets are sums, so
 * this is exact up to float rounding.
 *
 * A write to a minute that is already closed (decisions spooled during a Redis outage and replayed
 * later, which count at their own time) is not in the kept sum until it is rebuilt: every
 * REBUILD_MS, or when the window length changes.
 */
export const REBUILD_MS = 600_000;

interface Kept {
  readonly windowMs: number;
  /** Closed minutes summed: [from, to). */
  from: number;
  to: number;
  sum: MutableBucket;
  builtAt: number;
}

export interface WindowSum {
  /** Start of the window (ms since epoch): the first minute counted. */
  readonly from: number;
  readonly bucket: SeriesBucket;
}

export class SeriesWindows {
  private readonly kept = new Map<string, Kept>();
  /** One read at a time per campaign: concurrent stats calls share it. */
  private readonly running = new Map<string, Promise<WindowSum>>();

  constructor(private readonly store: SeriesStore) {}

  /** The sum over the last `windowMs` (whole minutes, the open one included). */
  sum(campaign: string, windowMs: number, now: number): Promise<WindowSum> {
    const key = `${campaign}\u0000${windowMs}`;
    let p = this.running.get(key);
    if (p === undefined) {
      p = this.compute(campaign, windowMs, now).finally(() => this.running.delete(key));
      this.running.set(key, p);
    }
    return p;
  }

  /** Forgets a campaign's kept sums (deleted campaign). */
  drop(campaign: string): void {
    for (const k of [...this.kept.keys()]) if (k.startsWith(`${campaign}\u0000`)) this.kept.delete(k);
  }

  private async compute(campaign: string, windowMs: number, now: number): Promise<WindowSum> {
    const open = bucketStart(now);
    const minutes = Math.max(1, Math.ceil(windowMs / BUCKET_MS));
    // The open minute is one of the window's minutes.
    const from = open - (minutes - 1) * BUCKET_MS;
    const key = `${campaign}\u0000${windowMs}`;
    let k = this.kept.get(key);
    if (k === undefined || now - k.builtAt >= REBUILD_MS || k.to > open || k.from > from) {
      const sum = emptyBucket(from);
      for (const b of await this.store.series(campaign, from, open)) addBucket(sum, b);
      k = { windowMs, from, to: open, sum, builtAt: now };
      this.kept.set(key, k);
    } else {
      const [entered, left] = await Promise.all([
        k.to < open ? this.store.series(campaign, k.to, open) : Promise.resolve([]),
        k.from < from ? this.store.series(campaign, k.from, Math.min(from, k.to)) : Promise.resolve([]),
      ]);
      for (const b of entered) addBucket(k.sum, b);
      for (const b of left) addBucket(k.sum, b, -1);
      k.from = from;
      k.to = open;
    }
    const out = emptyBucket(from);
    addBucket(out, k.sum);
    for (const b of await this.store.series(campaign, open, open + BUCKET_MS)) addBucket(out, b);
    return { from, bucket: out };
  }
}
