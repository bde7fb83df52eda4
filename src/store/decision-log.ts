import type { DecisionRecord } from './types';
import type { StoreDbs } from './lmdb-env';
import { decodeDecision, encodeDecision } from './decision-codec';

/** Decisions queued for one transaction, as parallel columns: a Buffer per decision, no record object. */
interface Batch {
  ids: string[];
  /** The stored record (decision-codec.ts): what LMDB gets, and what a pending lookup decodes. */
  bytes: Buffer[];
  ts: number[];
  campaigns: string[];
}

const emptyBatch = (): Batch => ({ ids: [], bytes: [], ts: [], campaigns: [] });

/**
 * The decision log's write side: logDecision only queues (the Decide path never waits for disk); the
 * queue is written at the start of the next group transaction. Until that transaction is committed a
 * decision also sits in `pending`, so an outcome that overtakes its decision still finds it.
 *
 * A decision is encoded when it is queued and only its bytes are kept. A queued decision lives for the
 * flush interval plus a commit, long enough to be caught by a scavenge and promoted to the old
 * generation; the record object with its offers and strings was about 0.6 KB of promoted garbage per
 * Decide (V8's sampling heap profiler, 1,500 req/s), the bytes a fraction of that, and a record that
 * cannot be encoded now fails its own Decide instead of the batch's transaction.
 */
export class DecisionLog {
  private queue: Batch = emptyBatch();
  private inFlight: Batch = emptyBatch();
  private readonly pending = new Map<string, Buffer>();

  constructor(
    private readonly dbs: StoreDbs,
    /** Reward wait of a campaign (0 = no default reward), or undefined for an unknown campaign. */
    private readonly rewardWaitMs: (campaign: string) => number | undefined,
  ) {}

  get queued(): number {
    return this.queue.ids.length;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Queues a decision; throws (and queues nothing) when the record cannot be encoded. */
  add(record: DecisionRecord): void {
    const bytes = encodeDecision(record);
    const q = this.queue;
    q.ids.push(record.id);
    q.bytes.push(bytes);
    q.ts.push(record.ts);
    q.campaigns.push(record.campaign);
    this.pending.set(record.id, bytes);
  }

  /** A decision, committed or still pending. Call inside a transaction to see its own writes. */
  get(id: string): DecisionRecord | undefined {
    const pending = this.pending.get(id);
    if (pending !== undefined) return decodeDecision(id, pending);
    const bytes = this.dbs.decisions.getBinaryFast(id);
    return bytes === undefined ? undefined : decodeDecision(id, bytes);
  }

  /** Writes the queued decisions into the current transaction (and their default-reward due times). */
  writeQueued(): void {
    const b = this.queue;
    this.queue = emptyBatch();
    for (let i = 0; i < b.ids.length; i++) {
      const id = b.ids[i]!;
      this.dbs.decisions.put(id, b.bytes[i]!);
      const campaign = b.campaigns[i]!;
      const wait = this.rewardWaitMs(campaign);
      if (wait !== undefined && wait > 0) this.dbs.due.put([b.ts[i]! + wait, id], campaign);
    }
    const f = this.inFlight;
    for (let i = 0; i < b.ids.length; i++) {
      f.ids.push(b.ids[i]!);
      f.bytes.push(b.bytes[i]!);
      f.ts.push(b.ts[i]!);
      f.campaigns.push(b.campaigns[i]!);
    }
  }

  /** The transaction holding the in-flight batch failed: the batch goes back to the front of the queue. */
  requeue(): void {
    const f = this.inFlight;
    const q = this.queue;
    this.queue = { ids: f.ids.concat(q.ids), bytes: f.bytes.concat(q.bytes), ts: f.ts.concat(q.ts), campaigns: f.campaigns.concat(q.campaigns) };
    this.inFlight = emptyBatch();
  }

  /** The transaction holding the in-flight batch committed: those decisions are readable from LMDB. */
  committed(): void {
    const f = this.inFlight;
    for (let i = 0; i < f.ids.length; i++) {
      const id = f.ids[i]!;
      if (this.pending.get(id) === f.bytes[i]) this.pending.delete(id);
    }
    this.inFlight = emptyBatch();
  }
}
