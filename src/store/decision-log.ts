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
  /** Every id greater than the one before: the server's ids (UUIDv7, made in order), searched by halving. */
  increasing: boolean;
}

const emptyBatch = (): Batch => ({ ids: [], bytes: [], ts: [], campaigns: [], increasing: true });

/** The bytes of the newest decision `id` of a batch, or undefined. */
function findIn(b: Batch, id: string): Buffer | undefined {
  const ids = b.ids;
  if (!b.increasing) {
    for (let i = ids.length - 1; i >= 0; i--) if (ids[i] === id) return b.bytes[i];
    return undefined;
  }
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid]!;
    if (v === id) return b.bytes[mid];
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/**
 * Decisions of one campaign in one batch whose due times lie within DUE_GROUP_SPAN_MS share one entry
 * of the `due` index, keyed by the latest of them: one LMDB put per batch and campaign instead of one
 * per decision (about 2 us of each Decide, docs/performance.md). None is swept early; one may be swept
 * up to the span late, against reward waits of minutes to days.
 */
export const DUE_GROUP_SPAN_MS = 100;

interface DueGroup {
  readonly firstId: string;
  readonly firstDue: number;
  lastDue: number;
  readonly ids: string[];
}

/**
 * A `due` value: the campaign, then the decision ids, NUL-separated. An entry written before grouping
 * holds the campaign alone, its one decision being the key's id; decodeDueEntry reads both.
 */
export function encodeDueEntry(campaign: string, ids: readonly string[]): string {
  return ids.length === 1 ? campaign : `${campaign}\u0000${ids.join('\u0000')}`;
}

export function decodeDueEntry(keyId: string, value: string): string[] {
  const i = value.indexOf('\u0000');
  return i < 0 ? [keyId] : value.slice(i + 1).split('\u0000');
}

/** The campaign of a `due` value, in either form. */
export function dueCampaign(value: string): string {
  const i = value.indexOf('\u0000');
  return i < 0 ? value : value.slice(0, i);
}

/** lmdb-js's MDB_APPEND: the key goes after the last one without a search of the tree. */
const APPEND = Object.freeze({ append: true });

/**
 * The decision log's write side: logDecision only queues (the Decide path never waits for disk); the
 * queue is written at the start of the next group transaction. Until that transaction is committed a
 * decision is looked up in the queue and the in-flight batch, so an outcome that overtakes its
 * decision still finds it. The server's ids increase, so that lookup halves; there is no id -> bytes
 * Map beside the batches: its set and delete per Decide, and the tables it reallocated as it grew and
 * shrank with every batch, were work and garbage on every call for a lookup that outcomes rarely need.
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
  /**
   * At least the greatest id stored ('' until the first put): an id above it is appended. An append
   * LMDB refuses (a greater key is stored: another writer's, a clock that stepped back) is a plain put,
   * and the greatest stored id is read again.
   */
  private lastId = '';

  constructor(
    private readonly dbs: StoreDbs,
    /** Reward wait of a campaign (0 = no default reward), or undefined for an unknown campaign. */
    private readonly rewardWaitMs: (campaign: string) => number | undefined,
  ) {}

  get queued(): number {
    return this.queue.ids.length;
  }

  /** Decisions not yet committed: queued or in flight. */
  get pendingCount(): number {
    return this.queue.ids.length + this.inFlight.ids.length;
  }

  /** Queues a decision; throws (and queues nothing) when the record cannot be encoded. */
  add(record: DecisionRecord): void {
    const bytes = encodeDecision(record);
    const q = this.queue;
    const n = q.ids.length;
    if (q.increasing && n > 0 && !(record.id > q.ids[n - 1]!)) q.increasing = false;
    q.ids.push(record.id);
    q.bytes.push(bytes);
    q.ts.push(record.ts);
    q.campaigns.push(record.campaign);
  }

  /** A decision, committed or still pending. Call inside a transaction to see its own writes. */
  get(id: string): DecisionRecord | undefined {
    // The queue holds what was logged after the in-flight batch: the newer of two records of one id.
    const pending = findIn(this.queue, id) ?? findIn(this.inFlight, id);
    if (pending !== undefined) return decodeDecision(id, pending);
    const bytes = this.dbs.decisions.getBinaryFast(id);
    return bytes === undefined ? undefined : decodeDecision(id, bytes);
  }

  /** Writes the queued decisions into the current transaction (and their default-reward due times). */
  writeQueued(): void {
    const b = this.queue;
    this.queue = emptyBatch();
    const groups = new Map<string, DueGroup>();
    for (let i = 0; i < b.ids.length; i++) {
      const id = b.ids[i]!;
      this.putDecision(id, b.bytes[i]!);
      const campaign = b.campaigns[i]!;
      const wait = this.rewardWaitMs(campaign);
      if (wait === undefined || wait <= 0) continue;
      const due = b.ts[i]! + wait;
      const g = groups.get(campaign);
      if (g !== undefined && due >= g.firstDue && due - g.firstDue <= DUE_GROUP_SPAN_MS) {
        g.ids.push(id);
        if (due > g.lastDue) g.lastDue = due;
        continue;
      }
      if (g !== undefined) this.writeDue(campaign, g);
      groups.set(campaign, { firstId: id, firstDue: due, lastDue: due, ids: [id] });
    }
    for (const [campaign, g] of groups) this.writeDue(campaign, g);
    this.inFlight = concat(this.inFlight, b);
  }

  /**
   * Server ids increase, so nearly every decision is appended: about 0.8 us less per put than a
   * search of the tree (docs/performance.md). Any order is still stored correctly.
   */
  private putDecision(id: string, bytes: Buffer): void {
    const db = this.dbs.decisions;
    if (id > this.lastId && db.putSync(id, bytes, APPEND)) {
      this.lastId = id;
      return;
    }
    db.put(id, bytes);
    if (id > this.lastId) for (const k of db.getKeys({ reverse: true, limit: 1, snapshot: false })) this.lastId = k;
  }

  private writeDue(campaign: string, g: DueGroup): void {
    this.dbs.due.put([g.lastDue, g.firstId], encodeDueEntry(campaign, g.ids));
  }

  /** The transaction holding the in-flight batch failed: the batch goes back to the front of the queue. */
  requeue(): void {
    this.queue = concat(this.inFlight, this.queue);
    this.inFlight = emptyBatch();
  }

  /** The transaction holding the in-flight batch committed: those decisions are readable from LMDB. */
  committed(): void {
    this.inFlight = emptyBatch();
  }
}

/** `a` then `b`, as one batch (`a` itself when `b` is empty: the usual in-flight batch). */
function concat(a: Batch, b: Batch): Batch {
  if (b.ids.length === 0) return a;
  if (a.ids.length === 0) return b;
  return {
    ids: a.ids.concat(b.ids),
    bytes: a.bytes.concat(b.bytes),
    ts: a.ts.concat(b.ts),
    campaigns: a.campaigns.concat(b.campaigns),
    increasing: a.increasing && b.increasing && a.ids[a.ids.length - 1]! < b.ids[0]!,
  };
}
