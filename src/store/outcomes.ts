import type { DecisionLog } from './decision-log';
import type { Learner } from './learner';
import { encodeOutcome, outcomeKey, outcomeKind, type StoreDbs } from './lmdb-env';
import type { OutcomeInput, OutcomeResult } from './types';

/**
 * Outcome processing, run inside a group transaction: reads see the writes of earlier outcomes of
 * the same transaction, so a duplicate within one batch is caught like any other.
 */

const result = (status: OutcomeResult['status'], detail: string, delta = 0): OutcomeResult => ({ status, delta, detail });

export class OutcomeProcessor {
  applied = 0;

  constructor(
    private readonly dbs: StoreDbs,
    private readonly log: DecisionLog,
    private readonly learner: Learner,
  ) {}

  applyAll(list: readonly OutcomeInput[], now: number): OutcomeResult[] {
    const out = new Array<OutcomeResult>(list.length);
    for (let i = 0; i < list.length; i++) out[i] = this.applyOne(list[i]!, now);
    return out;
  }

  private applyOne(o: OutcomeInput, now: number): OutcomeResult {
    const invalid = invalidOutcome(o);
    if (invalid !== null) return invalid;
    const { decisionId, offerId, reward } = o;
    const rec = this.log.get(decisionId);
    if (rec === undefined) return result('UNKNOWN_DECISION', `no decision "${decisionId}"`);
    const shown = findShown(rec, offerId);
    if (shown === undefined) return result('INVALID', `offer "${offerId}" was not shown in decision "${decisionId}"`);
    const key = outcomeKey(decisionId, offerId);
    const existing = this.dbs.outcomes.getBinaryFast(key);
    if (existing !== undefined) {
      if (outcomeKind(existing) === 'd') return result('EXPIRED', 'the reward wait passed and the default reward was applied');
      return result('DUPLICATE', 'an outcome for this decision and offer was already applied');
    }
    const ts = typeof o.timestampMs === 'number' && o.timestampMs > 0 ? o.timestampMs : now;
    this.dbs.outcomes.put(key, encodeOutcome({ s: 'a', r: reward, t: ts }));
    // Decay runs on the processing clock: client timestamps may be skewed or out of order.
    const notLearned = this.learner.apply(rec, shown, reward, now);
    this.applied += 1;
    return result('APPLIED', appliedDetail(rec.control, notLearned), reward - shown.probability);
  }
}

/** The INVALID result of an outcome that is malformed, or null; every store checks outcomes alike. */
export function invalidOutcome(o: OutcomeInput): OutcomeResult | null {
  if (typeof o !== 'object' || o === null) return result('INVALID', 'outcome must be an object');
  const { decisionId, offerId, reward } = o;
  if (typeof decisionId !== 'string' || decisionId === '') return result('INVALID', 'decision_id is empty');
  if (typeof offerId !== 'string' || offerId === '') return result('INVALID', 'offer_id is empty');
  if (typeof reward !== 'number' || !Number.isFinite(reward) || reward < 0) {
    return result('INVALID', 'reward must be a finite number >= 0');
  }
  return null;
}

/** The detail of an APPLIED outcome; '' when the posterior learned it. */
export function appliedDetail(control: boolean, notLearned: string): string {
  if (control) return 'control group: counted for uplift, posterior unchanged';
  return notLearned === '' ? '' : `counted, posterior unchanged: ${notLearned}`;
}

export function findShown<T extends { readonly offerId: string }>(rec: { readonly offers: readonly T[] }, offerId: string): T | undefined {
  for (const s of rec.offers) if (s.offerId === offerId) return s;
  return undefined;
}
