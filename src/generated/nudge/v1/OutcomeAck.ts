// Original file: proto/nudge/v1/nudge.proto


// Original file: proto/nudge/v1/nudge.proto

export const _nudge_v1_OutcomeAck_Status = {
  APPLIED: 'APPLIED',
  DUPLICATE: 'DUPLICATE',
  UNKNOWN_DECISION: 'UNKNOWN_DECISION',
  EXPIRED: 'EXPIRED',
  INVALID: 'INVALID',
} as const;

export type _nudge_v1_OutcomeAck_Status =
  | 'APPLIED'
  | 0
  | 'DUPLICATE'
  | 1
  | 'UNKNOWN_DECISION'
  | 2
  | 'EXPIRED'
  | 3
  | 'INVALID'
  | 4

export type _nudge_v1_OutcomeAck_Status__Output = typeof _nudge_v1_OutcomeAck_Status[keyof typeof _nudge_v1_OutcomeAck_Status]

export interface OutcomeAck {
  'status'?: (_nudge_v1_OutcomeAck_Status);
  /**
   * reward minus the predicted probability (0 unless APPLIED).
   */
  'delta'?: (number | string);
  /**
   * Why, for INVALID / UNKNOWN_DECISION / EXPIRED.
   */
  'detail'?: (string);
}

export interface OutcomeAck__Output {
  'status': (_nudge_v1_OutcomeAck_Status__Output);
  /**
   * reward minus the predicted probability (0 unless APPLIED).
   */
  'delta': (number);
  /**
   * Why, for INVALID / UNKNOWN_DECISION / EXPIRED.
   */
  'detail': (string);
}
