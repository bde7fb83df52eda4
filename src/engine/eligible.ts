import { apply as applyLogic, truthy } from 'json-logic-js';
import type { CampaignConfig } from '../campaigns/types';
import { perConfig } from './per-config';

/** Above this many exclusions a Set beats Array.includes per offer. */
const EXCLUDE_SET_MIN = 8;
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Whether any offer of the config has an eligibility rule. */
const hasEligibilityRules = perConfig((c) => c.offers.some((o) => o.eligibility !== null));

/**
 * The offers a request may be shown, as indices into the campaign's offers, in one scratch array per
 * engine. When nothing is excluded, fatigued or ruled out (the common case), every offer is eligible
 * and the scratch usually holds 0, 1, ... from the call before: no pass over the offers at all.
 */
export class EligibleOffers {
  private buf = new Int32Array(32);
  /** buf[0..identityUpTo) holds 0, 1, ...: left from an earlier every-offer call. */
  private identityUpTo = 0;

  /** The indices of the last fill; valid until the next fill. */
  get indices(): Int32Array {
    return this.buf;
  }

  /** Fills indices with the eligible offers of `c`; returns how many. `rules` builds the rule data once. */
  fill(c: CampaignConfig, exclude: readonly string[], fatigued: Readonly<Record<string, unknown>> | null, rules: () => Record<string, unknown>): number {
    const offers = c.offers;
    if (this.buf.length < offers.length) {
      this.buf = new Int32Array(Math.max(offers.length, this.buf.length * 2));
      this.identityUpTo = 0;
    }
    const eligible = this.buf;
    if (exclude.length === 0 && fatigued === null && !hasEligibilityRules(c)) {
      const k = offers.length;
      if (this.identityUpTo < k) {
        for (let i = this.identityUpTo; i < k; i++) eligible[i] = i;
        this.identityUpTo = k;
      }
      return k;
    }
    this.identityUpTo = 0;
    const exSet = exclude.length > EXCLUDE_SET_MIN ? new Set(exclude) : null;
    let k = 0;
    for (let i = 0; i < offers.length; i++) {
      const o = offers[i]!;
      if (exclude.length > 0 && (exSet !== null ? exSet.has(o.id) : exclude.includes(o.id))) continue;
      if (fatigued !== null && hasOwn(fatigued, o.id)) continue;
      if (o.eligibility !== null && !truthy(applyLogic(o.eligibility as never, rules()))) continue;
      eligible[k++] = i;
    }
    return k;
  }

  /** The caller compacted the indices in place (thresholds): they no longer start 0, 1, .... */
  compacted(): void {
    this.identityUpTo = 0;
  }
}

/** An eligible set as text, for cache keys. */
export function eligibleSignature(eligible: Int32Array, k: number): string {
  let s = '';
  for (let j = 0; j < k; j++) s += (j === 0 ? '' : ',') + eligible[j]!;
  return s;
}
