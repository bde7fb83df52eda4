// Original file: proto/nudge/v1/nudge.proto

import type { FeatureContribution as _nudge_v1_FeatureContribution, FeatureContribution__Output as _nudge_v1_FeatureContribution__Output } from '../../nudge/v1/FeatureContribution';

export interface Explanation {
  'route'?: (string);
  'policy'?: (string);
  'draw'?: (number | string);
  'posteriorMean'?: (number | string);
  'modelScore'?: (number | string);
  'topFeatures'?: (_nudge_v1_FeatureContribution)[];
  'eligibility'?: (string);
  'fatigue'?: (string);
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
}
