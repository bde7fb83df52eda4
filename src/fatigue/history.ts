import { NO_ACTION_OFFER } from '../campaigns/moments';
import type { FatigueConfig } from '../campaigns/types';
import { isToken } from '../privacy/token';

/**
 * Contact history per (campaign, customer): impression times (campaign-wide and per offer), the run of
 * ignored impressions per offer and its cool-down. Kept by the main thread (the single writer): read
 * from memory on the decide path (loaded from LMDB on a miss), written to LMDB with the next group
 * commit, so it survives restarts.
 *
 * "Ignored" = the decision's outcome for that offer was not positive (reward 0, or the default reward
 * after the reward wait). A positive outcome resets the run.
 */
export interface OfferContacts {
  /** Impression times (ms), oldest first, at most the cap's worth. */
  t: number[];
  /** Ignored impressions in a row. */
  i: number;
  /** Resting until (ms since epoch); 0 = not resting. */
  u: number;
}

export interface ContactRecord {
  /** Campaign-wide impression times, oldest first. */
  c: number[];
  o: Record<string, OfferContacts>;
}

/** Where records persist (the store's LMDB sub-database, Redis, or a Map in tests). */
export interface ContactBackend {
  get(key: [string, string]): ContactRecord | undefined;
  put(key: [string, string], value: ContactRecord): unknown;
  /**
   * Told of every look-up, cache hits included (optional): a backend shared by several processes
   * refreshes the record in the background and hands it back through ContactHistory.merge.
   */
  seen?(key: [string, string]): void;
}

/**
 * Union of two ascending time lists, each time as often as in the list that has it more often: merging
 * a history with itself, or with an older copy of itself, changes nothing; two processes' impressions
 * stay distinct because each process's times carry its own sub-millisecond tag (RedisStore).
 */
function unionTimes(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length) out.push(a[i++]!);
    else if (i >= a.length) out.push(b[j++]!);
    else if (a[i] === b[j]) {
      out.push(a[i++]!);
      j++;
    } else if (a[i]! < b[j]!) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/**
 * The union of two records of one customer, written by different processes: impression times
 * united, the longer ignored run and the later cool-down kept. Commutative and idempotent, so
 * processes that merge each other's records in any order converge.
 */
export function mergeContacts(a: ContactRecord, b: ContactRecord): ContactRecord {
  const o = Object.create(null) as Record<string, OfferContacts>;
  for (const id in a.o) o[id] = { t: [...a.o[id]!.t], i: a.o[id]!.i, u: a.o[id]!.u };
  for (const id in b.o) {
    const x = b.o[id]!;
    const y = o[id];
    o[id] = y === undefined ? { t: [...x.t], i: x.i, u: x.u } : { t: unionTimes(y.t, x.t), i: Math.max(y.i, x.i), u: Math.max(y.u, x.u) };
  }
  return { c: unionTimes(a.c, b.c), o };
}

export const HISTORY_DEFAULTS = { maxCached: 100_000 } as const;

export function fatigueEnabled(f: FatigueConfig): boolean {
  return (f.windowMs > 0 && (f.maxPerOffer > 0 || f.maxPerCampaign > 0)) || (f.cooldownAfterIgnored > 0 && f.cooldownMs > 0);
}

const KEY_SEP = '\u0000';

function newRecord(): ContactRecord {
  return { c: [], o: Object.create(null) as Record<string, OfferContacts> };
}

/** Drops times outside the window and keeps at most `keep` of the newest. */
function prune(times: number[], since: number, keep: number): void {
  let drop = 0;
  while (drop < times.length && times[drop]! <= since) drop++;
  if (times.length - drop > keep) drop = times.length - keep;
  if (drop > 0) times.splice(0, drop);
}

function countSince(times: readonly number[], since: number): number {
  let n = 0;
  for (let j = times.length - 1; j >= 0 && times[j]! > since; j--) n++;
  return n;
}

export class ContactHistory {
  private readonly cache = new Map<string, ContactRecord>();
  private readonly dirty = new Map<string, [string, string]>();
  private readonly maxCached: number;

  constructor(
    private readonly backend: ContactBackend,
    options: { maxCached?: number } = {},
  ) {
    const max = options.maxCached ?? HISTORY_DEFAULTS.maxCached;
    if (typeof max !== 'number') throw new TypeError('options.maxCached must be a positive integer');
    if (!Number.isInteger(max) || max < 1) throw new RangeError('options.maxCached must be a positive integer');
    this.maxCached = max;
  }

