import type { CampaignConfig, RouteConfig } from '../campaigns/types';
import { createPolicy } from '../policies/index';
import type { Policy } from '../policies/types';
import { ROUTE_ONLY_PARAMS } from './boosts';

/**
 * Policy instances per (campaign, config version, route). A new campaign version makes new keys; the
 * entries of older versions are dropped when the campaign's version changes, so the cache stays the
 * size of the live configuration.
 */
export class PolicyCache {
  private readonly byCampaign = new Map<string, { version: number; routes: Map<string, Policy> }>();

  get(c: CampaignConfig, route: RouteConfig): Policy {
    let entry = this.byCampaign.get(c.name);
    if (entry === undefined || entry.version !== c.version) {
      entry = { version: c.version, routes: new Map() };
      this.byCampaign.set(c.name, entry);
    }
    let policy = entry.routes.get(route.name);
    if (policy === undefined) {
      policy = createPolicy(route.policy, routeParams(c, route));
      entry.routes.set(route.name, policy);
    }
    return policy;
  }
}

/** A route running the campaign's own policy inherits the campaign's parameters; its own win. */
function routeParams(c: CampaignConfig, route: RouteConfig): Record<string, string> {
  const out = route.policy === c.policy ? { ...c.policyParams, ...route.params } : { ...route.params };
  for (const k of ROUTE_ONLY_PARAMS) delete out[k];
  return out;
}
