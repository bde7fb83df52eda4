import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStoreDbs, type StoreDbs } from '../../src/store/lmdb-env';
import { BUCKET_MS, SeriesBook } from '../../src/store/series';
import { SeriesWriter } from '../../src/store/series-lmdb';
import type { ShownOffer } from '../../src/store/types';
import { tempDir } from './helpers';

const shown = (...ids: string[]): ShownOffer[] => ids.map((offerId) => ({ offerId, score: 0.5, probability: 0.1, propensity: 0.5 }));
const M = 100 * BUCKET_MS;

describe('SeriesWriter (the bucket last written is kept for the next commit)', () => {
  let t: ReturnType<typeof tempDir>;
  let dbs: StoreDbs;
  let book: SeriesBook;
  let writer: SeriesWriter;

  beforeEach(() => {
    t = tempDir();
    dbs = openStoreDbs(join(t.dir, 'state'), 64 * 1024 * 1024);
    book = new SeriesBook();
    writer = new SeriesWriter(dbs);
  });

  afterEach(async () => {
    await dbs.env.close();
    t.cleanup();
  });

  const commit = (decisions: Array<[string, number]>): void => {
    for (const [offer, ts] of decisions) book.decision('c', false, shown(offer), ts);
    const items = book.drain();
    dbs.env.transactionSync(() => writer.write(items));
  };
  const stored = (start: number) => {
    const b = dbs.series.get(['c', start]);
    return b === undefined ? undefined : { decisions: b.treatment.decisions, a: b.offers['a']?.impressions ?? 0, b: b.offers['b']?.impressions ?? 0 };
  };

  it('adds each commit of a minute to what is stored, across minutes and a new writer', () => {
    commit([['a', M + 1]]);
    commit([['a', M + 2], ['b', M + 3]]);
    expect(stored(M)).toEqual({ decisions: 3, a: 2, b: 1 });
    commit([['b', M + BUCKET_MS + 1]]);
    expect(stored(M + BUCKET_MS)).toEqual({ decisions: 1, a: 0, b: 1 });
    // A late delta of the earlier minute is added to the stored bucket, not to the kept one.
    commit([['a', M + 4]]);
    expect(stored(M)).toEqual({ decisions: 4, a: 3, b: 1 });
    writer = new SeriesWriter(dbs);
    commit([['b', M + 5]]);
    expect(stored(M)).toEqual({ decisions: 5, a: 3, b: 2 });
  });

  it('after a failed transaction, forget() makes the next commit read the stored bucket again', () => {
    commit([['a', M + 1]]);
    book.decision('c', false, shown('a'), M + 2);
    const failed = book.drain();
    expect(() =>
      dbs.env.transactionSync(() => {
        writer.write(failed);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    writer.forget();
    expect(stored(M)).toEqual({ decisions: 1, a: 1, b: 0 });
    commit([['b', M + 3]]);
    expect(stored(M)).toEqual({ decisions: 2, a: 1, b: 1 });
  });

  it('stores offer ids that are Object.prototype names as plain own properties, commit after commit', () => {
    commit([['toString', M + 1], ['constructor', M + 2], ['a', M + 3]]);
    commit([['toString', M + 4], ['hasOwnProperty', M + 5]]);
    const b = dbs.series.get(['c', M])!;
    // Read back as an ordinary object (not a Map), with each id its own data property.
    expect(Object.getPrototypeOf(b.offers)).toBe(Object.prototype);
    expect(Object.keys(b.offers).sort()).toEqual(['a', 'constructor', 'hasOwnProperty', 'toString']);
    expect(Object.getOwnPropertyDescriptor(b.offers, 'toString')?.value).toMatchObject({ impressions: 2 });
    expect(Object.getOwnPropertyDescriptor(b.offers, 'constructor')?.value).toMatchObject({ impressions: 1 });
    expect(b.treatment.decisions).toBe(5);
    // A new writer (a restart) reads the stored bucket and adds to it.
    writer = new SeriesWriter(dbs);
    commit([['constructor', M + 6]]);
    expect(Object.getOwnPropertyDescriptor(dbs.series.get(['c', M])!.offers, 'constructor')?.value).toMatchObject({ impressions: 2 });
  });

  it('removeBefore drops a kept bucket it removes from the store', () => {
    commit([['a', M + 1], ['a', M + 2]]);
    expect(dbs.env.transactionSync(() => writer.removeBefore(M + BUCKET_MS))).toBe(1);
    expect(stored(M)).toBeUndefined();
    commit([['b', M + 3]]);
    expect(stored(M)).toEqual({ decisions: 1, a: 0, b: 1 });
  });
});
