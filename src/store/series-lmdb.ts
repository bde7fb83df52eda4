import type { StoreDbs } from './lmdb-env';
import { addBucket, bucketStart, emptyBucket, type MutableBucket, type SeriesBook, type SeriesBucket } from './series';

/**
 * The embedded store's monitoring buckets: deltas from the SeriesBook are added into the stored
 * bucket inside the group transaction (read, add, put: the main thread is the only writer).
 */
export function writeSeries(dbs: StoreDbs, items: ReadonlyArray<{ campaign: string; bucket: MutableBucket }>): void {
  for (const { campaign, bucket } of items) {
    const key: [string, number] = [campaign, bucket.start];
    const stored = dbs.series.get(key);
    const next = emptyBucket(bucket.start);
    if (stored !== undefined) addBucket(next, stored);
    addBucket(next, bucket);
    dbs.series.put(key, plain(next));
  }
}

/** msgpack writes null-prototype objects as maps; plain objects read back as plain objects. */
function plain(b: MutableBucket): SeriesBucket {
  return {
    start: b.start,
    offers: { ...b.offers },
    models: { ...b.models },
    control: b.control,
    treatment: b.treatment,
  };
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
export function removeSeriesBefore(dbs: StoreDbs, cutoff: number): number {
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
