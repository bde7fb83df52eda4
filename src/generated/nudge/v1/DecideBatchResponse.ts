// Original file: proto/nudge/v1/nudge.proto

import type { DecideResponse as _nudge_v1_DecideResponse, DecideResponse__Output as _nudge_v1_DecideResponse__Output } from '../../nudge/v1/DecideResponse';

export interface DecideBatchResponse {
  'decisions'?: (_nudge_v1_DecideResponse)[];
}

export interface DecideBatchResponse__Output {
  'decisions': (_nudge_v1_DecideResponse__Output)[];
}
