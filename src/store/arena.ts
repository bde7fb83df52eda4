import type { ArmTable } from '../policies/types';
import { armTableWords, createArmTable } from '../policies/arm-table';
import { createJsonBox, JsonBoxWriter } from '../shared/json-box';
import type { ArenaHandles, ArmsEntry, ArmsLookup } from './types';
import { type ArenaDirectory, type DirectoryCampaign, WORD_BYTES } from './arena-directory';

export { ArenaReader } from './arena-reader';

/**
 * Writer side of the shared-memory posterior arena (main thread only). One growable
 * SharedArrayBuffer holds every (campaign, segment) ArmTable; workers find them through a directory
 * published in a JSON box. Space is bump-allocated and never freed: a campaign that outgrows its
 * capacity gets new tables at double capacity and the old ones become garbage, which keeps readers
 * that still hold old views safe (they read stale numbers, never freed memory).
 */

export interface OfferPrior {
  readonly id: string;
  readonly priorAlpha: number;
  readonly priorBeta: number;
}

export interface ArenaOptions {
  /** Bytes reserved up front. */
  readonly initialBytes: number;
  /** Upper bound the arena may grow to (virtual address space only until used). */
  readonly maxBytes: number;
  /** Slots a new campaign's tables get (grows by doubling). */
  readonly initialCapacity: number;
}

export const ARENA_DEFAULTS: ArenaOptions = {
  initialBytes: 1 << 20,
  maxBytes: 1 << 30,
  initialCapacity: 8,
};

type GrowableSAB = SharedArrayBuffer & { grow(n: number): void; readonly maxByteLength: number };

/** Persistable state of one campaign's slot assignment. */
export interface CampaignLayout {
  readonly capacity: number;
  readonly k: number;
  readonly slots: Record<string, number>;
  /** Slots of removed offers, so an offer that comes back gets its learned state back. */
  readonly retired: Record<string, number>;
  readonly priorAlpha: number[];
  readonly priorBeta: number[];
}

interface SegmentTable {
  offset: number;
  table: ArmTable;
  entry: ArmsEntry;
}

interface CampaignState {
  capacity: number;
  k: number;
  slots: Map<string, number>;
  retired: Map<string, number>;
  priorAlpha: number[];
  priorBeta: number[];
  segments: Map<string, SegmentTable>;
}

export class ArenaWriter implements ArmsLookup {
  readonly handles: ArenaHandles;
  private readonly sab: GrowableSAB;
  private readonly box: JsonBoxWriter;
  private readonly opts: ArenaOptions;
  private readonly campaigns = new Map<string, CampaignState>();
  /** Next free word. */
  private top = 0;
  private directoryDirty = false;
  private readonly dirtyTables = new Set<string>();
  private readonly dirtyLayouts = new Set<string>();

