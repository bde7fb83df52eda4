import type { DecisionLog } from './decision-log';
import type { Learner } from './learner';
import { encodeOutcome, outcomeKey, type StoreDbs } from './lmdb-env';

/**
 * Default rewards, run inside a group transaction (so it never races applyOutcomes). Decisions of
 * campaigns with a reward wait get an entry [due time, decision id] in the `due` index when logged;
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
    const due: Array<[number, string]> = [];
    for (const key of this.dbs.due.getKeys({ end: [now, '\uffff'], limit: this.limit })) due.push(key);
    let count = 0;
    for (const key of due) {
      this.dbs.due.remove(key);
      const rec = this.log.get(key[1]);
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
