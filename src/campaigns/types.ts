import type { ActiveModel } from '../models/types';
import type { SessionFeatureSpec } from '../sessions/types';

/**
 * A campaign after validation: every default filled in, so code past the validator never sees
 * `undefined`. YAML files and AdminService.PutCampaign produce the same object (schema.ts).
 */
export interface OfferConfig {
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly priorAlpha: number;
  readonly priorBeta: number;
  readonly value: number;
  readonly weight: number;
  /** JSON Logic rule (parsed), or null when always eligible. */
  readonly eligibility: unknown | null;
  /** Not shown below this predicted probability; 0 = the campaign's minProbability. */
  readonly minProbability: number;
}

/** An arbitration weight on offers with one attribute value, optionally only between two times. */
export interface LeverConfig {
  readonly name: string;
  readonly attribute: string;
  readonly value: string;
  readonly weight: number;
  /** ms since epoch; 0 = open. */
  readonly startMs: number;
  readonly endMs: number;
}

export interface DecayConfig {
  /** 0 disables decay. */
  readonly halfLife: number;
  readonly unit: 'events' | 'ms';
}

export interface RouteConfig {
  readonly name: string;
  /** JSON Logic rule (parsed), or null for "always". */
  readonly when: unknown | null;
  readonly policy: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface FatigueConfig {
  readonly maxPerOffer: number;
  readonly maxPerCampaign: number;
  readonly windowMs: number;
  readonly cooldownAfterIgnored: number;
  readonly cooldownMs: number;
}

/** One declared feature of a campaign (docs/contextual.md). */
export interface FeatureSpec {
  readonly name: string;
  /**
   * record: the stored record, the request context overriding it; context: the request context only;
   * session: the campaign's session feature of that name.
   */
  readonly source: 'record' | 'context' | 'session';
  readonly type: 'numeric' | 'onehot' | 'hashed';
  /** onehot only: one column per category (an unknown value sets none). */
  readonly categories: readonly string[];
  /** hashed only: number of columns. */
  readonly buckets: number;
  /** Used when the value is missing (a number for numeric, a category string otherwise). */
  readonly default: number | string;
}

/** How an active model enters the decision besides a `model` route. */
export type ModelUse = 'none' | 'prior' | 'blend';

export interface CampaignConfig {
  readonly name: string;
  readonly description: string;
  readonly policy: string;
  readonly policyParams: Readonly<Record<string, string>>;
  readonly offers: readonly OfferConfig[];
  readonly controlShare: number;
  /** Always an id of one of `offers`. */
  readonly defaultOffer: string;
  readonly rewardWaitMs: number;
  readonly defaultReward: number;
  readonly decay: DecayConfig;
  readonly segmentBy: readonly string[];
  /** Ordered; the last entry is always the default route (when = null). */
  readonly routing: readonly RouteConfig[];
  readonly fatigue: FatigueConfig;
  readonly salt: string;
  readonly version: number;
  /** Declared features (empty: no contextual policy or model can run). */
  readonly features: readonly FeatureSpec[];
  readonly modelUse: ModelUse;
  /** Virtual observations of a model prior. */
  readonly modelPriorWeight: number;
  /** b in score = (1 - b) * draw + b * model. */
  readonly modelBlend: number;
  /** The active model (set through AdminService.ActivateModel), or null. */
  readonly model: ActiveModel | null;
  /** In-session features (docs/events.md), read as session.<name>. */
  readonly sessionFeatures: readonly SessionFeatureSpec[];
  readonly sessionTimeoutMs: number;
  /** JSON Logic rule (parsed): when false, Decide answers no_action. null = always. */
  readonly trigger: unknown | null;
  /** Campaigns whose active model the trigger reads as model.<campaign>. */
  readonly triggerModels: readonly string[];
  /** The last offer is the implicit NO_ACTION_OFFER. */
  readonly noActionArm: boolean;
  readonly levers: readonly LeverConfig[];
  /** Offers whose predicted probability is below this are not shown (0 = none). */
  readonly minProbability: number;
}
