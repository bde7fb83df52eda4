// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface GroupStats {
  'decisions'?: (number | string | Long);
  'outcomes'?: (number | string | Long);
  'rewards'?: (number | string);
  'rewardRate'?: (number | string);
}

export interface GroupStats__Output {
  'decisions': (number);
  'outcomes': (number);
  'rewards': (number);
  'rewardRate': (number);
}
