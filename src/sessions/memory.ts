import { LRUCache } from 'lru-cache';
import { Dictionary, EventCodec } from './codec';
import { keepProperties, sessionInterest } from './interest';
import type { SessionEvent, SessionInterest, SessionStore, SessionStoreStats } from './types';

export interface MemorySessionOptions {
  /** Bytes the store may account for; least recently used customers are dropped beyond it. */
  readonly maxBytes: number;
  /** Newest events kept per customer. */
  readonly maxEventsPerCustomer: number;
}

/**
 * What one kept customer costs besides its id and its encoded events: lru-cache's entry (its Map
 * entry and list slots) and the two string headers. Measured with bench/micro/sessions.ts: heap
 * growth per customer minus the bytes of id and events was 118 B with a million customers and no
 * eviction, 192 B while evicting (freed slots and map tables are not all given back); rounded up,
 * so that the bound holds in both cases.
 */
export const ENTRY_OVERHEAD_BYTES = 208;

/**
 * Sessions in this process's memory (the embedded store; docs/events.md). A customer's events are
 * one binary string (codec.ts) in a Map whose insertion order is the recency order: every append and
 * read moves the customer to the end, eviction takes from the front.
 */
export class MemorySessionStore implements SessionStore {
  private readonly maxBytes: number;
  private readonly maxEvents: number;
  private readonly entries: LRUCache<string, string>;
  private readonly codec = new EventCodec(new Dictionary());
  private interest: SessionInterest = sessionInterest([]);
  private evictions = 0;

  constructor(options: MemorySessionOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const { maxBytes, maxEventsPerCustomer } = options;
    if (typeof maxBytes !== 'number') throw new TypeError('options.maxBytes must be a number');
    if (!Number.isInteger(maxBytes) || maxBytes < 1024 * 1024) throw new RangeError('options.maxBytes must be an integer >= 1048576 (1 MiB)');
    if (typeof maxEventsPerCustomer !== 'number') throw new TypeError('options.maxEventsPerCustomer must be a number');
    if (!Number.isInteger(maxEventsPerCustomer) || maxEventsPerCustomer < 1 || maxEventsPerCustomer > 65535) {
      throw new RangeError('options.maxEventsPerCustomer must be an integer in [1, 65535]');
    }
    this.maxBytes = maxBytes;
    this.maxEvents = maxEventsPerCustomer;
    this.entries = new LRUCache<string, string>({
      maxSize: this.maxBytes,
      sizeCalculation: (text, customerId) => cost(customerId, text),
      dispose: (_v, _k, reason) => {
        if (reason === 'evict') this.evictions++;
      },
    });
  }

  setInterest(interest: SessionInterest): void {
    this.interest = interest;
  }

  wants(type: string): boolean {
    return this.interest.types.has(type);
  }

  append(customerId: string, events: readonly SessionEvent[]): Promise<void> {
    this.appendNow(customerId, events, Date.now());
    return Promise.resolve();
  }

  /** The synchronous append (the stream handler and tests use it through append). */
  appendNow(customerId: string, events: readonly SessionEvent[], now: number): void {
    const kept = events.filter((e) => this.wants(e.type)).map((e) => keepProperties(e, this.interest));
    if (kept.length === 0) return;
    const old = this.entries.peek(customerId);
    let all: SessionEvent[];
    if (old === undefined) all = kept;
    else {
      all = this.codec.decode(Buffer.from(old, 'latin1'));
      for (const e of kept) insertInOrder(all, e);
    }
    if (old === undefined) all.sort((a, b) => a.ts - b.ts);
    const oldest = now - this.interest.horizonMs;
    let from = Math.max(0, all.length - this.maxEvents);
    while (from < all.length && all[from]!.ts < oldest) from++;
    if (from >= all.length) {
      if (old !== undefined) this.entries.delete(customerId);
      return;
    }
    this.entries.set(customerId, this.codec.encode(from === 0 ? all : all.slice(from)).toString('latin1'));
  }

  read(customerId: string, now: number): readonly SessionEvent[] {
    // get: a customer being decided for is active (most recent).
    const text = this.entries.get(customerId);
    if (text === undefined) return [];
    const events = this.codec.decode(Buffer.from(text, 'latin1'));
    const oldest = now - this.interest.horizonMs;
    let from = 0;
    while (from < events.length && events[from]!.ts < oldest) from++;
    return from === 0 ? events : events.slice(from);
  }

  forget(customerId: string): Promise<void> {
    this.entries.delete(customerId);
    return Promise.resolve();
  }

  stats(): SessionStoreStats {
    return { customers: this.entries.size, evictions: this.evictions, bytes: this.entries.calculatedSize };
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}

/** Account of one entry: id and events as one-byte strings (ids are ASCII in practice) plus overhead. */
function cost(customerId: string, text: string): number {
  return ENTRY_OVERHEAD_BYTES + customerId.length + text.length;
}

/** Events arrive nearly in order: walk back from the end. */
function insertInOrder(all: SessionEvent[], e: SessionEvent): void {
  let i = all.length;
  while (i > 0 && all[i - 1]!.ts > e.ts) i--;
  all.splice(i, 0, e);
}
