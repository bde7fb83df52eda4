// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

export interface Event {
  'customerId'?: (string);
  /**
   * Optional: a new session id ends the customer's current session.
   */
  'sessionId'?: (string);
  'type'?: (string);
  /**
   * When it happened (ms since epoch); 0 means now.
   */
  'timestampMs'?: (number | string | Long);
  'properties'?: ({[key: string]: string});
  'value'?: (number | string);
}

export interface Event__Output {
  'customerId': (string);
  /**
   * Optional: a new session id ends the customer's current session.
   */
  'sessionId': (string);
  'type': (string);
  /**
   * When it happened (ms since epoch); 0 means now.
   */
  'timestampMs': (number);
  'properties': ({[key: string]: string});
  'value': (number);
}
