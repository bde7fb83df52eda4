import { armTableWords, createArmTable } from '../policies/arm-table';
import { JsonBoxReader } from '../shared/json-box';
import type { ArenaHandles, ArmsEntry, ArmsLookup } from './types';
import { type ArenaDirectory, WORD_BYTES } from './arena-directory';

interface CachedCampaign {
  readonly k: number;
  readonly capacity: number;
  readonly slots: ReadonlyMap<string, number>;
  readonly offsets: Readonly<Record<string, number>>;
  /** Entries built on first use; null marks a segment whose table is unusable (out of bounds). */
  readonly entries: Map<string, ArmsEntry | null>;
}

/**
 * Read side of the posterior arena, for workers (and anyone holding ArenaHandles). Views are Float64Array
 * windows onto the shared buffer, built once per directory version and per segment, so a lookup
 * costs one Atomics.load plus two Map gets. Values are read live: a concurrent update may be seen
 * half-applied (alpha new, beta old), which sampling tolerates.
 */
export class ArenaReader implements ArmsLookup {
  private readonly sab: SharedArrayBuffer;
  private readonly box: JsonBoxReader<ArenaDirectory>;
  /** The box's sequence word (json-box.ts layout), read here without allocating a view per call. */
  private readonly seqWord: Int32Array;
  private seen = -1;
  private cache = new Map<string, CachedCampaign>();

  constructor(handles: ArenaHandles) {
    if (typeof handles !== 'object' || handles === null) throw new TypeError('handles must be an object');
    if (!(handles.arena instanceof SharedArrayBuffer)) throw new TypeError('handles.arena must be a SharedArrayBuffer');
    if (!(handles.directory instanceof SharedArrayBuffer)) throw new TypeError('handles.directory must be a SharedArrayBuffer');
    this.sab = handles.arena;
    this.box = new JsonBoxReader<ArenaDirectory>(handles.directory);
    this.seqWord = new Int32Array(handles.directory, 0, 1);
  }

  arms(campaign: string, segment: string): ArmsEntry | null {
    if (Atomics.load(this.seqWord, 0) !== this.seen) this.reload();
    const c = this.cache.get(campaign);
    if (c === undefined) return null;
    const hit = c.entries.get(segment);
    if (hit !== undefined) return hit;
    return this.build(c, segment);
  }

  private reload(): void {
    const seq = Atomics.load(this.seqWord, 0);
    const doc = this.box.get();
    const next = new Map<string, CachedCampaign>();
    for (const [name, d] of Object.entries(doc.campaigns)) {
      next.set(name, {
        k: d.k,
        capacity: d.capacity,
        slots: new Map(Object.entries(d.offers)),
        offsets: d.segments,
        entries: new Map(),
      });
    }
    this.cache = next;
    // get() may have parsed a newer version than seq; then the next call reloads once more.
    this.seen = seq;
  }

  private build(c: CachedCampaign, segment: string): ArmsEntry | null {
    const offset = c.offsets[segment];
    // Unknown segments are not cached (their number is unbounded); the lookup allocates nothing.
    if (offset === undefined) return null;
    let entry: ArmsEntry | null = null;
    const words = armTableWords(c.capacity);
    if ((offset + words) * WORD_BYTES <= this.sab.byteLength) {
      const table = createArmTable(new Float64Array(this.sab, offset * WORD_BYTES, words), c.k, c.capacity);
      entry = { table, slots: c.slots };
    }
    c.entries.set(segment, entry);
    return entry;
  }
}
