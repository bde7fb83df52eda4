// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface SrmCheck {
  /**
   * "control" or "fixed-split".
   */
  'name'?: (string);
  'observed'?: (number | string | Long)[];
  'expected'?: (number | string)[];
  'chi2'?: (number | string);
  'df'?: (number);
  'pValue'?: (number | string);
  /**
   * p < 0.001 while every expected count is >= 5.
   */
  'flagged'?: (boolean);
}

export interface SrmCheck__Output {
  /**
   * "control" or "fixed-split".
   */
  'name': (string);
  'observed': (number)[];
  'expected': (number)[];
  'chi2': (number);
  'df': (number);
  'pValue': (number);
  /**
   * p < 0.001 while every expected count is >= 5.
   */
  'flagged': (boolean);
}
