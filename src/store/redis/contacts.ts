import { pack, Unpackr } from 'msgpackr';
import type { ContactBackend, ContactHistory, ContactRecord, OfferContacts } from '../../fatigue/history';
import type { ScriptedClient } from './connect';
import { keys } from './keys';

/** Fetch times remembered (one per recently seen customer); the oldest are forgotten first. */
const MAX_TRACKED = 100_000;

/** Redis's Lua MessagePack writes an empty map as an empty list, and large integers as int64. */
const unpackr = new Unpackr({ int64AsType: 'number', mapsAsObjects: true });

/** A record read back, normalised (empty maps and lists, missing fields). */
function normalise(raw: unknown): ContactRecord {
  const r = raw as { c?: unknown; o?: Record<string, { t?: unknown; i?: number; u?: number }> };
  const list = (v: unknown): number[] => (Array.isArray(v) ? (v as number[]) : []);
  const o = Object.create(null) as Record<string, OfferContacts>;
  for (const [id, x] of Object.entries(r.o ?? {})) o[id] = { t: list(x.t), i: x.i ?? 0, u: x.u ?? 0 };
  return { c: list(r.c), o };
}

/**
 * Contact history (fatigue) shared through Redis, behind each process's ContactHistory cache.
 * Fatigue is read on the Decide path, which must not wait on Redis: every look-up of a customer whose
 * record was not fetched in the last refreshMs starts a background GET whose result is merged into
 * the cache (ContactHistory.merge), so a Decide sees what other processes recorded up to about one
 * refresh ago, and the first Decide of a customer this process has never met sees nothing yet.
 * Changed records are merged into Redis with the next sync (CONTACTS script), never overwritten.
 */
export class RedisContacts implements ContactBackend {
  private history: ContactHistory | null = null;
  private readonly fetchedAt = new Map<string, number>();
  private readonly fetching = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private writes = new Map<string, [string, string, Buffer]>();
  /** The merge being sent, if any: ForgetCustomer waits for it before it deletes (privacy.ts). */
  private sending: Promise<unknown> | null = null;

  constructor(
    private readonly client: ScriptedClient,
    private readonly refreshMs: number,
  ) {}

  attach(history: ContactHistory): void {
    this.history = history;
  }

  /** Records arrive through merge(), never synchronously. */
  get(): ContactRecord | undefined {
    return undefined;
  }

  seen(key: [string, string]): void {
    const id = `${key[0]}\u0000${key[1]}`;
    const now = Date.now();
    const last = this.fetchedAt.get(id);
    if ((last !== undefined && now - last < this.refreshMs) || this.fetching.has(id) || this.fetching.size >= 10_000) return;
    this.fetching.add(id);
    this.fetchedAt.delete(id);
    this.fetchedAt.set(id, now);
    if (this.fetchedAt.size > MAX_TRACKED) this.fetchedAt.delete(this.fetchedAt.keys().next().value!);
    const p: Promise<void> = this.client
      .getBuffer(keys.contacts(key[0], key[1]))
      .then(
        (bytes) => {
          if (bytes !== null) this.history?.merge(key[0], key[1], normalise(unpackr.unpack(bytes)));
        },
        () => undefined,
      )
      .finally(() => {
        this.fetching.delete(id);
        this.inflight.delete(p);
      });
    this.inflight.add(p);
  }

  /** Resolves when the background fetches started so far have been merged, and a merge being sent has landed. */
  async idle(): Promise<void> {
    await Promise.all([...this.inflight, this.sending?.catch(() => undefined)]);
  }

  put(key: [string, string], value: ContactRecord): void {
    this.writes.set(`${key[0]}\u0000${key[1]}`, [key[0], key[1], pack(value)]);
  }

  /** Drops unwritten records of the customers `match` accepts (ForgetCustomer). */
  forget(match: (customerId: string) => boolean): void {
    for (const [id, w] of this.writes) if (match(w[1])) this.writes.delete(id);
  }

  /** Merges the records changed since the last call into Redis; they expire after `ttlMs(campaign)`. */
  async flush(ttlMs: (campaign: string) => number): Promise<void> {
    if (this.writes.size === 0) return;
    const batch = this.writes;
    this.writes = new Map();
    const sending = Promise.all(
      [...batch.values()].map(([campaign, customer, bytes]) => this.client.nudgeContacts(1, keys.contacts(campaign, customer), bytes, Math.max(ttlMs(campaign), 1000))),
    );
    this.sending = sending;
    try {
      await sending;
    } catch (err) {
      // Kept for the next sync (a merge is idempotent, so a record written twice is no harm).
      for (const [id, w] of batch) if (!this.writes.has(id)) this.writes.set(id, w);
      throw err;
    }
  }
}
