import type { Campaign__Output } from '../generated/nudge/v1/Campaign';
import type { CampaignConfig, RouteConfig } from './types';
import { DEFAULT_ROUTE_NAME, parseCampaign } from './schema';
import { NO_ACTION_OFFER } from './moments';
import { ruleToText } from './rules';

function sameParams(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

/**
 * The route parseCampaign appends is left out, so that a client can GetCampaign, change the policy and
 * PutCampaign it back without freezing the old policy into an explicit last route.
 */
function isImplicitDefault(r: RouteConfig, c: CampaignConfig): boolean {
  return r.name === DEFAULT_ROUTE_NAME && r.when === null && r.policy === c.policy && sameParams(r.params, c.policyParams);
}

/**
 * A campaign as the proto message (camelCase fields, as proto-loader expects with PROTO_LOADER_OPTIONS;
 * rules as JSON text). Every field is set, so it is also a valid `Campaign` for a response.
 * parseCampaign(campaignToProto(c)) equals c.
 */
export function campaignToProto(c: CampaignConfig): Campaign__Output {
  const routes = c.routing.slice();
  const last = routes[routes.length - 1];
  if (last !== undefined && isImplicitDefault(last, c)) routes.pop();
  return {
    name: c.name,
    policy: c.policy,
    // The implicit arm is no_action_arm's, not an offer the client declared.
    offers: (c.noActionArm ? c.offers.filter((o) => o.id !== NO_ACTION_OFFER) : c.offers).map((o) => ({
      id: o.id,
      attributes: { ...o.attributes },
      priorAlpha: o.priorAlpha,
      priorBeta: o.priorBeta,
      value: o.value,
      weight: o.weight,
      eligibility: ruleToText(o.eligibility),
      minProbability: o.minProbability,
    })),
    controlShare: c.controlShare,
    defaultOffer: c.defaultOffer,
    rewardWaitMs: c.rewardWaitMs,
    defaultReward: c.defaultReward,
    decay: { halfLife: c.decay.halfLife, unit: c.decay.unit },
    segmentBy: c.segmentBy.slice(),
    policyParams: { ...c.policyParams },
    routing: routes.map((r) => ({ name: r.name, when: ruleToText(r.when), policy: r.policy, params: { ...r.params } })),
    fatigue: { ...c.fatigue },
    salt: c.salt,
    version: c.version,
    description: c.description,
    features: (c.features ?? []).map((f) => ({
      name: f.name,
      source: f.source,
      type: f.type,
      categories: f.categories.slice(),
      buckets: f.buckets,
      default: String(f.default),
    })),
    modelUse: c.modelUse ?? 'none',
    modelPriorWeight: c.modelPriorWeight ?? 0,
    modelBlend: c.modelBlend ?? 0,
    sessionFeatures: c.sessionFeatures.map((f) => ({
      name: f.name,
      eventTypes: f.eventTypes.slice(),
      propertyFilter: { ...f.propertyFilter },
      aggregate: f.aggregate,
      property: f.property,
      windowMs: f.windowMs,
    })),
    sessionTimeoutMs: c.sessionTimeoutMs,
    trigger: ruleToText(c.trigger),
    noActionArm: c.noActionArm,
    levers: c.levers.map((l) => ({ ...l })),
    minProbability: c.minProbability,
  };
}

/** A campaign received over gRPC (PutCampaign); same validation as a file. */
export function campaignFromProto(message: unknown, source = 'PutCampaign'): CampaignConfig {
  return parseCampaign(message, source);
}
