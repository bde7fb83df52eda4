// Original file: proto/nudge/v1/nudge.proto

import type { FeatureContribution as _nudge_v1_FeatureContribution, FeatureContribution__Output as _nudge_v1_FeatureContribution__Output } from '../../nudge/v1/FeatureContribution';
import type { AppliedLever as _nudge_v1_AppliedLever, AppliedLever__Output as _nudge_v1_AppliedLever__Output } from '../../nudge/v1/AppliedLever';

export interface Explanation {
  'route'?: (string);
  'policy'?: (string);
  'draw'?: (number | string);
  'posteriorMean'?: (number | string);
  'modelScore'?: (number | string);
  'topFeatures'?: (_nudge_v1_FeatureContribution)[];
  'eligibility'?: (string);
  'fatigue'?: (string);
  /**
   * Arbitration: the offer's value, the levers in force and their product with the probability.
   */
  'value'?: (number | string);
  'levers'?: (_nudge_v1_AppliedLever)[];
  'expectedValue'?: (number | string);
}

export interface Explanation__Output {
  'route': (string);
  'policy': (string);
  'draw': (number);
  'posteriorMean': (number);
  'modelScore': (number);
  'topFeatures': (_nudge_v1_FeatureContribution__Output)[];
  'eligibility': (string);
  'fatigue': (string);
  /**
   * Arbitration: the offer's value, the levers in force and their product with the probability.
   */
  'value': (number);
  'levers': (_nudge_v1_AppliedLever__Output)[];
  'expectedValue': (number);
}
