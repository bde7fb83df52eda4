import type { Database } from 'lmdb';
import { CURRENT_KEY, openMeta, openReadEnv, snapshotKey, type CurrentPointer, type ReadEnv, type SnapshotMeta } from '../features/env';

/**
 * Age of the current feature snapshot, read from the features store's metadata at scrape time. Opened
 * lazily (a scrape, not startup, pays for it) and never throws: a missing store means no reading.
 */
export class FeatureAge {
  private env: ReadEnv | null = null;
  private meta: Database<unknown, string> | null = null;

  constructor(private readonly dataDir: string) {}

  seconds(now = Date.now()): number | null {
    try {
      this.env ??= openReadEnv(this.dataDir);
      this.meta ??= openMeta(this.env.ro);
      const cur = this.meta.get(CURRENT_KEY) as CurrentPointer | undefined;
      if (cur === undefined) return null;
      const snap = this.meta.get(snapshotKey(cur.id)) as SnapshotMeta | undefined;
      return snap === undefined ? null : Math.max(0, (now - snap.createdAt) / 1000);
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
