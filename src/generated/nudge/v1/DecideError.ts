// Original file: proto/nudge/v1/nudge.proto


export interface DecideError {
  /**
   * Stable error code (docs/errors.md), e.g. NUDGE_FEATURES_UNAVAILABLE.
   */
  'code'?: (string);
  /**
   * The gRPC status code the same failure gets from Decide.
   */
  'grpcCode'?: (number);
  'message'?: (string);
}

export interface DecideError__Output {
  /**
   * Stable error code (docs/errors.md), e.g. NUDGE_FEATURES_UNAVAILABLE.
   */
  'code': (string);
  /**
   * The gRPC status code the same failure gets from Decide.
   */
  'grpcCode': (number);
  'message': (string);
}
