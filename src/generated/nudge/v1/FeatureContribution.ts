// Original file: proto/nudge/v1/nudge.proto


export interface FeatureContribution {
  'feature'?: (string);
  'contribution'?: (number | string);
}

export interface FeatureContribution__Output {
  'feature': (string);
  'contribution': (number);
}