  /**
   * Offers the customer must not see now, with why; null when none (the common case allocates
   * nothing beyond the lookup). Every offer is listed when the campaign cap is reached.
   */
  verdicts(campaign: string, customerId: string, offerIds: readonly string[], f: FatigueConfig, now: number): Record<string, string> | null {
    if (!fatigueEnabled(f)) return null;
    const rec = this.lookup(campaign, customerId);
    if (rec === undefined) return null;
    let out: Record<string, string> | null = null;
    const since = now - f.windowMs;
    if (f.maxPerCampaign > 0 && f.windowMs > 0 && countSince(rec.c, since) >= f.maxPerCampaign) {
      out = Object.create(null) as Record<string, string>;
      for (const id of offerIds) out[id] = `campaign cap: ${f.maxPerCampaign} impressions per ${f.windowMs} ms reached`;
      return out;
    }
    // Only offers with history can be fatigued: walk those, not the campaign's (maybe hundreds of) offers.
    for (const id in rec.o) {
      const o = rec.o[id]!;
      let why: string | null = null;
      if (o.u > now) why = `cooling down until ${new Date(o.u).toISOString()} after ${f.cooldownAfterIgnored} ignored impressions`;
      else if (f.maxPerOffer > 0 && f.windowMs > 0 && countSince(o.t, since) >= f.maxPerOffer) {
        why = `offer cap: ${f.maxPerOffer} impressions per ${f.windowMs} ms reached`;
      }
      if (why !== null) (out ??= Object.create(null) as Record<string, string>)[id] = why;
    }
    return out;
  }

  /** Records the impressions of one (non-control) decision. */
  impression(campaign: string, customerId: string, shown: readonly { readonly offerId: string }[], f: FatigueConfig, now: number): void {
    if (!fatigueEnabled(f)) return;
    // A decision that showed nothing (no_action, or the no-action arm won) is no contact.
    if (shown.length === 0 || (shown.length === 1 && shown[0]!.offerId === NO_ACTION_OFFER)) return;
    const rec = this.lookup(campaign, customerId) ?? newRecord();
    const since = now - f.windowMs;
    rec.c.push(now);
    prune(rec.c, f.windowMs > 0 ? since : now, f.maxPerCampaign > 0 ? f.maxPerCampaign : 0);
    for (const { offerId } of shown) {
      const o = (rec.o[offerId] ??= { t: [], i: 0, u: 0 });
      o.t.push(now);
      prune(o.t, f.windowMs > 0 ? since : now, f.maxPerOffer > 0 ? f.maxPerOffer : 0);
      if (o.u !== 0 && o.u <= now) o.u = 0;
    }
    this.store(campaign, customerId, rec);
  }

  /** An outcome (real or default) of an impression: extends or resets the ignored run. */
  outcome(campaign: string, customerId: string, offerId: string, reward: number, f: FatigueConfig, now: number): void {
    if (!(f.cooldownAfterIgnored > 0 && f.cooldownMs > 0) || offerId === NO_ACTION_OFFER) return;
    // The decision of a forgotten customer: a late outcome must not start a history under the token.
    if (isToken(customerId)) return;
    const rec = this.lookup(campaign, customerId) ?? newRecord();
    const o = (rec.o[offerId] ??= { t: [], i: 0, u: 0 });
    if (reward > 0) o.i = 0;
    else {
      o.i += 1;
      if (o.i >= f.cooldownAfterIgnored) {
        o.u = now + f.cooldownMs;
        o.i = 0;
      }
    }
    this.store(campaign, customerId, rec);
  }

  /**
   * Merges a record another process wrote (mergeContacts) into this one's view of the customer. A
   * record with changes not yet written stays dirty, so the union is what gets written next.
   */
  merge(campaign: string, customerId: string, remote: ContactRecord): void {
    const id = campaign + KEY_SEP + customerId;
    const local = this.cache.get(id);
    this.remember(id, local === undefined ? remote : mergeContacts(local, remote));
  }

  /**
   * Drops the cached (and not yet written) records of every customer `match` accepts, for
   * ForgetCustomer; returns their (campaign, customer) keys. The backend's copies are the caller's.
   */
  forget(match: (customerId: string) => boolean): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const id of [...this.cache.keys()]) {
      const sep = id.indexOf(KEY_SEP);
      const key: [string, string] = [id.slice(0, sep), id.slice(sep + 1)];
      if (!match(key[1])) continue;
      this.cache.delete(id);
      this.dirty.delete(id);
      out.push(key);
    }
    return out;
  }

  /** Writes the records changed since the last call (inside the store's group transaction). */
  writeDirty(): void {
    for (const [id, key] of this.dirty) {
      const rec = this.cache.get(id);
      if (rec !== undefined) this.backend.put(key, rec);
    }
    this.dirty.clear();
  }

  private lookup(campaign: string, customerId: string): ContactRecord | undefined {
    const id = campaign + KEY_SEP + customerId;
    this.backend.seen?.([campaign, customerId]);
    let rec = this.cache.get(id);
    if (rec === undefined) {
      rec = this.backend.get([campaign, customerId]);
      if (rec !== undefined) this.remember(id, rec);
    }
    return rec;
  }

  private store(campaign: string, customerId: string, rec: ContactRecord): void {
    const id = campaign + KEY_SEP + customerId;
    this.remember(id, rec);
    this.dirty.set(id, [campaign, customerId]);
  }

  /** Bounded cache: the oldest entry that is not waiting to be written is dropped (LMDB has it). */
  private remember(id: string, rec: ContactRecord): void {
    this.cache.delete(id);
    this.cache.set(id, rec);
    if (this.cache.size <= this.maxCached) return;
    for (const old of this.cache.keys()) {
      if (this.dirty.has(old)) continue;
      this.cache.delete(old);
      break;
    }
  }
}
