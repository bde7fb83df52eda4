import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { Database, RootDatabase } from 'lmdb';
import type { FeatureSchema } from './types';
import { CsvSplitter, LineSplitter } from './csv';
import { makePlan, type LoadPlan } from './plan';
import { toStoredSchema } from './schema';
import { profileSnapshot, writeProfile } from './profile';
import { RowBatch, RowEncoder } from './rows';
import { writeBatch } from './batch';
import { CURRENT_KEY, newSnapshotId, openMeta, openSnapshotDb, openWritableEnv, snapshotKey, type CurrentPointer, type SnapshotMeta } from './env';
import { readSecret, readTombstones, tombstoneFilter } from './tombstones';
import { TokenMatcher } from '../privacy/token';

export interface LoadOptions {
  readonly dataDir: string;
  readonly file: string;
  /** Default: 'ndjson' for .ndjson/.jsonl files, else 'csv'. */
  readonly format?: 'csv' | 'ndjson';
  readonly idColumn?: string;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly schemaFile?: string;
  readonly maxBadRows?: number;
  readonly maxBadRatio?: number;
  /** Superseded snapshots older than this are dropped at the next load (default 30 s). */
  readonly graceMs?: number;
  readonly onProgress?: (rows: number, bytes: number, totalBytes: number) => void;
  readonly onBadRow?: (line: number, problem: string) => void;
}

export interface LoadReport {
  readonly snapshotId: string;
  /** Records stored (distinct customer ids). */
  readonly rows: number;
  readonly badRows: number;
  /** Rows whose id repeated an earlier row's: the later row wins (they are not bad rows). */
  readonly duplicates: number;
  readonly seconds: number;
  /** Good rows read per second, end to end (file to committed snapshot). */
  readonly rowsPerSec: number;
  readonly schema: FeatureSchema;
  /** Superseded snapshots dropped by this load. */
  readonly dropped: readonly string[];
  /** Rows not stored because their customer was forgotten (ForgetCustomer's tombstones, docs/privacy.md). */
  readonly forgotten: number;
}

/** The load was refused: too many bad rows (or none good). Nothing was swapped. */
export class FeatureLoadError extends Error {
  constructor(message: string, readonly rows: number, readonly badRows: number) {
    super(message);
    this.name = 'FeatureLoadError';
  }
}

/**
 * batchRows/batchBytes bound the rows held before a write (ids + records): one large transaction
 * writes each tree page once, where many small ones copied the same pages again at every commit.
 */
export const LOAD_DEFAULTS = {
  maxBadRows: 1000, maxBadRatio: 0.01, graceMs: 30_000, batchRows: 262_144, batchBytes: 32 << 20, sampleRows: 1000,
} as const;

type Pending = [row: unknown, line: number];

function checkOptions(o: LoadOptions): void {
  if (typeof o !== 'object' || o === null) throw new TypeError('options must be an object');
  if (typeof o.dataDir !== 'string' || o.dataDir.length === 0) throw new TypeError('options.dataDir must be a non-empty string');
  if (typeof o.file !== 'string' || o.file.length === 0) throw new TypeError('options.file must be a non-empty string');
  if (o.format !== undefined && o.format !== 'csv' && o.format !== 'ndjson') throw new RangeError('options.format must be "csv" or "ndjson"');
  if (o.maxBadRows !== undefined && (!Number.isInteger(o.maxBadRows) || o.maxBadRows < 0)) throw new RangeError('options.maxBadRows must be a non-negative integer');
  if (o.maxBadRatio !== undefined && (typeof o.maxBadRatio !== 'number' || !(o.maxBadRatio >= 0 && o.maxBadRatio <= 1))) throw new RangeError('options.maxBadRatio must be a number from 0 to 1');
  if (o.graceMs !== undefined && (typeof o.graceMs !== 'number' || !(o.graceMs >= 0))) throw new RangeError('options.graceMs must be a non-negative number');
  for (const k of ['include', 'exclude'] as const) {
    const v = o[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))) throw new TypeError(`options.${k} must be an array of strings`);
  }
}

/**
 * Streams a CSV/NDJSON file into a new snapshot and swaps the pointer to it in one transaction.
 * Bad rows (missing id, wrong column count, non-numeric number, invalid JSON) are reported and
 * skipped; past maxBadRows (checked as it reads) or maxBadRatio (checked at the end) the partial
 * snapshot is dropped, nothing is swapped, and FeatureLoadError is thrown.
 */
