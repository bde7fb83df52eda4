// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface ModelInfo {
  'campaign'?: (string);
  'version'?: (string);
  /**
   * "logistic" or "xgboost".
   */
  'format'?: (string);
  'createdMs'?: (number | string | Long);
  'active'?: (boolean);
  'numFeatures'?: (number);
}

export interface ModelInfo__Output {
  'campaign': (string);
  'version': (string);
  /**
   * "logistic" or "xgboost".
   */
  'format': (string);
  'createdMs': (number);
  'active': (boolean);
  'numFeatures': (number);
}
