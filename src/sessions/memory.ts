import { Decoder, Encoder, Names, oneByteStringBytes } from './codec';
import { keepProperties, sessionInterest } from './interest';
import { CustomerTable } from './table';
import type { SessionEvent, SessionInterest, SessionStore, SessionStoreStats } from './types';

export interface MemorySessionOptions {
  /** Bytes the store may account for; least recently used customers are dropped beyond it. */
  readonly maxBytes: number;
  /** Newest events kept per customer. */
  readonly maxEventsPerCustomer: number;
}

export const MIN_MAX_BYTES = 1024 * 1024;
export const MAX_EVENTS_PER_CUSTOMER = 65535;

/**
 * The store's fixed cost beside its records and arrays: its objects, scratch buffer and dictionary
 * Map, and what V8 keeps for them. Measured 17-43 KB (bench/sessions-memory.ts); rounded up so the
 * bound holds with a margin.
 */
const FIXED_BYTES = 64 * 1024;
/** Expired customers looked at (from the least recently used end) per append. */
const SWEEP_PER_APPEND = 2;
const NOTHING: readonly SessionEvent[] = Object.freeze([]);

/**
 * Sessions in this process's memory (the embedded store; docs/events-storage.md).
 *
 * Each customer is one record string (codec.ts: the customer id, then its events oldest first, types
 * and property keys interned) in a CustomerTable (table.ts). The byte account is what those hold:
 * every record's V8 string size, the table's arrays and the names dictionary; nothing is estimated
 * per entry. Appends and reads make a customer the most recently used; when the account passes
 * maxBytes the least recently used customers go (evictions). A customer whose newest event has
 * fallen out of the horizon is dropped when read, and a few such customers at the least recently
 * used end are swept on every append, so expired sessions do not wait for the bound to go.
 */
export class MemorySessionStore implements SessionStore {
  private readonly maxBytes: number;
  private readonly maxEvents: number;
  private readonly names = new Names();
  private readonly encoder = new Encoder(this.names);
  private readonly decoder = new Decoder(this.names);
  private readonly table = new CustomerTable();
  private recordBytes = 0;
  private evictions = 0;
  private interest: SessionInterest = sessionInterest([]);

  constructor(options: MemorySessionOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const { maxBytes, maxEventsPerCustomer } = options;
    if (typeof maxBytes !== 'number') throw new TypeError('options.maxBytes must be a number');
    if (!Number.isSafeInteger(maxBytes) || maxBytes < MIN_MAX_BYTES) {
      throw new RangeError(`options.maxBytes must be an integer >= ${MIN_MAX_BYTES} (1 MiB), got ${maxBytes}`);
    }
    if (typeof maxEventsPerCustomer !== 'number') throw new TypeError('options.maxEventsPerCustomer must be a number');
    if (!Number.isInteger(maxEventsPerCustomer) || maxEventsPerCustomer < 1 || maxEventsPerCustomer > MAX_EVENTS_PER_CUSTOMER) {
      throw new RangeError(`options.maxEventsPerCustomer must be an integer in [1, ${MAX_EVENTS_PER_CUSTOMER}], got ${maxEventsPerCustomer}`);
    }
    this.maxBytes = maxBytes;
    this.maxEvents = maxEventsPerCustomer;
  }

  setInterest(interest: SessionInterest): void {
    this.interest = interest;
  }

  wants(type: string): boolean {
    return this.interest.types.has(type);
  }

  append(customerId: string, events: readonly SessionEvent[]): Promise<void> {
    try {
      this.appendNow(customerId, events, Date.now());
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** append with the caller's clock (the horizon is measured from `now`); synchronous. */
  appendNow(customerId: string, events: readonly SessionEvent[], now: number): void {
    const oldest = now - this.interest.horizonMs;
    let fresh: SessionEvent[] | null = null;
    for (const e of events) {
      if (e.ts >= oldest && this.wants(e.type)) (fresh ??= []).push(keepProperties(e, this.interest));
    }
    if (fresh !== null) this.merge(customerId, fresh, oldest);
    this.sweep(oldest);
  }

  read(customerId: string, now: number): readonly SessionEvent[] {
    const slot = this.table.find(customerId);
    if (slot < 0) return NOTHING;
    const oldest = now - this.interest.horizonMs;
    if (this.table.newest(slot) < oldest) {
      this.drop(slot);
      return NOTHING;
    }
    // A customer being decided for is active.
    this.table.touch(slot);
    return this.decode(slot, oldest);
  }

  forget(customerId: string): Promise<void> {
    const slot = this.table.find(customerId);
    if (slot >= 0) this.drop(slot);
    return Promise.resolve();
  }

  stats(): SessionStoreStats {
    return { customers: this.table.size, evictions: this.evictions, bytes: this.bytes() };
  }

  close(): Promise<void> {
    this.table.clear();
    this.recordBytes = 0;
    return Promise.resolve();
  }

  private bytes(): number {
    return FIXED_BYTES + this.encoder.capacity + this.recordBytes + this.table.structureBytes() + this.names.bytes;
  }

  private merge(customerId: string, fresh: SessionEvent[], oldest: number): void {
    let slot = this.table.find(customerId);
    const all = slot >= 0 ? this.decode(slot, oldest) : [];
    for (const e of fresh) insertInOrder(all, e);
    const from = Math.max(0, all.length - this.maxEvents);
    const enc = this.encoder.begin().header(customerId);
    for (let i = from; i < all.length; i++) enc.event(all[i]!);
    const record = enc.latin1();
    const newest = all[all.length - 1]!.ts;
    const size = oneByteStringBytes(record.length);
    if (slot >= 0) {
      this.recordBytes += size - oneByteStringBytes(this.table.record(slot).length);
      this.table.set(slot, record, newest);
      this.table.touch(slot);
    } else {
      // Reuse the least recently used customer's slot rather than grow past the bound.
      if (this.table.size > 0 && this.bytes() + this.table.growthBytes() + size > this.maxBytes) this.evict();
      slot = this.table.insert(customerId, record, newest);
      this.recordBytes += size;
    }
    // A single customer bigger than the whole bound goes too: the bound holds.
    while (this.table.size > 0 && this.bytes() > this.maxBytes) this.evict();
  }

  private decode(slot: number, oldest: number): SessionEvent[] {
    const d = this.decoder;
    d.begin(this.table.record(slot), true);
    const out: SessionEvent[] = [];
    while (d.more()) {
      if (d.ts() < oldest) d.skipRest();
      else out.push(d.rest());
    }
    return out;
  }

  private sweep(oldest: number): void {
    for (let i = 0; i < SWEEP_PER_APPEND; i++) {
      const slot = this.table.leastRecent();
      if (slot < 0 || this.table.newest(slot) >= oldest) return;
      this.drop(slot);
    }
  }

  private evict(): void {
    this.drop(this.table.leastRecent());
    this.evictions++;
  }

  private drop(slot: number): void {
    this.recordBytes -= oneByteStringBytes(this.table.record(slot).length);
    this.table.remove(slot);
  }
}

/** Events arrive nearly in order: walk back from the end; equal times keep their arrival order. */
function insertInOrder(all: SessionEvent[], e: SessionEvent): void {
  let i = all.length;
  while (i > 0 && all[i - 1]!.ts > e.ts) i--;
  if (i === all.length) all.push(e);
  else all.splice(i, 0, e);
}