export async function loadSnapshot(opts: LoadOptions): Promise<LoadReport> {
  checkOptions(opts);
  const started = process.hrtime.bigint();
  const format = opts.format ?? (/\.(nd)?jsonl?$/i.test(opts.file) ? 'ndjson' : 'csv');
  const maxBadRows = opts.maxBadRows ?? LOAD_DEFAULTS.maxBadRows;
  const maxBadRatio = opts.maxBadRatio ?? LOAD_DEFAULTS.maxBadRatio;
  const totalBytes = statSync(opts.file).size;

  let plan: LoadPlan | null = null;
  let header: string[] | null = null;
  const sample: Pending[] = [];
  let env: RootDatabase | null = null;
  let db: Database<Buffer, string> | null = null;
  let encoder: RowEncoder | null = null;
  let batchLimit = 0;
  const snapshotId = newSnapshotId();
  let written = 0;
  let forgotten = 0;
  let skip: ((id: string) => boolean) | null = null;
  let tombstones: ReadonlySet<string> = new Set();
  let bad = 0;
  let bytes = 0;

  const badRow = (line: number, problem: string): void => {
    bad++;
    opts.onBadRow?.(line, problem);
    if (bad > maxBadRows) throw new FeatureLoadError(`more than ${maxBadRows} bad rows (options.maxBadRows); nothing was swapped`, written, bad);
  };

  const flush = (): void => {
    const batch = (encoder as RowEncoder).batch;
    if (batch.count === 0) return;
    const skipped = writeBatch(env as RootDatabase, db as Database<Buffer, string>, batch, skip);
    written += batch.count - skipped;
    forgotten += skipped;
    batch.clear();
    opts.onProgress?.(written, bytes, totalBytes);
  };

  const encoded = (problem: string | null, line: number): void => {
    if (problem !== null) badRow(line, problem);
    else if ((encoder as RowEncoder).batch.count >= batchLimit) flush();
  };

  const encodeRow = (row: unknown, line: number): void => {
    const enc = encoder as RowEncoder;
    encoded(format === 'csv' ? enc.csvFields(row as string[]) : enc.json(row as Record<string, unknown>), line);
  };

  // Builds the plan from the header and the sample; opens the snapshot db; encodes the sample.
  const start = (): void => {
    const columns = format === 'csv' ? (header ?? []) : ndjsonColumns(sample);
    const rows = format === 'csv' ? sample.map((p) => p[0] as string[]) : sample.map((p) => columns.map((c) => (p[0] as Record<string, unknown>)[c]));
    plan = makePlan({ columns, sample: rows, idColumn: opts.idColumn, include: opts.include, exclude: opts.exclude, schemaFile: opts.schemaFile, requireColumns: format === 'csv' });
    const width = plan.schema.fields.length;
    batchLimit = Math.max(1, Math.min(LOAD_DEFAULTS.batchRows, Math.floor(LOAD_DEFAULTS.batchBytes / Math.max(8, width * 8))));
    encoder = new RowEncoder(plan, new RowBatch(width));
    env = openWritableEnv(opts.dataDir);
    const meta = openMeta(env);
    skip = tombstoneFilter(meta);
    tombstones = readTombstones(meta);
    db = openSnapshotDb(env, snapshotId);
    const rest = sample.splice(0, sample.length);
    for (const [row, line] of rest) encodeRow(row, line);
  };

  const accept = (row: unknown, line: number): void => {
    if (plan === null) {
      if (format === 'csv' && header === null) {
        header = (row as string[]).map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c));
        return;
      }
      sample.push([row, line]);
      if (sample.length >= LOAD_DEFAULTS.sampleRows) start();
      return;
    }
    encodeRow(row, line);
  };

  const csv = new CsvSplitter();
  const lines = new LineSplitter();
  const onCsv = (fields: string[], line: number): void => accept(fields, line);
  // Unquoted lines skip the split once the plan exists (the header and sample still need cells).
  const onPlain = (text: string, line: number): void => {
    if (encoder === null) accept(text.split(','), line);
    else encoded(encoder.csvLine(text), line);
  };
  const onJson = (text: string, line: number): void => {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      badRow(line, `invalid JSON: ${(e as Error).message}`);
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) badRow(line, 'a line must be a JSON object');
    else accept(v, line);
  };

  try {
    const decoder = new StringDecoder('utf8');
    const stream = createReadStream(opts.file, { highWaterMark: 1 << 20 });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        const text = decoder.write(chunk);
        if (format === 'csv') csv.push(text, onCsv, onPlain);
        else lines.push(text, onJson);
      }
    } finally {
      stream.destroy();
    }
    const rest = decoder.end();
    if (format === 'csv') {
      csv.push(rest, onCsv, onPlain);
      csv.end(onCsv, onPlain);
    } else {
      lines.push(rest, onJson);
      lines.end(onJson);
    }
    if (plan === null) start();
    flush();
    if (written === 0) throw new FeatureLoadError('no good rows in the file; nothing was swapped', 0, bad);
    if (bad / (written + bad) > maxBadRatio) {
      throw new FeatureLoadError(`${bad} bad rows of ${written + bad} exceed options.maxBadRatio ${maxBadRatio}; nothing was swapped`, written, bad);
    }
    const e = env as unknown as RootDatabase;
    const stored = (db as unknown as Database<Buffer, string>).getStats() as { entryCount: number };
    // Before the swap: a server that sees the new snapshot finds its drift reference too.
    writeProfile(e, profileSnapshot(snapshotId, db as unknown as Database<Buffer, string>, (plan as unknown as LoadPlan).compiled, stored.entryCount));
    const swapped = swap(e, snapshotId, plan as unknown as LoadPlan, stored.entryCount, opts, { db: db as unknown as Database<Buffer, string>, tombstones });
    const rows = stored.entryCount - swapped.lateForgotten;
    const dropped = swapped.dropped;
    forgotten += swapped.lateForgotten;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    opts.onProgress?.(written, bytes, totalBytes);
    await e.close();
    env = null;
    return {
      snapshotId, rows, badRows: bad, duplicates: written - stored.entryCount, seconds, rowsPerSec: written / seconds,
      schema: (plan as unknown as LoadPlan).schema, dropped, forgotten,
    };
  } catch (err) {
    if (db !== null) {
      try {
        (db as Database<Buffer, string>).dropSync();
      } catch {
        // the partial snapshot stays unreferenced; nothing points at it
      }
    }
    if (env !== null) await (env as RootDatabase).close();
    throw err;
  }
}

