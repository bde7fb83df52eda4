import type { StoreDbs } from './lmdb-env';
import { addBucket, bucketOfferIndex, bucketStart, emptyBucket, type MutableBucket, type SeriesBook, type SeriesBucket } from './series';

/**
 * The embedded store's monitoring buckets: deltas from the SeriesBook are added into the stored
 * bucket inside the group transaction (read, add, put: the main thread is the only writer).
 *
 * Each campaign's bucket as last written is kept, so that the next commit of the same minute adds to
 * it instead of reading and decoding the stored one again: every group commit (about 35 a second at
 * 1,000 decisions/s) decoded the current minute's bucket of every campaign with decisions, and those
 * objects were most of what Nudge promoted to the old generation per decision (docs/performance.md).
 */
export class SeriesWriter {
  private readonly last = new Map<string, MutableBucket>();
  private readonly offers = bucketOfferIndex();

  constructor(private readonly dbs: StoreDbs) {}

  write(items: ReadonlyArray<{ campaign: string; bucket: MutableBucket }>): void {
    for (const { campaign, bucket } of items) {
      const key: [string, number] = [campaign, bucket.start];
      let next = this.last.get(campaign);
      if (next === undefined || next.start !== bucket.start) {
        const stored = this.dbs.series.get(key);
        next = emptyBucket(bucket.start);
        if (stored !== undefined) addBucket(next, stored, 1, this.offers);
        this.last.set(campaign, next);
      }
      addBucket(next, bucket, 1, this.offers);
      this.dbs.series.put(key, next);
    }
  }

  /** The transaction that wrote the last buckets failed: they are not stored, read them again. */
  forget(): void {
    this.last.clear();
  }

  /** removeSeriesBefore, dropping kept buckets that it removes. */
  removeBefore(cutoff: number): number {
    const start = bucketStart(cutoff);
    for (const [campaign, b] of this.last) if (b.start < start) this.last.delete(campaign);
    return removeSeriesBefore(this.dbs, cutoff);
  }
}

/** Stored buckets in [from, to) plus the deltas the next commit will add. */
export function readSeries(dbs: StoreDbs, book: SeriesBook, campaign: string, from: number, to: number): SeriesBucket[] {
  const byStart = new Map<number, MutableBucket>();
  for (const { key, value } of dbs.series.getRange({ start: [campaign, from], end: [campaign, to] })) {
    const b = emptyBucket(key[1]);
    addBucket(b, value);
    byStart.set(key[1], b);
  }
  for (const delta of book.peek(campaign)) {
    if (delta.start < from || delta.start >= to) continue;
    let b = byStart.get(delta.start);
    if (b === undefined) byStart.set(delta.start, (b = emptyBucket(delta.start)));
    addBucket(b, delta);
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

/** Most bucket keys one retention transaction removes. */
const SERIES_BATCH = 500;

/**
 * Removes buckets that started before `cutoff`, every campaign's (deleted campaigns' too), at most
 * SERIES_BATCH per call; returns how many.
 */
function removeSeriesBefore(dbs: StoreDbs, cutoff: number): number {
  const old: Array<[string, number]> = [];
  let first = dbs.series.getKeys({ limit: 1, snapshot: false });
  for (;;) {
    let campaign: string | undefined;
    for (const k of first) campaign = k[0];
    if (campaign === undefined || old.length >= SERIES_BATCH) break;
    for (const k of dbs.series.getKeys({ start: [campaign, -Infinity], end: [campaign, bucketStart(cutoff)], limit: SERIES_BATCH - old.length, snapshot: false })) old.push(k);
    first = dbs.series.getKeys({ start: [campaign + '\u0000'], limit: 1, snapshot: false });
  }
  for (const k of old) void dbs.series.remove(k);
  return old.length;
}
