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
}
