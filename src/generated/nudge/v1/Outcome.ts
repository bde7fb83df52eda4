// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface Outcome {
  'decisionId'?: (string);
  'offerId'?: (string);
  'reward'?: (number | string);
  /**
   * When the outcome happened (ms since epoch); 0 means now.
   */
  'timestampMs'?: (number | string | Long);
}

export interface Outcome__Output {
  'decisionId': (string);
  'offerId': (string);
  'reward': (number);
  /**
   * When the outcome happened (ms since epoch); 0 means now.
   */
  'timestampMs': (number);
}
