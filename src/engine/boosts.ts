import type { CampaignConfig, RouteConfig } from '../campaigns/types';
export { ROUTE_ONLY_PARAMS } from '../policies/names';

/**
 * Behavioural route parameters: `boost_tag: "framing=urgency"` and `boost: 1.5` multiply the scores of
 * the offers carrying that attribute value (ArmsView.boosts; the policies apply it). They belong to
 * the route, not to the policy, so PolicyCache (and the store's learner) strip them before creating it.
 */

export interface RouteBoost {
  readonly key: string;
  readonly value: string;
  readonly factor: number;
}

const cache = new WeakMap<RouteConfig, RouteBoost | null>();

/** The route's boost, or null; RangeError for malformed params (reported as the campaign's problem). */
export function routeBoost(c: CampaignConfig, route: RouteConfig): RouteBoost | null {
  const hit = cache.get(route);
  if (hit !== undefined) return hit;
  const tag = route.params['boost_tag'];
  const raw = route.params['boost'];
  let out: RouteBoost | null = null;
  if (tag !== undefined || raw !== undefined) {
    const where = `campaign "${c.name}" route "${route.name}"`;
    const eq = tag === undefined ? -1 : tag.indexOf('=');
    if (tag === undefined || eq <= 0) throw new RangeError(`${where}: params.boost_tag must look like attribute=value`);
    const factor = raw === undefined ? NaN : Number(raw);
    if (!(factor >= 0) || !Number.isFinite(factor)) throw new RangeError(`${where}: params.boost must be a number >= 0`);
    out = { key: tag.slice(0, eq), value: tag.slice(eq + 1), factor };
  }
  cache.set(route, out);
  return out;
}

/** Writes the boost of each view arm (eligible[j] indexes c.offers). */
export function applyBoost(c: CampaignConfig, b: RouteBoost, eligible: Int32Array, k: number, boosts: Float64Array): void {
  for (let j = 0; j < k; j++) {
    const attrs = c.offers[eligible[j]!]!.attributes;
    if (Object.prototype.hasOwnProperty.call(attrs, b.key) && attrs[b.key] === b.value) boosts[j] = b.factor;
  }
}
