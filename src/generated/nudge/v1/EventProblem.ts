// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface EventProblem {
  'index'?: (number | string | Long);
  'detail'?: (string);
}

export interface EventProblem__Output {
  'index': (number);
  'detail': (string);
}
