// Original file: proto/nudge/v1/nudge.proto

import type { ScoredOffer as _nudge_v1_ScoredOffer, ScoredOffer__Output as _nudge_v1_ScoredOffer__Output } from '../../nudge/v1/ScoredOffer';
import type { DecideError as _nudge_v1_DecideError, DecideError__Output as _nudge_v1_DecideError__Output } from '../../nudge/v1/DecideError';
import type { Long } from '@grpc/proto-loader';

export interface DecideResponse {
  /**
   * Unique and time-ordered.
   */
  'decisionId'?: (string);
  'offers'?: (_nudge_v1_ScoredOffer)[];
  'policy'?: (string);
  /**
   * The customer is in the control group and got the campaign's default offer.
   */
  'control'?: (boolean);
  'route'?: (string);
  'segment'?: (string);
  /**
   * Campaign configuration version the decision was made with.
   */
  'configVersion'?: (number | string | Long);
  'modelVersion'?: (string);
  /**
   * Nothing is shown: no offers, for the reason in no_action_reason ("trigger", "no_eligible_offer",
   * "min_probability", "no_action_arm"; docs/events.md). The decision is logged like any other.
   */
  'noAction'?: (boolean);
  'noActionReason'?: (string);
  /**
   * DecideBatch only: this customer's own failure (the other fields are then empty).
   */
  'error'?: (_nudge_v1_DecideError | null);
  /**
   * explain: true only: the campaign's session features for this customer, as text.
   */
  'session'?: ({[key: string]: string});
}

export interface DecideResponse__Output {
  /**
   * Unique and time-ordered.
   */
  'decisionId': (string);
  'offers': (_nudge_v1_ScoredOffer__Output)[];
  'policy': (string);
  /**
   * The customer is in the control group and got the campaign's default offer.
   */
  'control': (boolean);
  'route': (string);
  'segment': (string);
  /**
   * Campaign configuration version the decision was made with.
   */
  'configVersion': (number);
  'modelVersion': (string);
  /**
   * Nothing is shown: no offers, for the reason in no_action_reason ("trigger", "no_eligible_offer",
   * "min_probability", "no_action_arm"; docs/events.md). The decision is logged like any other.
   */
  'noAction': (boolean);
  'noActionReason': (string);
  /**
   * DecideBatch only: this customer's own failure (the other fields are then empty).
   */
  'error': (_nudge_v1_DecideError__Output | null);
  /**
   * explain: true only: the campaign's session features for this customer, as text.
   */
  'session': ({[key: string]: string});
}
