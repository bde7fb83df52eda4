// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface OutcomeSummary {
  'applied'?: (number | string | Long);
  'duplicate'?: (number | string | Long);
  'unknownDecision'?: (number | string | Long);
  'expired'?: (number | string | Long);
  'invalid'?: (number | string | Long);
  'received'?: (number | string | Long);
}

export interface OutcomeSummary__Output {
  'applied': (number);
  'duplicate': (number);
  'unknownDecision': (number);
  'expired': (number);
  'invalid': (number);
  'received': (number);
}
