// Original file: proto/nudge/v1/nudge.proto


export interface DecideRequest {
  'campaign'?: (string);
  'customerId'?: (string);
  'channel'?: (string);
  /**
   * Adds to or overrides the customer's stored features for this request.
   */
  'context'?: ({[key: string]: string});
  /**
   * 0 means 1.
   */
  'numOffers'?: (number);
  /**
   * Optional caller id, echoed in logs.
   */
  'requestId'?: (string);
  'excludeOffers'?: (string)[];
  /**
   * Return per-offer explanations.
   */
  'explain'?: (boolean);
}

export interface DecideRequest__Output {
  'campaign': (string);
  'customerId': (string);
  'channel': (string);
  /**
   * Adds to or overrides the customer's stored features for this request.
   */
  'context': ({[key: string]: string});
  /**
   * 0 means 1.
   */
  'numOffers': (number);
  /**
   * Optional caller id, echoed in logs.
   */
  'requestId': (string);
  'excludeOffers': (string)[];
  /**
   * Return per-offer explanations.
   */
  'explain': (boolean);
}
