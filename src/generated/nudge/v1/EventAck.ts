// Original file: proto/nudge/v1/nudge.proto


// Original file: proto/nudge/v1/nudge.proto

export const _nudge_v1_EventAck_Status = {
  /**
   * Kept: the next Decide of a campaign reading this type sees it.
   */
  ACCEPTED: 'ACCEPTED',
  /**
   * Valid, but no campaign reads this type, or it is too old to fall in any window.
   */
  IGNORED: 'IGNORED',
  INVALID: 'INVALID',
} as const;

export type _nudge_v1_EventAck_Status =
  /**
   * Kept: the next Decide of a campaign reading this type sees it.
   */
  | 'ACCEPTED'
  | 0
  /**
   * Valid, but no campaign reads this type, or it is too old to fall in any window.
   */
  | 'IGNORED'
  | 1
  | 'INVALID'
  | 2

export type _nudge_v1_EventAck_Status__Output = typeof _nudge_v1_EventAck_Status[keyof typeof _nudge_v1_EventAck_Status]

export interface EventAck {
  'status'?: (_nudge_v1_EventAck_Status);
  /**
   * Why, for INVALID and IGNORED.
   */
  'detail'?: (string);
}

export interface EventAck__Output {
  'status': (_nudge_v1_EventAck_Status__Output);
  /**
   * Why, for INVALID and IGNORED.
   */
  'detail': (string);
}
