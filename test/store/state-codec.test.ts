import { join } from 'node:path';
import fc from 'fast-check';
import { open } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALIBRATION_SLOTS, type SegmentCountersRecord } from '../../src/store/counters';
import { openStoreDbs, SCHEMA_VERSION } from '../../src/store/lmdb-env';
import { decodeBucket, decodeCounters, encodeBucket, encodeCounters } from '../../src/store/state-codec';
import type { SeriesBucket } from '../../src/store/types';
import { tempDir } from './helpers';

// Ids are client data: any string, the names of Object.prototype members among them.
const idArb = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'toString', ''));
const num = fc.double({ noNaN: true, noDefaultInfinity: true });
const sumsArb = fc.array(num, { minLength: CALIBRATION_SLOTS, maxLength: CALIBRATION_SLOTS });
const plain = { noNullPrototype: true } as const;
const groupArb = fc.record({ decisions: num, outcomes: num, rewards: num }, plain);

/** Own data properties in the given order, as the books and the decoder make them. */
function own<T>(entries: ReadonlyArray<readonly [string, T]>): Record<string, T> {
  const o: Record<string, T> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const countersArb: fc.Arbitrary<SegmentCountersRecord> = fc
  .record({
    offers: fc.uniqueArray(fc.tuple(idArb, fc.record({ impressions: num, outcomes: num, rewards: num, deltaSum: num }, plain), fc.option(sumsArb, { nil: undefined })), { selector: (t) => t[0], maxLength: 12 }),
    control: groupArb,
    treatment: groupArb,
  }, plain)
  .map(({ offers, control, treatment }) => ({
    offers: own(offers.map(([id, o, cal]) => [id, cal === undefined ? o : { ...o, cal }] as const)),
    control,
    treatment,
  }));

const bucketArb: fc.Arbitrary<SeriesBucket> = fc
  .record({
    start: fc.integer({ min: 0, max: 2 ** 45 }).map((m) => m * 60_000),
    offers: fc.uniqueArray(fc.tuple(idArb, fc.record({ impressions: num, outcomes: num, rewards: num, predicted: num }, plain), fc.option(sumsArb, { nil: undefined })), { selector: (t) => t[0], maxLength: 12 }),
    models: fc.uniqueArray(fc.tuple(idArb, sumsArb), { selector: (t) => t[0], maxLength: 3 }),
    control: groupArb,
    treatment: groupArb,
  }, plain)
  .map(({ start, offers, models, control, treatment }) => ({
    start,
    offers: own(offers.map(([id, o, calibration]) => [id, calibration === undefined ? o : { ...o, calibration }] as const)),
    models: own(models),
    control,
    treatment,
  }));

/**
 * The same values (Object.is: -0 too), the same own keys in the same order, the same prototypes.
 * (toStrictEqual would also compare an own "constructor" key as the object's constructor.)
 */
function same(a: unknown, b: unknown, at = '$'): void {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    expect(Object.is(a, b), `${at}: ${String(a)} vs ${String(b)}`).toBe(true);
    return;
  }
  expect(Object.getPrototypeOf(a), `${at}: prototype`).toBe(Object.getPrototypeOf(b));
  expect(Object.keys(a), `${at}: keys`).toEqual(Object.keys(b));
  for (const k of Object.keys(a)) same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
}

const expectSame = (a: unknown, b: unknown): void => same(a, b);

describe('state codec (counters and monitoring buckets, schema 3)', () => {
  it('reads back every counters record as it was written, ids and their order included', () => {
    fc.assert(
      fc.property(countersArb, (r) => {
        const bytes = encodeCounters(r);
        expect(bytes[0]).toBe(0xc1);
        expectSame(decodeCounters(bytes), r);
      }),
      { numRuns: 300 },
    );
  });

  it('reads back every bucket as it was written; model sums of the wrong length are not stored', () => {
    fc.assert(
      fc.property(bucketArb, (b) => {
        expectSame(decodeBucket(encodeBucket(b)), b);
      }),
      { numRuns: 300 },
    );
    const b: SeriesBucket = { start: 0, offers: {}, models: { v1: [1, 2] }, control: { decisions: 0, outcomes: 0, rewards: 0 }, treatment: { decisions: 0, outcomes: 0, rewards: 0 } };
    expect(decodeBucket(encodeBucket(b)).models).toEqual({});
  });

  it('refuses a value of the other kind, or with bytes left over', () => {
    const c = encodeCounters({ offers: {}, control: { decisions: 1, outcomes: 0, rewards: 0 }, treatment: { decisions: 2, outcomes: 0, rewards: 0 } });
    expect(() => decodeBucket(c)).toThrow(/stored monitoring bucket has kind 1, expected 2/);
    expect(() => decodeCounters(Buffer.concat([c, Buffer.from([0])]))).toThrow(/stored counters has 1 bytes too many/);
  });

  it('refuses an id longer than the layout holds', () => {
    const r = { offers: own([['x'.repeat(70_000), { impressions: 1, outcomes: 0, rewards: 0, deltaSum: 0 }]]), control: { decisions: 0, outcomes: 0, rewards: 0 }, treatment: { decisions: 0, outcomes: 0, rewards: 0 } };
    expect(() => encodeCounters(r)).toThrow(/an id is longer than 65535 bytes/);
  });
});

describe('a schema-2 state (msgpack counters and buckets)', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('is read as it was written, raised to schema 3, and each record is rewritten in the new layout when it changes', async () => {
    const path = join(t.dir, 'state');
    const counters: SegmentCountersRecord = {
      offers: { a: { impressions: 3, outcomes: 1, rewards: 1, deltaSum: 0.25, cal: Array.from({ length: CALIBRATION_SLOTS }, (_, i) => i / 2) }, b: { impressions: 1, outcomes: 0, rewards: 0, deltaSum: 0 } },
      control: { decisions: 2, outcomes: 1, rewards: 0.5 },
      treatment: { decisions: 4, outcomes: 1, rewards: 1 },
    };
    const bucket: SeriesBucket = { start: 120_000, offers: { a: { impressions: 3, outcomes: 0, rewards: 0, predicted: 0 } }, models: {}, control: { decisions: 0, outcomes: 0, rewards: 0 }, treatment: { decisions: 3, outcomes: 0, rewards: 0 } };
    // As an earlier build wrote them: lmdb-js's default (msgpack) encoding, schema 2.
    const old = open({ path, maxDbs: 16 });
    await old.openDB({ name: 'counters' }).put(['c', ''], counters);
    await old.openDB({ name: 'series' }).put(['c', 120_000], bucket);
    await old.openDB({ name: 'meta' }).put(['schema'], 2);
    await old.close();

    let dbs = openStoreDbs(path, 64 * 1024 * 1024);
    expect(dbs.meta.get(['schema'])).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBe(3);
    expect(dbs.counters.get(['c', ''])).toStrictEqual(counters);
    expect(dbs.series.get(['c', 120_000])).toStrictEqual(bucket);
    await dbs.counters.put(['c', ''], counters);
    await dbs.env.close();

    const raw = open({ path, maxDbs: 16 });
    expect(raw.openDB({ name: 'counters', encoding: 'binary' }).getBinary(['c', ''])![0]).toBe(0xc1);
    await raw.openDB({ name: 'meta' }).put(['schema'], 4);
    await raw.close();
    expect(() => openStoreDbs(path, 64 * 1024 * 1024)).toThrow(/has schema 4; this build reads 3/);
    dbs = openStoreDbs(join(t.dir, 'other'), 64 * 1024 * 1024);
    await dbs.env.close();
  });
});
