// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface Lever {
  'name'?: (string);
  /**
   * Applies to offers whose attribute equals value.
   */
  'attribute'?: (string);
  'value'?: (string);
  /**
   * Multiplies the offer's score; >= 0.
   */
  'weight'?: (number | string);
  /**
   * In force from start_ms to end_ms (ms since epoch); 0 = open.
   */
  'startMs'?: (number | string | Long);
  'endMs'?: (number | string | Long);
}

export interface Lever__Output {
  'name': (string);
  /**
   * Applies to offers whose attribute equals value.
   */
  'attribute': (string);
  'value': (string);
  /**
   * Multiplies the offer's score; >= 0.
   */
  'weight': (number);
  /**
   * In force from start_ms to end_ms (ms since epoch); 0 = open.
   */
  'startMs': (number);
  'endMs': (number);
}
