// Original file: proto/nudge/v1/nudge.proto


export interface Decay {
  /**
   * Half-life of past evidence; 0 disables decay.
   */
  'halfLife'?: (number | string);
  /**
   * "events" (outcomes in the segment) or "ms".
   */
  'unit'?: (string);
}

export interface Decay__Output {
  /**
   * Half-life of past evidence; 0 disables decay.
   */
  'halfLife': (number);
  /**
   * "events" (outcomes in the segment) or "ms".
   */
  'unit': (string);
}
