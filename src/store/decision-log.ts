import type { DecisionRecord } from './types';
import type { StoreDbs } from './lmdb-env';
import { decodeDecision, encodeDecision } from './decision-codec';

/**
 * The decision log's write side: logDecision only queues (the Decide path never waits for disk); the
 * queue is written at the start of the next group transaction. Until that transaction is committed a
 * decision also sits in `pending`, so an outcome that overtakes its decision still finds it.
 */
export class DecisionLog {
  private queue: DecisionRecord[] = [];
  private inFlight: DecisionRecord[] = [];
  private readonly pending = new Map<string, DecisionRecord>();

  constructor(
    private readonly dbs: StoreDbs,
    /** Reward wait of a campaign (0 = no default reward), or undefined for an unknown campaign. */
    private readonly rewardWaitMs: (campaign: string) => number | undefined,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  add(record: DecisionRecord): void {
    this.queue.push(record);
    this.pending.set(record.id, record);
  }

  /** A decision, committed or still pending. Call inside a transaction to see its own writes. */
  get(id: string): DecisionRecord | undefined {
    const pending = this.pending.get(id);
    if (pending !== undefined) return pending;
    const bytes = this.dbs.decisions.getBinaryFast(id);
    return bytes === undefined ? undefined : decodeDecision(id, bytes);
  }

  /** Writes the queued decisions into the current transaction (and their default-reward due times). */
  writeQueued(): void {
    const batch = this.queue;
    this.queue = [];
    for (const rec of batch) {
      this.dbs.decisions.put(rec.id, encodeDecision(rec));
      const wait = this.rewardWaitMs(rec.campaign);
      if (wait !== undefined && wait > 0) this.dbs.due.put([rec.ts + wait, rec.id], rec.campaign);
    }
    for (const rec of batch) this.inFlight.push(rec);
  }

  /** The transaction holding the in-flight batch failed: the batch goes back to the front of the queue. */
  requeue(): void {
    this.queue = this.inFlight.concat(this.queue);
    this.inFlight = [];
  }

  /** The transaction holding the in-flight batch committed: those decisions are readable from LMDB. */
  committed(): void {
    for (const rec of this.inFlight) {
      if (this.pending.get(rec.id) === rec) this.pending.delete(rec.id);
    }
    this.inFlight = [];
  }
}