  constructor(options: Partial<ArenaOptions> = {}) {
    for (const name of ['initialBytes', 'maxBytes', 'initialCapacity'] as const) {
      const v = options[name];
      if (v === undefined) continue;
      if (typeof v !== 'number') throw new TypeError(`options.${name} must be a positive integer`);
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`options.${name} must be a positive integer`);
    }
    const merged = { ...ARENA_DEFAULTS, ...options };
    this.opts = { ...merged, initialBytes: Math.min(merged.initialBytes, merged.maxBytes) };
    const SAB = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer;
    this.sab = new SAB(this.opts.initialBytes, { maxByteLength: this.opts.maxBytes }) as GrowableSAB;
    const directory = createJsonBox({ campaigns: {} } satisfies ArenaDirectory);
    this.box = new JsonBoxWriter(directory);
    this.handles = { arena: this.sab, directory };
  }

  /** Bytes of the arena in use (including space of tables abandoned by growth). */
  usedBytes(): number {
    return this.top * WORD_BYTES;
  }

  arms(campaign: string, segment: string): ArmsEntry | null {
    return this.campaigns.get(campaign)?.segments.get(segment)?.entry ?? null;
  }

  /** Offer id -> slot of a campaign's current offers, or undefined for an unknown campaign. */
  slots(campaign: string): ReadonlyMap<string, number> | undefined {
    return this.campaigns.get(campaign)?.slots;
  }

  /** The table of (campaign, segment), created at the offers' priors when missing. */
  ensureTable(campaign: string, segment: string): ArmTable {
    const c = this.campaign(campaign);
    const existing = c.segments.get(segment);
    if (existing) return existing.table;
    const st = this.allocTable(c, c.capacity);
    for (let s = 0; s < c.k; s++) {
      st.table.priorAlpha[s] = st.table.alpha[s] = c.priorAlpha[s] ?? 1;
      st.table.priorBeta[s] = st.table.beta[s] = c.priorBeta[s] ?? 1;
    }
    c.segments.set(segment, st);
    this.directoryDirty = true;
    this.dirtyTables.add(tableKey(campaign, segment));
    this.dirtyLayouts.add(campaign);
    return st.table;
  }

  /**
   * Brings a campaign's slots in line with its offers: new offers get a slot at their prior (an
   * offer that was removed and comes back gets its old slot), removed offers leave the slot map,
   * and a changed prior shifts alpha/beta by the difference so learned evidence is kept.
   */
  syncOffers(campaign: string, offers: readonly OfferPrior[]): void {
    const c = this.campaign(campaign);
    const wanted = new Set(offers.map((o) => o.id));
    let changed = false;
    for (const [id, slot] of c.slots) {
      if (!wanted.has(id)) {
        c.slots.delete(id);
        c.retired.set(id, slot);
        changed = true;
      }
    }
    for (const o of offers) {
      let slot = c.slots.get(o.id);
      if (slot === undefined) {
        slot = c.retired.get(o.id);
        if (slot !== undefined) c.retired.delete(o.id);
        else {
          slot = c.k;
          if (slot >= c.capacity) this.regrow(campaign, c, Math.max(c.capacity * 2, slot + 1));
          c.k = slot + 1;
          c.priorAlpha[slot] = o.priorAlpha;
          c.priorBeta[slot] = o.priorBeta;
          for (const st of c.segments.values()) {
            st.table.priorAlpha[slot] = st.table.alpha[slot] = o.priorAlpha;
            st.table.priorBeta[slot] = st.table.beta[slot] = o.priorBeta;
          }
        }
        c.slots.set(o.id, slot);
        changed = true;
      }
      if (c.priorAlpha[slot] !== o.priorAlpha || c.priorBeta[slot] !== o.priorBeta) {
        const da = o.priorAlpha - (c.priorAlpha[slot] ?? 0);
        const db = o.priorBeta - (c.priorBeta[slot] ?? 0);
        c.priorAlpha[slot] = o.priorAlpha;
        c.priorBeta[slot] = o.priorBeta;
        for (const st of c.segments.values()) {
          st.table.priorAlpha[slot] = o.priorAlpha;
          st.table.priorBeta[slot] = o.priorBeta;
          st.table.alpha[slot] = Math.max(st.table.alpha[slot]! + da, Number.MIN_VALUE);
          st.table.beta[slot] = Math.max(st.table.beta[slot]! + db, Number.MIN_VALUE);
          st.table.meta[1]! += 1;
        }
        this.markAllTablesDirty(campaign, c);
        changed = true;
      }
    }
    if (changed) {
      // k may have changed: ArmTable.k is fixed per object, so entries are rebuilt over the same memory.
      for (const st of c.segments.values()) this.rebuildEntry(c, st);
      this.directoryDirty = true;
      this.dirtyLayouts.add(campaign);
    }
  }

  /** Records that a table was written (by a policy update) so it is persisted with the next commit. */
  markWritten(campaign: string, segment: string): void {
    this.dirtyTables.add(tableKey(campaign, segment));
  }

  /** Marks every table and layout for persistence (after a failed commit). */
  markAllDirty(): void {
    for (const [name, c] of this.campaigns) {
      this.markAllTablesDirty(name, c);
      this.dirtyLayouts.add(name);
    }
  }

  /** Publishes the directory when tables or slots changed since the last publish. */
  publish(): void {
    if (!this.directoryDirty) return;
    const campaigns: Record<string, DirectoryCampaign> = {};
    for (const [name, c] of this.campaigns) {
      const segments: Record<string, number> = {};
      for (const [seg, st] of c.segments) segments[seg] = st.offset;
      campaigns[name] = { k: c.k, capacity: c.capacity, offers: Object.fromEntries(c.slots), segments };
    }
    this.box.publish({ campaigns } satisfies ArenaDirectory);
    this.directoryDirty = false;
  }

  /** Tables and layouts changed since the last call, for persistence. */
  drainDirty(): { tables: Array<{ campaign: string; segment: string; capacity: number; table: ArmTable }>; layouts: Array<{ campaign: string; layout: CampaignLayout }> } {
    const tables: Array<{ campaign: string; segment: string; capacity: number; table: ArmTable }> = [];
    for (const key of this.dirtyTables) {
      const [campaign, segment] = splitTableKey(key);
      const c = this.campaigns.get(campaign);
      const st = c?.segments.get(segment);
      if (c && st) tables.push({ campaign, segment, capacity: c.capacity, table: st.table });
    }
    const layouts: Array<{ campaign: string; layout: CampaignLayout }> = [];
    for (const campaign of this.dirtyLayouts) {
      const layout = this.layout(campaign);
      if (layout) layouts.push({ campaign, layout });
    }
    this.dirtyTables.clear();
    this.dirtyLayouts.clear();
    return { tables, layouts };
  }

  layout(campaign: string): CampaignLayout | undefined {
    const c = this.campaigns.get(campaign);
    if (!c) return undefined;
    return {
      capacity: c.capacity,
      k: c.k,
      slots: Object.fromEntries(c.slots),
      retired: Object.fromEntries(c.retired),
      priorAlpha: c.priorAlpha.slice(),
      priorBeta: c.priorBeta.slice(),
    };
  }

  /** Restores a persisted layout (before its tables); replaces any state of that campaign. */
  restoreLayout(campaign: string, layout: CampaignLayout): void {
    const c: CampaignState = {
      capacity: Math.max(layout.capacity, layout.k, 1),
      k: layout.k,
      slots: new Map(Object.entries(layout.slots)),
      retired: new Map(Object.entries(layout.retired)),
      priorAlpha: layout.priorAlpha.slice(),
      priorBeta: layout.priorBeta.slice(),
      segments: new Map(),
    };
    this.campaigns.set(campaign, c);
    this.directoryDirty = true;
  }

  /** Restores a persisted table (its own capacity may be smaller than the campaign's). */
  restoreTable(campaign: string, segment: string, capacity: number, words: Float64Array): void {
    const c = this.campaign(campaign);
    const src = createArmTable(words, Math.min(c.k, capacity), capacity);
    const st = this.allocTable(c, c.capacity);
    copyTable(src, st.table, Math.min(c.k, capacity));
    for (let s = capacity; s < c.k; s++) {
      st.table.priorAlpha[s] = st.table.alpha[s] = c.priorAlpha[s] ?? 1;
      st.table.priorBeta[s] = st.table.beta[s] = c.priorBeta[s] ?? 1;
    }
    c.segments.set(segment, st);
    this.directoryDirty = true;
  }

  private campaign(name: string): CampaignState {
    let c = this.campaigns.get(name);
    if (!c) {
      c = {
        capacity: this.opts.initialCapacity,
        k: 0,
        slots: new Map(),
        retired: new Map(),
        priorAlpha: [],
        priorBeta: [],
        segments: new Map(),
      };
      this.campaigns.set(name, c);
      this.directoryDirty = true;
    }
    return c;
  }

  private regrow(name: string, c: CampaignState, capacity: number): void {
    for (const [seg, old] of c.segments) {
      const st = this.allocTable(c, capacity);
      copyTable(old.table, st.table, c.k);
      c.segments.set(seg, st);
    }
    c.capacity = capacity;
    for (const st of c.segments.values()) this.rebuildEntry(c, st);
    this.markAllTablesDirty(name, c);
    this.directoryDirty = true;
  }

  private markAllTablesDirty(name: string, c: CampaignState): void {
    for (const seg of c.segments.keys()) this.dirtyTables.add(tableKey(name, seg));
  }

  private allocTable(c: CampaignState, capacity: number): SegmentTable {
    const words = armTableWords(capacity);
    const offset = this.top;
    const endBytes = (offset + words) * WORD_BYTES;
    if (endBytes > this.sab.byteLength) {
      if (endBytes > this.sab.maxByteLength) {
        throw new RangeError(`posterior arena is full (${this.sab.maxByteLength} bytes); raise options.arenaMaxBytes`);
      }
      this.sab.grow(Math.min(this.sab.maxByteLength, Math.max(endBytes, this.sab.byteLength * 2)));
    }
    this.top += words;
    // An explicit length keeps the view valid (and fixed) when the growable buffer grows.
    const memory = new Float64Array(this.sab, offset * WORD_BYTES, words);
    const table = createArmTable(memory, c.k, capacity);
    return { offset, table, entry: { table, slots: c.slots } };
  }

  private rebuildEntry(c: CampaignState, st: SegmentTable): void {
    const words = armTableWords(c.capacity);
    st.table = createArmTable(new Float64Array(this.sab, st.offset * WORD_BYTES, words), c.k, c.capacity);
    st.entry = { table: st.table, slots: c.slots };
  }
}

function copyTable(src: ArmTable, dst: ArmTable, k: number): void {
  dst.alpha.set(src.alpha.subarray(0, k));
  dst.beta.set(src.beta.subarray(0, k));
  dst.priorAlpha.set(src.priorAlpha.subarray(0, k));
  dst.priorBeta.set(src.priorBeta.subarray(0, k));
  dst.meta.set(src.meta);
  dst.meta[1] = (src.meta[1] ?? 0) + 1;
}

const SEP = '\u0000';
function tableKey(campaign: string, segment: string): string {
  return campaign + SEP + segment;
}
function splitTableKey(key: string): [string, string] {
  const i = key.indexOf(SEP);
  return [key.slice(0, i), key.slice(i + 1)];
}
