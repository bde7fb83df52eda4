import { Packr } from 'msgpackr';
import { SHORT_STRING, writeUtf8 } from '../shared/utf8';
import { CALIBRATION_SLOTS, type SegmentCountersRecord } from './counters';
import { setOwn } from './own-entries';
import type { MutableBucket } from './series';
import type { SeriesBucket } from './types';

/**
 * The stored layout of the counters and the monitoring buckets (schema 3), as lmdb-js encoders of
 * their dbs. Every group commit rewrites the counters record and the minute's bucket of each
 * campaign it touched, whole: for a campaign of 100 offers, msgpack spent about 160 us per commit on
 * the two (a CPU profile of the commit hooks, docs/performance.md), close to a microsecond per
 * decision at a server's cadence of ~200 decisions per commit. This writes the numbers as doubles in
 * one pass.
 *
 *   u8 0xC1 (never a msgpack value's first byte)   u8 kind (1 counters, 2 bucket)
 *   counters: f64 x 6 (control, then treatment: decisions, outcomes, rewards)
 *             u32 offers, each: str id, f64 impressions, outcomes, rewards, deltaSum, u8 has cal, [f64 x 31]
 *   bucket:   f64 start, f64 x 6 (as above)
 *             u32 offers, each: str id, f64 impressions, outcomes, rewards, predicted, u8 has cal, [f64 x 31]
 *             u32 models, each: str version, f64 x 31
 *   str: u16 byte length, UTF-8. Numbers little-endian.
 *
 * A value written by an earlier build (msgpack, as lmdb-js's default encoder wrote it) is read as such.
 * Decoded objects are plain, their ids own data properties (ids are client data: '__proto__' too).
 */
const TAG = 0xc1;
const KIND_COUNTERS = 1;
const KIND_BUCKET = 2;
const GROUP_FIELDS = ['decisions', 'outcomes', 'rewards'] as const;

/** How lmdb-js's default encoder read and wrote these dbs before schema 3. */
const legacy = new Packr({ copyBuffers: true });

let scratch = Buffer.allocUnsafe(64 * 1024);
let off = 0;

function ensure(n: number): void {
  if (off + n <= scratch.length) return;
  const next = Buffer.allocUnsafe(Math.max(off + n, scratch.length * 2));
  scratch.copy(next, 0, 0, off);
  scratch = next;
}

function f64(v: number): void {
  ensure(8);
  scratch.writeDoubleLE(v, off);
  off += 8;
}

function str(s: string): void {
  ensure(2 + s.length * 3);
  const n = s.length <= SHORT_STRING ? writeUtf8(scratch, off + 2, s) - off - 2 : scratch.write(s, off + 2, 'utf8');
  if (n > 0xffff) throw new RangeError('stored learning state: an id is longer than 65535 bytes');
  scratch.writeUInt16LE(n, off);
  off += 2 + n;
}

function u32(v: number): void {
  ensure(4);
  scratch.writeUInt32LE(v, off);
  off += 4;
}

/** The CALIBRATION_SLOTS numbers of a calibration sum. */
function slots(s: readonly number[]): void {
  for (let i = 0; i < CALIBRATION_SLOTS; i++) f64(s[i]!);
}

/** Optional calibration sums: a flag byte, then the slots. */
function sums(cal: readonly number[] | undefined): void {
  ensure(1);
  const has = cal !== undefined && cal.length === CALIBRATION_SLOTS;
  scratch[off++] = has ? 1 : 0;
  if (has) slots(cal);
}

function groups(r: Pick<SegmentCountersRecord, 'control' | 'treatment'>): void {
  for (const g of [r.control, r.treatment]) for (const f of GROUP_FIELDS) f64(g[f]);
}

function begin(kind: number): void {
  off = 0;
  ensure(2);
  scratch[off++] = TAG;
  scratch[off++] = kind;
}

/** A copy out of the scratch: lmdb-js may hold the value until the write is done. */
function end(): Buffer {
  return Buffer.from(scratch.subarray(0, off));
}

class Reader {
  private at = 2;
  constructor(private readonly b: Buffer) {}
  f64(): number {
    const v = this.b.readDoubleLE(this.at);
    this.at += 8;
    return v;
  }
  u32(): number {
    const v = this.b.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }
  str(): string {
    const n = this.b.readUInt16LE(this.at);
    const s = this.b.toString('utf8', this.at + 2, this.at + 2 + n);
    this.at += 2 + n;
    return s;
  }
  slots(): number[] {
    const out = new Array<number>(CALIBRATION_SLOTS);
    for (let i = 0; i < CALIBRATION_SLOTS; i++) out[i] = this.f64();
    return out;
  }
  sums(): number[] | undefined {
    return this.b[this.at++] === 0 ? undefined : this.slots();
  }
  group(): { decisions: number; outcomes: number; rewards: number } {
    return { decisions: this.f64(), outcomes: this.f64(), rewards: this.f64() };
  }
  done(what: string): void {
    if (this.at !== this.b.length) throw new RangeError(`stored ${what} has ${this.b.length - this.at} bytes too many`);
  }
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
}

