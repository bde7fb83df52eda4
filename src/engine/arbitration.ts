import type { CampaignConfig, LeverConfig, OfferConfig } from '../campaigns/types';
import type { ArmsView } from '../policies/types';
import { perConfig } from './per-config';

/**
 * Arbitration (docs/events.md): offers are ranked by score x value x levers, where a lever is a
 * weight on offers with one attribute value, in force between optional start and end times. The
 * factors go into the view's boosts, which every ranking policy multiplies into its scores and the
 * Thompson propensity estimate includes, so the propensities stay those of what is shown.
 * Thresholds (min_probability) remove offers before the policy ranks, for the same reason.
 */

export function leverInForce(l: LeverConfig, now: number): boolean {
  return (l.startMs === 0 || now >= l.startMs) && (l.endMs === 0 || now < l.endMs);
}

function applies(l: LeverConfig, o: OfferConfig): boolean {
  return Object.prototype.hasOwnProperty.call(o.attributes, l.attribute) && o.attributes[l.attribute] === l.value;
}

/** The levers in force on one offer now (explanations). */
export function leversOn(c: CampaignConfig, o: OfferConfig, now: number): { name: string; weight: number }[] {
  const out: { name: string; weight: number }[] = [];
  for (const l of c.levers) if (applies(l, o) && leverInForce(l, now)) out.push({ name: l.name, weight: l.weight });
  return out;
}

/** value x product of the levers in force: the factor arbitration puts on one offer's score. */
export function arbitrationFactor(c: CampaignConfig, o: OfferConfig, now: number): number {
  let f = o.value;
  for (const l of c.levers) if (applies(l, o) && leverInForce(l, now)) f *= l.weight;
  return f;
}

/** Whether any offer's arbitration factor can differ from 1 (levers, or a value other than 1). */
export const hasArbitration = perConfig((c) => c.levers.length > 0 || c.offers.some((o) => o.value !== 1));

/** Multiplies each view arm's boost by its arbitration factor (call when hasArbitration). */
export function applyArbitration(c: CampaignConfig, eligible: Int32Array, k: number, boosts: Float64Array, now: number): void {
  for (let j = 0; j < k; j++) boosts[j]! *= arbitrationFactor(c, c.offers[eligible[j]!]!, now);
}

export const hasThresholds = perConfig((c) => c.minProbability > 0 || c.offers.some((o) => o.minProbability > 0));

/** The offer's own threshold, else the campaign's. */
export function thresholdOf(c: CampaignConfig, o: OfferConfig): number {
  return o.minProbability > 0 ? o.minProbability : c.minProbability;
}

/** Posterior mean of view arm j (the predicted probability of a Beta policy). */
export function posteriorMeanOf(arms: ArmsView, j: number): number {
  const a = arms.alpha[j]!;
  return a / (a + arms.beta[j]!);
}

/**
 * Keeps eligible[0..k) whose predicted probability p(j) reaches its threshold (offers with `exempt`
 * true always stay: the no-action arm is never shown, so a threshold means nothing to it).
 * Returns the new count; eligible is compacted in place.
 */
export function applyThresholds(c: CampaignConfig, eligible: Int32Array, k: number, p: (j: number) => number, exempt: (o: OfferConfig) => boolean): number {
  let n = 0;
  for (let j = 0; j < k; j++) {
    const o = c.offers[eligible[j]!]!;
    if (exempt(o) || p(j) >= thresholdOf(c, o)) eligible[n++] = eligible[j]!;
  }
  return n;
}
