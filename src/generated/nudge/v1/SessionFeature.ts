// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface SessionFeature {
  'name'?: (string);
  /**
   * Event types counted; at least one.
   */
  'eventTypes'?: (string)[];
  /**
   * Only events whose properties equal all of these.
   */
  'propertyFilter'?: ({[key: string]: string});
  /**
   * count, sum (of value), last (of property), time_since_last_ms, distinct_count (of property).
   */
  'aggregate'?: (string);
  'property'?: (string);
  /**
   * Sliding window ending now; 0 = the whole session.
   */
  'windowMs'?: (number | string | Long);
}

export interface SessionFeature__Output {
  'name': (string);
  /**
   * Event types counted; at least one.
   */
  'eventTypes': (string)[];
  /**
   * Only events whose properties equal all of these.
   */
  'propertyFilter': ({[key: string]: string});
  /**
   * count, sum (of value), last (of property), time_since_last_ms, distinct_count (of property).
   */
  'aggregate': (string);
  'property': (string);
  /**
   * Sliding window ending now; 0 = the whole session.
   */
  'windowMs': (number);
}
