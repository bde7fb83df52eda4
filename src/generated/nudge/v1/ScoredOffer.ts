// Original file: proto/nudge/v1/nudge.proto

import type { Explanation as _nudge_v1_Explanation, Explanation__Output as _nudge_v1_Explanation__Output } from '../../nudge/v1/Explanation';

export interface ScoredOffer {
  'offerId'?: (string);
  /**
   * What the policy ranked by (a posterior draw for thompson).
   */
  'score'?: (number | string);
  /**
   * Predicted reward probability.
   */
  'probability'?: (number | string);
  /**
   * Probability that the policy shows this offer in this slot.
   */
  'propensity'?: (number | string);
  'attributes'?: ({[key: string]: string});
  'explanation'?: (_nudge_v1_Explanation | null);
}

export interface ScoredOffer__Output {
  'offerId': (string);
  /**
   * What the policy ranked by (a posterior draw for thompson).
   */
  'score': (number);
  /**
   * Predicted reward probability.
   */
  'probability': (number);
  /**
   * Probability that the policy shows this offer in this slot.
   */
  'propensity': (number);
  'attributes': ({[key: string]: string});
  'explanation': (_nudge_v1_Explanation__Output | null);
}
