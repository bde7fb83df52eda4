// Original file: proto/nudge/v1/nudge.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What the server that received the call removed. With the Redis store, the other processes apply
 * the same tombstone to their own node-local state within a sync interval.
 */
export interface ForgetCustomerResponse {
  /**
   * Stands in for the customer id from now on ("forgotten:" + 32 hex digits); the same id always
   * gives the same token.
   */
  'token'?: (string);
  /**
   * The customer had a row in the current (or a still kept older) feature snapshot.
   */
  'featuresRemoved'?: (boolean);
  /**
   * Contact-history records removed (one per campaign with history).
   */
  'contactRecordsRemoved'?: (number);
  /**
   * Kept decision records whose customer id is now the token.
   */
  'decisionsTokenized'?: (number | string | Long);
  /**
   * A tombstone keeps later feature loads from bringing the customer back.
   */
  'tombstoneRecorded'?: (boolean);
}

/**
 * What the server that received the call removed. With the Redis store, the other processes apply
 * the same tombstone to their own node-local state within a sync interval.
 */
export interface ForgetCustomerResponse__Output {
  /**
   * Stands in for the customer id from now on ("forgotten:" + 32 hex digits); the same id always
   * gives the same token.
   */
  'token': (string);
  /**
   * The customer had a row in the current (or a still kept older) feature snapshot.
   */
  'featuresRemoved': (boolean);
  /**
   * Contact-history records removed (one per campaign with history).
   */
  'contactRecordsRemoved': (number);
  /**
   * Kept decision records whose customer id is now the token.
   */
  'decisionsTokenized': (number);
  /**
   * A tombstone keeps later feature loads from bringing the customer back.
   */
  'tombstoneRecorded': (boolean);
}
