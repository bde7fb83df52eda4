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
/** setInterval treats longer delays as 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Served {
  readonly id: string;
  readonly schema: CompiledSchema;
  readonly db: Database<Buffer, string> | null;
  readonly bytes: number;
  readonly width: number;
}

const EMPTY: Served = { id: '', schema: EMPTY_SCHEMA, db: null, bytes: 0, width: 0 };

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
  /**
   * Set by an unref'd interval timer; read() looks at the pointer only when it is set. Date.now() on
   * every read measured ~70 ns, a quarter of the reader's own cost. A synchronous loop of reads never
   * sees the flag change, but it would not see a swap anyway: lmdb-js keeps one read snapshot until
   * the event loop turns.
   */
  private stale = false;
  private readonly everyRead: boolean;
  private timer: NodeJS.Timeout | null = null;
  /** lmdb-js returns the same shared Buffer from every getBinaryFast until it reallocates it. */
  private lastBuf: Buffer | null = null;
  private view: Float64Array = new Float64Array(0);

  constructor(dataDir: string, interval: number) {
    this.everyRead = interval === 0;
    this.env = openReadEnv(dataDir);
    this.refresh();
    if (!this.everyRead) {
      this.timer = setInterval(() => {
        this.stale = true;
      }, Math.min(interval, MAX_TIMER_MS));
      this.timer.unref();
    }
  }

  get snapshotId(): string {
    return this.served.id;
  }

  get schema(): CompiledSchema {
    return this.served.schema;
  }

  read(customerId: string, out: Float64Array): boolean {
    if (this.stale || this.everyRead) this.refresh();
    const s = this.served;
    const db = s.db;
    if (db === null || customerId.length === 0) return this.miss(s, out);
    let buf: Buffer | undefined;
    try {
      buf = db.getBinaryFast(customerId);
    } catch {
      // A key too long for LMDB, or a snapshot dropped under us: answer defaults, look again soon.
      this.stale = true;
      return this.miss(s, out);
    }
    // A record of the wrong size would mean the dbi slot no longer holds this snapshot (see env.ts).
    if (buf === undefined || buf.length !== s.bytes) return this.miss(s, out);
    const n = s.width;
    if (buf !== this.lastBuf || this.view.length < n) {
      // The view must cover the value, so it stays valid however long the next value is.
      if ((buf.byteOffset & 7) !== 0) return this.readUnaligned(buf, n, out);
      this.lastBuf = buf;
      this.view = new Float64Array(buf.buffer, buf.byteOffset, Math.floor((buf.buffer.byteLength - buf.byteOffset) / 8));
    }
    const v = this.view;
    for (let i = 0; i < n; i++) out[i] = v[i];
    return true;
  }

  private readUnaligned(buf: Buffer, n: number, out: Float64Array): true {
    for (let i = 0; i < n; i++) out[i] = buf.readDoubleLE(i * 8);
    return true;
  }

  poll(): void {
    // lmdb-js ends a thread's read snapshot on a timer; without an event-loop turn it never ends.
    this.env?.ro.resetReadTxn();
    this.lastBuf = null;
    this.refresh();
  }

  value(record: Float64Array, i: number): number | string {
    return decodeValue(this.served.schema, record, i);
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.lastBuf = null;
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
  private refresh(): void {
    this.stale = false;
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
      this.served = { id: cur.id, schema, db, bytes: schema.fields.length * 8, width: schema.fields.length };
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
