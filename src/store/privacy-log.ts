import type { StoreDbs } from './lmdb-env';
import { decodeDecision, encodeDecision, storedCustomerId } from './decision-codec';

/**
 * ForgetCustomer on a decision log in LMDB (the embedded store's, or a Redis store process's node
 * log): each record of the customer keeps everything (campaign, offers, propensities, outcomes,
 * what off-policy evaluation needs) but carries the token in place of the id.
 */

/** Records read per step; between steps the scan yields, so Decide and outcome commits run. */
export const TOKENIZE_STEP = 1000;
const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The token a customer id is replaced by, or null to keep the record as it is. */
export type CustomerMatch = (customerId: string) => string | null;

/** Runs a function inside one of the log's write transactions; resolves after the commit. */
export type LogWrite = <T>(fn: () => T) => Promise<T>;

export interface Tokenized {
  readonly id: string;
  readonly token: string;
}

/**
 * Scans the whole log in steps of TOKENIZE_STEP; each step's matches are rewritten in one small
 * transaction through `write`. A record is read again inside that transaction and rewritten only
 * while it still matches (retention may have removed it meanwhile). Resolves with what was rewritten.
 */
export async function tokenizeDecisions(dbs: StoreDbs, match: CustomerMatch, write: LogWrite): Promise<Tokenized[]> {
  const done: Tokenized[] = [];
  let start: string | undefined;
  for (;;) {
    const found: Tokenized[] = [];
    let last: string | undefined;
    let n = 0;
    for (const { key, value } of dbs.decisions.getRange({ ...(start === undefined ? {} : { start }), limit: TOKENIZE_STEP + 1, snapshot: false })) {
      n++;
      if (typeof key !== 'string' || key === start) continue;
      last = key;
      const token = match(storedCustomerId(value));
      if (token !== null) found.push({ id: key, token });
    }
    if (found.length > 0) {
      const rewritten = await write(() => {
        const out: Tokenized[] = [];
        for (const f of found) {
          const bytes = dbs.decisions.getBinary(f.id);
          if (bytes === undefined) continue;
          const rec = decodeDecision(f.id, bytes);
          if (match(rec.customerId) !== f.token) continue;
          void dbs.decisions.put(f.id, encodeDecision({ ...rec, customerId: f.token }));
          out.push(f);
        }
        return out;
      });
      done.push(...rewritten);
    }
    if (n <= TOKENIZE_STEP || last === undefined) return done;
    start = last;
    await yieldTurn();
  }
}

/** Above every customer id a request can carry: the campaign-skipping scan below jumps past it. */
const HIGH = '\u{10ffff}\u{10ffff}';

/**
 * Removes one customer's contact records from an LMDB contacts db keyed [campaign, customer], for
 * every campaign that has any, deleted campaigns included. Campaigns are found by a skip scan (one
 * look-up per campaign, not a walk over every customer). Call inside a write transaction.
 */
export function removeContacts(dbs: StoreDbs, customerId: string): number {
  let removed = 0;
  let start: [string, string] | undefined;
  let prev: string | null = null;
  for (;;) {
    let next: [string, string] | undefined;
    for (const k of dbs.contacts.getKeys({ ...(start === undefined ? {} : { start }), limit: 1, snapshot: false })) next = k;
    if (next === undefined) return removed;
    const campaign = next[0];
    if (campaign === prev) {
      // Only an id sorting above HIGH lands here: step past it one key at a time.
      start = [campaign, next[1] + '\u0000'];
      continue;
    }
    prev = campaign;
    if (dbs.contacts.doesExist([campaign, customerId])) {
      void dbs.contacts.remove([campaign, customerId]);
      removed++;
    }
    start = [campaign, HIGH];
  }
}
