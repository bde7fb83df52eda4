// Original file: proto/nudge/v1/nudge.proto

import type { EventProblem as _nudge_v1_EventProblem, EventProblem__Output as _nudge_v1_EventProblem__Output } from '../../nudge/v1/EventProblem';
import type { Long } from '@grpc/proto-loader';

export interface EventSummary {
  'received'?: (number | string | Long);
  'accepted'?: (number | string | Long);
  'ignored'?: (number | string | Long);
  'invalid'?: (number | string | Long);
  /**
   * The first 100 INVALID events: their position in the stream (0-based) and why.
   */
  'problems'?: (_nudge_v1_EventProblem)[];
}

export interface EventSummary__Output {
  'received': (number);
  'accepted': (number);
  'ignored': (number);
  'invalid': (number);
  /**
   * The first 100 INVALID events: their position in the stream (0-based) and why.
   */
  'problems': (_nudge_v1_EventProblem__Output)[];
}