function kindOf(b: Buffer, kind: number, what: string): boolean {
  if (b.length === 0 || b[0] !== TAG) return false;
  if (b[1] !== kind) throw new RangeError(`stored ${what} has kind ${String(b[1])}, expected ${kind}`);
  return true;
}

interface OfferSums {
  readonly impressions: number;
  readonly outcomes: number;
  readonly rewards: number;
}

/** u32 count, then per offer: str id, the three counts, its fourth number, its calibration sums (readOffers). */
function offerEntries<T extends OfferSums>(offers: Readonly<Record<string, T>>, fourth: (o: T) => number, cal: (o: T) => readonly number[] | undefined): void {
  const ids = Object.keys(offers);
  u32(ids.length);
  for (const id of ids) {
    const o = offers[id]!;
    str(id);
    f64(o.impressions);
    f64(o.outcomes);
    f64(o.rewards);
    f64(fourth(o));
    sums(cal(o));
  }
}

/** What offerEntries wrote: `make` builds each offer from its three counts, fourth number and sums. */
function readOffers<T>(r: Reader, make: (counts: OfferSums, fourth: number, cal: number[] | undefined) => T): Record<string, T> {
  const offers: Record<string, T> = {};
  for (let i = 0, n = r.u32(); i < n; i++) {
    const id = r.str();
    const counts = { impressions: r.f64(), outcomes: r.f64(), rewards: r.f64() };
    const fourth = r.f64();
    setOwn(offers, id, make(counts, fourth, r.sums()));
  }
  return offers;
}

export function encodeCounters(r: SegmentCountersRecord): Buffer {
  begin(KIND_COUNTERS);
  groups(r);
  offerEntries(r.offers, (o) => o.deltaSum, (o) => o.cal);
  return end();
}

/** A stored value of `kind`: read by `read` in this layout, or by msgpack when an earlier build wrote it. */
function decodeAs<T>(bytes: Uint8Array, kind: number, what: string, read: (r: Reader) => T): T {
  const b = asBuffer(bytes);
  if (!kindOf(b, kind, what)) return legacy.unpack(b) as T;
  const r = new Reader(b);
  const v = read(r);
  r.done(what);
  return v;
}

export function decodeCounters(bytes: Uint8Array): SegmentCountersRecord {
  return decodeAs(bytes, KIND_COUNTERS, 'counters', (r) => {
    const control = r.group();
    const treatment = r.group();
    const offers = readOffers(r, (c, deltaSum, cal) => (cal === undefined ? { ...c, deltaSum } : { ...c, deltaSum, cal }));
    return { offers, control, treatment };
  });
}

export function encodeBucket(bk: SeriesBucket | MutableBucket): Buffer {
  begin(KIND_BUCKET);
  f64(bk.start);
  groups(bk);
  offerEntries(bk.offers, (o) => o.predicted, (o) => o.calibration);
  const versions = Object.keys(bk.models).filter((v) => bk.models[v]!.length === CALIBRATION_SLOTS);
  u32(versions.length);
  for (const v of versions) {
    str(v);
    slots(bk.models[v]!);
  }
  return end();
}

export function decodeBucket(bytes: Uint8Array): SeriesBucket {
  return decodeAs(bytes, KIND_BUCKET, 'monitoring bucket', (r) => {
    const start = r.f64();
    const control = r.group();
    const treatment = r.group();
    const offers = readOffers(r, (c, predicted, calibration) => (calibration === undefined ? { ...c, predicted } : { ...c, predicted, calibration }));
    const models: Record<string, number[]> = {};
    for (let i = 0, n = r.u32(); i < n; i++) setOwn(models, r.str(), r.slots());
    return { start, offers, models, control, treatment };
  });
}

/** lmdb-js custom encoders (openDB's `encoder`): what the counters and series dbs are opened with. */
export const COUNTERS_ENCODER = Object.freeze({ encode: encodeCounters, decode: decodeCounters });
export const BUCKET_ENCODER = Object.freeze({ encode: encodeBucket, decode: decodeBucket });
