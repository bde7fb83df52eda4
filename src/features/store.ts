import type { Database } from 'lmdb';
import type { CompiledSchema, FeatureReader } from './types';
import { CURRENT_KEY, openMeta, openReadEnv, openSnapshotDb, snapshotKey, type CurrentPointer, type ReadEnv, type SnapshotMeta } from './env';
import { EMPTY_SCHEMA, decodeValue, fromStoredSchema } from './schema';

export { featureContext, featureValue, toRuleData, type FeatureView } from './context';

export interface FeatureReaderOptions {
  /** How often read() looks at the snapshot pointer, in ms (default 200; 0 = on every read). */
  readonly checkIntervalMs?: number;
}

const READER_DEFAULTS = { checkIntervalMs: 200 } as const;

interface Served {
  readonly id: string;
  readonly schema: CompiledSchema;
  readonly db: Database<Buffer, string> | null;
  readonly bytes: number;
}

const EMPTY: Served = { id: '', schema: EMPTY_SCHEMA, db: null, bytes: 0 };

/**
 * Read side of the features store. The hot path is one getBinaryFast (a memcpy into lmdb-js's reusable
 * buffer) plus a copy through a cached Float64Array view into the caller's `out`: no decode, no
 * allocation while the value buffer stays the same. Works in any thread or process; swaps are picked
 * up by read() itself, and the old snapshot is served until the new one is fully opened.
 */
class LmdbFeatureReader implements FeatureReader {
  private served: Served = EMPTY;
  private env: ReadEnv | null;
  private meta: Database<unknown, string> | null = null;
  private nextCheck = 0;
  private readonly interval: number;
  private viewBuffer: ArrayBufferLike | null = null;
  private viewOffset = -1;
  private view: Float64Array = new Float64Array(0);

  constructor(dataDir: string, interval: number) {
    this.interval = interval;
    this.env = openReadEnv(dataDir);
    this.refresh(Date.now());
  }

  get snapshotId(): string {
    return this.served.id;
  }

  get schema(): CompiledSchema {
    return this.served.schema;
  }

  read(customerId: string, out: Float64Array): boolean {
    const now = Date.now();
    if (now >= this.nextCheck) this.refresh(now);
    const s = this.served;
    const n = s.schema.fields.length;
    if (s.db === null || customerId.length === 0) return this.miss(s, out);
    let buf: Buffer | undefined;
    try {
      buf = s.db.getBinaryFast(customerId);
    } catch {
      // A key too long for LMDB, or a snapshot dropped under us: answer defaults, look again soon.
      this.nextCheck = 0;
      return this.miss(s, out);
    }
    // A record of the wrong size would mean the dbi slot no longer holds this snapshot (see env.ts).
    if (buf === undefined || buf.length !== s.bytes) return this.miss(s, out);
    if ((buf.byteOffset & 7) === 0) {
      if (buf.buffer !== this.viewBuffer || buf.byteOffset !== this.viewOffset || this.view.length < n) {
        this.viewBuffer = buf.buffer;
        this.viewOffset = buf.byteOffset;
        this.view = new Float64Array(buf.buffer, buf.byteOffset, Math.floor((buf.buffer.byteLength - buf.byteOffset) / 8));
      }
      const v = this.view;
      for (let i = 0; i < n; i++) out[i] = v[i];
    } else {
      for (let i = 0; i < n; i++) out[i] = buf.readDoubleLE(i * 8);
    }
    return true;
  }

  value(record: Float64Array, i: number): number | string {
    return decodeValue(this.served.schema, record, i);
  }

  close(): void {
    const env = this.env;
    this.env = null;
    this.meta = null;
    this.served = EMPTY;
    if (env !== null) {
      void env.ro.close();
      void env.rw.close();
    }
  }

  private miss(s: Served, out: Float64Array): false {
    out.set(s.schema.defaults);
    return false;
  }

  /** Looks at the pointer; opens a new snapshot completely before serving it. Never throws. */
  private refresh(now: number): void {
    this.nextCheck = now + this.interval;
    const env = this.env;
    if (env === null) return;
    try {
      if (this.meta === null) {
        try {
          this.meta = openMeta(env.ro);
        } catch {
          return; // no load has happened yet: keep serving the empty schema
        }
      }
      let cur: CurrentPointer | undefined;
      try {
        cur = this.meta.get(CURRENT_KEY) as CurrentPointer | undefined;
      } catch {
        // A handle opened before the meta db existed can be unusable in lmdb-js: reopen next time.
        this.meta = null;
        return;
      }
      if (cur === undefined || cur.id === this.served.id) return;
      const meta = this.meta.get(snapshotKey(cur.id)) as SnapshotMeta | undefined;
      if (meta === undefined) return;
      const schema = fromStoredSchema(meta.schema);
      const db = openSnapshotDb(env.ro, cur.id);
      this.served = { id: cur.id, schema, db, bytes: schema.fields.length * 8 };
    } catch {
      // Keep the old snapshot; the next check retries.
    }
  }
}

export function openFeatureReader(dataDir: string, opts: FeatureReaderOptions = {}): FeatureReader {
  if (typeof dataDir !== 'string' || dataDir.length === 0) throw new TypeError('dataDir must be a non-empty string');
  if (typeof opts !== 'object' || opts === null) throw new TypeError('options must be an object');
  const interval = opts.checkIntervalMs ?? READER_DEFAULTS.checkIntervalMs;
  if (typeof interval !== 'number') throw new TypeError('options.checkIntervalMs must be a number');
  if (!Number.isFinite(interval) || interval < 0) throw new RangeError('options.checkIntervalMs must be a non-negative number');
  return new LmdbFeatureReader(dataDir, interval);
}