function ndjsonColumns(sample: readonly Pending[]): string[] {
  const seen = new Set<string>();
  for (const [row] of sample) for (const k of Object.keys(row as object)) seen.add(k);
  return [...seen];
}

/**
 * Inside the swap's write: customers forgotten while the load ran (their tombstones are newer than
 * the filter the load started with) leave the new snapshot before it is served. Rare, so a full scan.
 */
function removeLateForgotten(meta: Database<unknown, string>, db: Database<Buffer, string>, seen: ReadonlySet<string>): number {
  const late = new Set([...readTombstones(meta)].filter((t) => !seen.has(t)));
  const secret = readSecret(meta);
  if (late.size === 0 || secret === null) return 0;
  const matcher = new TokenMatcher(secret, late);
  const gone = [...db.getKeys({ snapshot: false })].filter((k): k is string => typeof k === 'string' && matcher.match(k) !== null);
  for (const k of gone) db.removeSync(k);
  return gone.length;
}

/** Points `current` at the new snapshot (one synced transaction), then drops expired old ones. */
function swap(
  env: RootDatabase,
  id: string,
  plan: LoadPlan,
  stored: number,
  opts: LoadOptions,
  filtered: { readonly db: Database<Buffer, string>; readonly tombstones: ReadonlySet<string> },
): { dropped: string[]; lateForgotten: number } {
  const meta = openMeta(env);
  const now = Date.now();
  const graceMs = opts.graceMs ?? LOAD_DEFAULTS.graceMs;
  let previous: string | null = null;
  let lateForgotten = 0;
  env.transactionSync(() => {
    lateForgotten = removeLateForgotten(meta, filtered.db, filtered.tombstones);
    const rows = stored - lateForgotten;
    const entry: SnapshotMeta = { id, createdAt: now, rows, source: opts.file, schema: toStoredSchema(plan.compiled) };
    void meta.put(snapshotKey(id), entry);
    const cur = meta.get(CURRENT_KEY) as CurrentPointer | undefined;
    if (cur !== undefined) {
      previous = cur.id;
      const old = meta.get(snapshotKey(cur.id)) as SnapshotMeta | undefined;
      if (old !== undefined) void meta.put(snapshotKey(cur.id), { ...old, supersededAt: now });
    }
    const pointer: CurrentPointer = { id, swappedAt: now };
    void meta.put(CURRENT_KEY, pointer);
  });
  // Keep the current and the previous snapshot (readers may still be on it); drop older ones once
  // their grace period has passed, so a reader that has not yet looked at the pointer is not cut off.
  const dropped: string[] = [];
  for (const { key, value } of meta.getRange({ start: 'snap/', end: 'snap0' })) {
    const m = value as SnapshotMeta;
    if (m.id === id || m.id === previous || m.supersededAt === undefined || now - m.supersededAt < graceMs) continue;
    try {
      openSnapshotDb(env, m.id).dropSync();
    } catch {
      // already gone
    }
    meta.removeSync(key);
    dropped.push(m.id);
  }
  return { dropped, lateForgotten };
}

/** Snapshot currently served, with its meta (for `features info`). */
export function currentSnapshot(env: RootDatabase): SnapshotMeta | null {
  let meta: Database<unknown, string>;
  try {
    meta = openMeta(env);
  } catch {
    return null;
  }
  const cur = meta.get(CURRENT_KEY) as CurrentPointer | undefined;
  if (cur === undefined) return null;
  return (meta.get(snapshotKey(cur.id)) as SnapshotMeta | undefined) ?? null;
}
