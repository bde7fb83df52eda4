import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'lmdb';
import { encodeOutcome, openStoreDbs, outcomeKey, type StoreDbs } from '../lmdb-env';
import { pause, removeOlderThan, RETENTION_BATCH, RETENTION_PAUSE_MS } from '../retention';

/**
 * The node-local part of the Redis store, in LMDB: the full decision log (every decision this process
 * made, in the same layout as the embedded store's, so `nudge decisions export` and off-policy
 * evaluation read it as they read an embedded data directory), the outcomes this process applied, and
 * the spool of join records that could not reach Redis yet. Redis keeps a decision only while its
 * outcomes can arrive; this log keeps it for export.
 */
export class NodeLog {
  readonly dbs: StoreDbs;
  /** decision id -> join record (join-codec.ts) waiting for Redis. */
  readonly spool: Database<Buffer, string>;
  private spooled: number;

  private constructor(dbs: StoreDbs) {
    this.dbs = dbs;
    this.spool = dbs.env.openDB<Buffer, string>({ name: 'spool', encoding: 'binary' });
    this.spooled = this.spool.getCount();
  }

  static open(dataDir: string, processIndex: number): NodeLog {
    const path = nodeLogPath(dataDir, processIndex);
    mkdirSync(path, { recursive: true });
    return new NodeLog(openStoreDbs(path, 256 * 1024 * 1024));
  }

  get spoolSize(): number {
    return this.spooled;
  }

  /** One transaction: the batch's full records, and the join records Redis did not take (if any). */
  async write(ids: readonly string[], full: readonly Buffer[], spool?: { ids: readonly string[]; recs: readonly Buffer[] }): Promise<void> {
    await this.dbs.env.transaction(() => {
      for (let i = 0; i < ids.length; i++) this.dbs.decisions.put(ids[i]!, full[i]!);
      if (spool !== undefined) for (let i = 0; i < spool.ids.length; i++) this.spool.put(spool.ids[i]!, spool.recs[i]!);
    });
    if (spool !== undefined) this.spooled += spool.ids.length;
  }

  /** Up to `limit` spooled join records, oldest first. */
  spooledBatch(limit: number): Array<{ id: string; bytes: Buffer }> {
    const out: Array<{ id: string; bytes: Buffer }> = [];
    for (const { key, value } of this.spool.getRange({ limit })) out.push({ id: key, bytes: Buffer.from(value) });
    return out;
  }

  spooledRecord(id: string): Buffer | undefined {
    if (this.spooled === 0) return undefined;
    const b = this.spool.getBinary(id);
    return b === undefined ? undefined : Buffer.from(b);
  }

  /** Removes records that reached Redis (ids read from the spool, so each was there). */
  async unspool(ids: readonly string[]): Promise<void> {
    await this.dbs.env.transaction(() => {
      for (const id of ids) void this.spool.remove(id);
    });
    this.spooled = Math.max(0, this.spooled - ids.length);
  }

  /** Records applied outcomes and default rewards for export ('a' outcome, 'd' default). */
  recordOutcomes(items: ReadonlyArray<{ decisionId: string; offerId: string; kind: 'a' | 'd'; reward: number; t: number }>): void {
    if (items.length === 0) return;
    void this.dbs.env.transaction(() => {
      for (const it of items) this.dbs.outcomes.put(outcomeKey(it.decisionId, it.offerId), encodeOutcome({ s: it.kind, r: it.reward, t: it.t }));
    });
  }

  /** Removes decisions older than `cutoffMs` (and their outcomes) in small transactions; returns how many. */
  async applyRetention(cutoffMs: number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.dbs.env.transaction(() => removeOlderThan(this.dbs, cutoffMs));
      total += n;
      if (n < RETENTION_BATCH) return total;
      await pause(RETENTION_PAUSE_MS);
    }
  }

  close(): Promise<void> {
    return this.dbs.env.close();
  }
}

export function nodeLogPath(dataDir: string, processIndex: number): string {
  return join(dataDir, `node-${processIndex}`, 'state');
}
