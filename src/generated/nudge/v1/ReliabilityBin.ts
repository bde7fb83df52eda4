// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface ReliabilityBin {
  'lower'?: (number | string);
  'upper'?: (number | string);
  'count'?: (number | string | Long);
  'meanPredicted'?: (number | string);
  'observedRate'?: (number | string);
}

export interface ReliabilityBin__Output {
  'lower': (number);
  'upper': (number);
  'count': (number);
  'meanPredicted': (number);
  'observedRate': (number);
}
