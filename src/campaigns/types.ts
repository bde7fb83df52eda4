import type { ActiveModel } from '../models/types';

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
  /** record: the stored record, the request context overriding it; context: the request context only. */
  readonly source: 'record' | 'context';
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
}
