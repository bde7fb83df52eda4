import { recordHasId } from './codec';

/**
 * The memory store's customers: an open-addressing hash table (linear probing, backward-shift
 * deletion) over slots, each slot holding one customer's record string (its id is inside the record:
 * no separate key string), the customer's newest event time, and its place in a doubly linked
 * recency list (least recently used at the tail).
 *
 * Why not a Map (or lru-cache): their per-entry cost and growth steps are V8's and cannot be read,
 * so a byte account of them is a guess; here every structure is an array whose size the table knows
 * (structureBytes), and it grows in small steps the store can refuse (growthBytes) when the bound
 * would not hold.
 */

const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
/** A holey JS array of PAGE slots: the JSArray object plus its FixedArray (header + one pointer each). */
const PAGE_BYTES = 32 + 16 + 8 * PAGE;
/** Per slot: hash, prev, next (Int32) and newest event time (Float64). */
const SLOT_BYTES = 4 + 4 + 4 + 8;
/** Highest share of hash table cells in use (slots, not customers: a free slot may come back any time). */
const MAX_LOAD = 0.7;

export class CustomerTable {
  /** Slots in use or free; always a multiple of PAGE. */
  private cap = 0;
  /** Slots [used, cap) were never handed out. */
  private used = 0;
  private pages: (string | undefined)[][] = [];
  private hashes = new Int32Array(0);
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private newestTs = new Float64Array(0);
  /** Slot + 1 per cell; 0 is empty. */
  private cells = new Int32Array(0);
  private mask = 0;
  private head = -1;
  private tail = -1;
  /** Free slots, linked through next[]. */
  private free = -1;
  private ascii = true;
  /** Per table, so that ids chosen to collide in one process do not collide in another. */
  private readonly seed = (Math.random() * 0x100000000) | 0;
  size = 0;

  /** Bytes of the table's own arrays (records are the store's to count). */
  structureBytes(): number {
    return this.cap * SLOT_BYTES + this.pages.length * PAGE_BYTES + this.cells.length * 4;
  }

  /** Bytes a new customer adds to structureBytes(): 0 while a slot is free, else the next growth. */
  growthBytes(): number {
    if (this.free !== -1 || this.used < this.cap) return 0;
    const cap = this.nextCap();
    return (cap - this.cap) * SLOT_BYTES + ((cap - this.cap) / PAGE) * PAGE_BYTES + (cellsFor(cap) - this.cells.length) * 4;
  }

  /** The customer's slot, or -1. */
  find(id: string): number {
    if (this.size === 0) return -1;
    const h = this.hash(id);
    const cells = this.cells;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const c = cells[i]!;
      if (c === 0) return -1;
      const slot = c - 1;
      if (this.hashes[slot] === h && recordHasId(this.record(slot), id, this.ascii)) return slot;
    }
  }

  /** Adds a customer that find() did not find, as the most recently used; grows when no slot is free. */
  insert(id: string, record: string, newestTs: number): number {
    let slot = this.free;
    if (slot !== -1) this.free = this.next[slot]!;
    else {
      if (this.used === this.cap) this.grow();
      slot = this.used++;
    }
    const h = this.hash(id);
    this.hashes[slot] = h;
    this.pages[slot >>> PAGE_BITS]![slot & (PAGE - 1)] = record;
    this.newestTs[slot] = newestTs;
    this.place(slot, h);
    this.linkHead(slot);
    this.size++;
    return slot;
  }

  record(slot: number): string {
    return this.pages[slot >>> PAGE_BITS]![slot & (PAGE - 1)]!;
  }

  newest(slot: number): number {
    return this.newestTs[slot]!;
  }

  /** Replaces the record of a customer (its header must still be the same id). */
  set(slot: number, record: string, newestTs: number): void {
    this.pages[slot >>> PAGE_BITS]![slot & (PAGE - 1)] = record;
    this.newestTs[slot] = newestTs;
  }

  /** Marks the customer as the most recently used. */
  touch(slot: number): void {
    if (this.head === slot) return;
    this.unlink(slot);
    this.linkHead(slot);
  }

  /** The least recently used customer's slot, or -1. */
  leastRecent(): number {
    return this.tail;
  }

  /** The slot after `slot` towards the least recently used end, or -1 (tests walk the order with it). */
  older(slot: number): number {
    return this.next[slot]!;
  }

  /** The most recently used customer's slot, or -1. */
  mostRecent(): number {
    return this.head;
  }

  remove(slot: number): void {
    const mask = this.mask;
    const cells = this.cells;
    let i = this.hashes[slot]! & mask;
    while (cells[i] !== slot + 1) i = (i + 1) & mask;
    // Backward shift: pull later entries of the probe run into the hole unless their home lies
    // after it, so lookups never need tombstones.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const c = cells[j]!;
      if (c === 0) break;
      const home = this.hashes[c - 1]! & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      cells[i] = c;
      i = j;
    }
    cells[i] = 0;
    this.unlink(slot);
    this.pages[slot >>> PAGE_BITS]![slot & (PAGE - 1)] = undefined;
    this.next[slot] = this.free;
    this.free = slot;
    this.size--;
  }

  clear(): void {
    this.cap = 0;
    this.used = 0;
    this.pages = [];
    this.hashes = new Int32Array(0);
    this.prev = new Int32Array(0);
    this.next = new Int32Array(0);
    this.newestTs = new Float64Array(0);
    this.cells = new Int32Array(0);
    this.mask = 0;
    this.head = this.tail = this.free = -1;
    this.size = 0;
  }

  /** Grows by an eighth (at least a page): the slack stays small and so does each step. */
  private nextCap(): number {
    return this.cap + Math.max(PAGE, Math.ceil(this.cap / 8 / PAGE) * PAGE);
  }

  private grow(): void {
    const cap = this.nextCap();
    this.hashes = grown(this.hashes, new Int32Array(cap));
    this.prev = grown(this.prev, new Int32Array(cap));
    this.next = grown(this.next, new Int32Array(cap));
    this.newestTs = grown(this.newestTs, new Float64Array(cap));
    // new Array(n) of at most a few thousand is a fast holey array of exactly n slots.
    while (this.pages.length * PAGE < cap) this.pages.push(new Array<string | undefined>(PAGE));
    this.cap = cap;
    const cells = cellsFor(cap);
    if (cells !== this.cells.length) {
      this.cells = new Int32Array(cells);
      this.mask = cells - 1;
      for (let s = this.head; s !== -1; s = this.next[s]!) this.place(s, this.hashes[s]!);
    }
  }

  private place(slot: number, h: number): void {
    const mask = this.mask;
    let i = h & mask;
    while (this.cells[i] !== 0) i = (i + 1) & mask;
    this.cells[i] = slot + 1;
  }

  private unlink(slot: number): void {
    const p = this.prev[slot]!;
    const n = this.next[slot]!;
    if (p !== -1) this.next[p] = n;
    else this.head = n;
    if (n !== -1) this.prev[n] = p;
    else this.tail = p;
  }

  private linkHead(slot: number): void {
    this.prev[slot] = -1;
    this.next[slot] = this.head;
    if (this.head !== -1) this.prev[this.head] = slot;
    this.head = slot;
    if (this.tail === -1) this.tail = slot;
  }

  /** FNV-1a from a per-table basis, then murmur3's finaliser; notes whether the id is ASCII. */
  private hash(id: string): number {
    let h = this.seed ^ 0x811c9dc5;
    let all = 0;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      all |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    this.ascii = all < 0x80;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }
}

function cellsFor(cap: number): number {
  let n = 1;
  while (n * MAX_LOAD < cap) n *= 2;
  return n;
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
