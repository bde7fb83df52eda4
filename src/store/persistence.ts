import { armTableWords } from '../policies/arm-table';
import type { ArenaWriter, CampaignLayout } from './arena';
import type { CounterBook, SegmentCountersRecord } from './counters';
import type { StoreDbs } from './lmdb-env';

/**
 * Learning state between LMDB and memory. Writes happen at the end of every group transaction (only
 * what changed in it), so a commit that acknowledges an outcome also holds its posterior effect.
 */

/** Writes changed tables, slot layouts and counters into the current transaction. */
export function writeDirty(dbs: StoreDbs, arena: ArenaWriter, counters: CounterBook): void {
  const { tables, layouts } = arena.drainDirty();
  for (const { campaign, layout } of layouts) dbs.meta.put(['layout', campaign], layout);
  for (const { campaign, segment, capacity, table } of tables) {
    const words = armTableWords(capacity);
    const out = new Float64Array(1 + words);
    out[0] = capacity;
    // The table's arrays are windows of one contiguous region starting at meta.
    out.set(new Float64Array(table.meta.buffer, table.meta.byteOffset, words), 1);
    dbs.arms.put([campaign, segment], Buffer.from(out.buffer));
  }
  for (const { campaign, segment, record } of counters.drainDirty()) dbs.counters.put([campaign, segment], record);
}

/** Loads layouts, tables and counters (at open, before anything else touches the arena). */
export function restoreState(dbs: StoreDbs, arena: ArenaWriter, counters: CounterBook): void {
  for (const { key, value } of dbs.meta.getRange({ start: ['layout'], end: ['layout', '\uffff'] })) {
    if (key.length === 2 && typeof value === 'object') arena.restoreLayout(key[1]!, value as CampaignLayout);
  }
  for (const { key, value } of dbs.arms.getRange()) {
    const [campaign, segment] = key;
    // Copy out: LMDB's buffer is not 8-byte aligned and is only valid during the read.
    const bytes = new Uint8Array(value.length);
    bytes.set(value);
    const all = new Float64Array(bytes.buffer, 0, bytes.length / 8);
    const capacity = all[0]!;
    if (!Number.isInteger(capacity) || all.length !== 1 + armTableWords(capacity)) {
      throw new RangeError(`stored posterior table ${campaign}/${segment} is corrupt`);
    }
    arena.restoreTable(campaign, segment, capacity, all.subarray(1));
  }
  for (const { key, value } of dbs.counters.getRange()) {
    counters.restore(key[0], key[1], value as SegmentCountersRecord);
  }
  arena.drainDirty();
  counters.drainDirty();
  arena.publish();
}
