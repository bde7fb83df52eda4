import type { Database, RootDatabase } from 'lmdb';
import { categoricalProfile, numericProfile, type ReferenceProfile } from '../monitoring/psi';
import { openMeta, openReadEnv, snapshotKey, type ReadEnv } from './env';
import { decodeValue } from './schema';
import type { CompiledSchema } from './types';

/**
 * The reference distribution of each field of a snapshot, for drift (PSI): written by the loader next
 * to the snapshot's meta (`profile/<id>`), read by the server. A systematic sample of at most
 * PROFILE_ROWS records (every k-th in key order; customer ids do not order by feature values), so a
 * profile stays small whatever the snapshot size, and the reference sample size is known: PSI is only
 * read beside it (src/monitoring/psi.ts says how noisy it is at small n).
 */
export const PROFILE_ROWS = 20_000;
export const profileKey = (id: string): string => `profile/${id}`;

export interface SnapshotProfile {
  readonly snapshotId: string;
  /** Records in the sample. */
  readonly rows: number;
  readonly fields: Readonly<Record<string, ReferenceProfile>>;
}

/** Builds the profile of a snapshot db (`entries` = its record count). */
export function profileSnapshot(snapshotId: string, db: Database<Buffer, string>, schema: CompiledSchema, entries: number): SnapshotProfile {
  const step = Math.max(1, Math.ceil(entries / PROFILE_ROWS));
  const n = schema.fields.length;
  const values = schema.fields.map(() => [] as Array<number | string>);
  const rec = new Float64Array(n);
  let i = 0;
  let rows = 0;
  for (const { value } of db.getRange({ snapshot: false })) {
    if (i++ % step !== 0) continue;
    if (!Buffer.isBuffer(value) || value.length < n * 8) continue;
    for (let f = 0; f < n; f++) rec[f] = value.readDoubleLE(f * 8);
    for (let f = 0; f < n; f++) values[f]!.push(decodeValue(schema, rec, f));
    rows++;
  }
  const fields: Record<string, ReferenceProfile> = {};
  if (rows > 0) {
    schema.fields.forEach((field, f) => {
      fields[field.name] = field.type === 'category' ? categoricalProfile(values[f]!.map(String)) : numericProfile(values[f] as number[]);
    });
  }
  return { snapshotId, rows, fields };
}

/** Writes a profile, and removes those of snapshots that are gone. */
export function writeProfile(env: RootDatabase, profile: SnapshotProfile): void {
  const meta = openMeta(env);
  env.transactionSync(() => {
    void meta.put(profileKey(profile.snapshotId), profile);
    for (const key of meta.getKeys({ start: 'profile/', end: 'profile0', snapshot: false })) {
      if (typeof key !== 'string') continue;
      const id = key.slice('profile/'.length);
      if (id !== profile.snapshotId && meta.get(snapshotKey(id)) === undefined) void meta.remove(key);
    }
  });
}

/** Read side for the server: the profile of a snapshot id, cached (profiles never change). */
export class ProfileReader {
  private env: ReadEnv | null = null;
  private meta: Database<unknown, string> | null = null;
  private cached: SnapshotProfile | null = null;

  constructor(private readonly dataDir: string) {}

  get(snapshotId: string): SnapshotProfile | null {
    if (snapshotId === '') return null;
    if (this.cached?.snapshotId === snapshotId) return this.cached;
    try {
      this.env ??= openReadEnv(this.dataDir);
      this.meta ??= openMeta(this.env.ro);
      const p = this.meta.get(profileKey(snapshotId)) as SnapshotProfile | undefined;
      if (p === undefined) return null;
      this.cached = p;
      return p;
    } catch {
      // A handle opened before the meta db existed can be unusable in lmdb-js: reopen next time.
      this.meta = null;
      return null;
    }
  }

  close(): void {
    this.meta = null;
    const env = this.env;
    this.env = null;
    if (env !== null) {
      void env.ro.close();
      void env.rw.close();
    }
  }
}
