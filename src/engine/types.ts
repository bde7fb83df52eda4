import type { CampaignConfig } from '../campaigns/types';
import type { ErrorCode } from '../errors';
import type { SessionValues } from '../sessions/types';

/**
 * What the engine needs of a Decide request: plain data, so that it crosses to a worker thread by
 * structured clone without conversion.
 */
export interface EngineRequest {
  readonly campaign: string;
  readonly customerId: string;
  readonly channel: string;
  readonly context: Readonly<Record<string, string>>;
  /** >= 1 (the server maps 0 to 1). */
  readonly numOffers: number;
  readonly excludeOffers: readonly string[];
  /** Return per-offer explanations. */
  readonly explain?: boolean;
  /** Offers the customer may not see now under the campaign's fatigue rules (offer id -> why), from the main thread. */
  readonly fatigued?: Readonly<Record<string, string>> | null;
  /** The campaign's session features for this customer (main thread, from the session store). */
  readonly session?: SessionValues | null;
}

export interface FeatureContributionData {
  readonly feature: string;
  readonly contribution: number;
}

/** Why an offer is where it is (Decide with explain: true). */
export interface ExplanationData {
  readonly route: string;
  readonly policy: string;
  readonly draw: number;
  readonly posteriorMean: number;
  /** The active model's probability (0 without a model). */
  readonly modelScore: number;
  readonly topFeatures: FeatureContributionData[];
  readonly eligibility: string;
  readonly fatigue: string;
  /** Arbitration: the offer's value, the levers in force, probability x value x levers. */
  readonly value: number;
  readonly levers: { readonly name: string; readonly weight: number }[];
  readonly expectedValue: number;
}

export interface EngineOffer {
  readonly offerId: string;
  readonly score: number;
  readonly probability: number;
  readonly propensity: number;
  readonly attributes: Readonly<Record<string, string>>;
  readonly explanation?: ExplanationData;
}

export interface EngineResult {
  readonly campaign: string;
  readonly offers: readonly EngineOffer[];
  readonly policy: string;
  readonly route: string;
  readonly segment: string;
  readonly configVersion: number;
  readonly control: boolean;
  /** Active model version ("" when none). */
  readonly modelVersion?: string;
  /** Feature vector of a contextual decision (logged so outcomes can update the weights). */
  readonly features?: number[];
  /**
   * Set when nothing is shown (offers is then empty): "trigger", "no_eligible_offer",
   * "min_probability" or "no_action_arm" (docs/events.md).
   */
  readonly noAction?: NoActionReason;
  /** The no-action arm as the policy ranked it, when it won (logged, so its outcome joins). */
  readonly noActionArm?: EngineOffer;
  /** Session feature values the decision was made with (logged for evaluation). */
  readonly session?: SessionValues;
}

export type NoActionReason = 'trigger' | 'no_eligible_offer' | 'min_probability' | 'no_action_arm';

/** A per-item failure inside a micro-batch (an Error does not survive structured clone with its code). */
export interface TaskError {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly field?: string };
}

export type TaskItemResult = EngineResult | TaskError;

export function isTaskError(r: TaskItemResult): r is TaskError {
  return (r as TaskError).error !== undefined;
}

/** Where the engine finds a campaign's current configuration (registry, or the shared JSON box). */
export interface CampaignSource {
  get(name: string): CampaignConfig | undefined;
}
