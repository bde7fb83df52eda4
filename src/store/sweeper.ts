import { decodeDueEntry, dueCampaign, encodeDueEntry, type DecisionLog } from './decision-log';
import type { Learner } from './learner';
import { encodeOutcome, outcomeKey, type StoreDbs } from './lmdb-env';

/**
 * Default rewards, run inside a group transaction (so it never races applyOutcomes). Decisions of
 * campaigns with a reward wait get an entry [due time, decision id] in the `due` index when logged
 * (one per group of decisions logged together, keyed by the group's latest due time and first id);
 * the index is the sweeper's persisted cursor: it reads entries that are due, in due order, gives
 * every shown offer still lacking an outcome the campaign's default reward (marked 'd', so a late
 * real outcome gets EXPIRED), and deletes the entry, so each decision is examined once.
 * Entries of campaigns the store does not know (deleted campaigns) are dropped.
 */
export class Sweeper {
  applied = 0;

  constructor(
    private readonly dbs: StoreDbs,
    private readonly log: DecisionLog,
    private readonly learner: Learner,
    private readonly limit: number,
  ) {}

  /** Returns how many (decision, offer) pairs got the default reward. */
  sweep(now: number): number {
    // At most `limit` decisions per call: an entry holds a group of them (decision-log.ts), and the
    // part of a group over the limit is written back under the same key for the next call.
    // Read first, then change: the index is not rewritten under the cursor that reads it.
    const entries: Array<{ key: [number, string]; value: string; ids: string[] }> = [];
    let n = 0;
    for (const { key, value } of this.dbs.due.getRange({ end: [now, '\uffff'] })) {
      const group = decodeDueEntry(key[1], value);
      entries.push({ key, value, ids: group });
      n += group.length;
      if (n >= this.limit) break;
    }
    const ids: string[] = [];
    for (const e of entries) {
      this.dbs.due.remove(e.key);
      const room = this.limit - ids.length;
      if (e.ids.length <= room) {
        ids.push(...e.ids);
        continue;
      }
      ids.push(...e.ids.slice(0, room));
      const rest = e.ids.slice(room);
      this.dbs.due.put([e.key[0], rest[0]!], encodeDueEntry(dueCampaign(e.value), rest));
    }
    let count = 0;
    for (const id of ids) {
      const rec = this.log.get(id);
      const rt = rec && this.learner.campaigns.get(rec.campaign);
      if (rec === undefined || rt === undefined) continue;
      const reward = rt.config.defaultReward;
      for (const shown of rec.offers) {
        const okey = outcomeKey(rec.id, shown.offerId);
        if (this.dbs.outcomes.getBinaryFast(okey) !== undefined) continue;
        this.dbs.outcomes.put(okey, encodeOutcome({ s: 'd', r: reward, t: now }));
        this.learner.apply(rec, shown, reward, now);
        count += 1;
      }
    }
    this.applied += count;
    return count;
  }
}
