import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { StoredSchema } from './schema';

/**
 * Layout of the features environment (`${dataDir}/features`):
 * - db `meta` (JSON): key `current` -> CurrentPointer; key `snap/<id>` -> SnapshotMeta.
 * - db `<id>` per snapshot (binary): customer id -> Float64 record (little-endian, fields.length * 8 bytes).
 */
export const META_DB = 'meta';
export const CURRENT_KEY = 'current';
export const snapshotKey = (id: string): string => `snap/${id}`;

/**
 * lmdb-js never closes a dbi handle (mdb_dbi_close is unsafe while other handles share it), so a
 * long-lived reader uses one slot per snapshot it has ever opened. 1000 slots = 1000 swaps per reader
 * process lifetime; each read-transaction renew walks the used slots, which stays cheap at that size.
 */
export const MAX_DBS = 1000;

export interface CurrentPointer {
  readonly id: string;
  readonly swappedAt: number;
}

export interface SnapshotMeta {
  readonly id: string;
  readonly createdAt: number;
  readonly rows: number;
  readonly source: string;
  readonly schema: StoredSchema;
  /** When a newer snapshot replaced this one (set at the swap); old ones are dropped after a grace period. */
  readonly supersededAt?: number;
}

export const featuresPath = (dataDir: string): string => join(dataDir, 'features');

export function openWritableEnv(dataDir: string): RootDatabase {
  return open({ path: featuresPath(dataDir), maxDbs: MAX_DBS });
}

export interface ReadEnv {
  /** Writable-flagged handle: only there so the process-wide MDB_env is opened read-write (see below). */
  readonly rw: RootDatabase;
  /** Read-only handle: opens sub-databases with a read transaction, never taking the writer lock. */
  readonly ro: RootDatabase;
}

/**
 * lmdb-js shares one MDB_env per file across every open() in a process (threads included), with the
 * flags of the first opener. A reader that opened it MDB_RDONLY first would make a later loader in the
 * same process fail, so the reader opens it read-write first and then a readOnly handle on top.
 */
export function openReadEnv(dataDir: string): ReadEnv {
  const rw = open({ path: featuresPath(dataDir), maxDbs: MAX_DBS });
  const ro = open({ path: featuresPath(dataDir), maxDbs: MAX_DBS, readOnly: true });
  return { rw, ro };
}

export function openMeta(root: RootDatabase): Database<unknown, string> {
  return root.openDB<unknown, string>(META_DB, { encoding: 'json' });
}

export function openSnapshotDb(root: RootDatabase, id: string): Database<Buffer, string> {
  return root.openDB<Buffer, string>(id, { encoding: 'binary' });
}

export function newSnapshotId(now = Date.now()): string {
  return `snap-${now.toString(36)}-${Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0')}`;
}
