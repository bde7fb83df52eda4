// Original file: proto/nudge/v1/nudge.proto


export interface Offer {
  'id'?: (string);
  'attributes'?: ({[key: string]: string});
  /**
   * Beta prior; 0 means the default 1.
   */
  'priorAlpha'?: (number | string);
  'priorBeta'?: (number | string);
  /**
   * Value of a reward on this offer (value-weighted reward); 0 means 1.
   */
  'value'?: (number | string);
  /**
   * Weight in a `fixed` split; 0 means 1.
   */
  'weight'?: (number | string);
  /**
   * Eligibility rule (JSON Logic, as JSON text); empty means always eligible.
   */
  'eligibility'?: (string);
  /**
   * Not shown when its predicted probability is below this; 0 = the campaign's min_probability.
   */
  'minProbability'?: (number | string);
}

export interface Offer__Output {
  'id': (string);
  'attributes': ({[key: string]: string});
  /**
   * Beta prior; 0 means the default 1.
   */
  'priorAlpha': (number);
  'priorBeta': (number);
  /**
   * Value of a reward on this offer (value-weighted reward); 0 means 1.
   */
  'value': (number);
  /**
   * Weight in a `fixed` split; 0 means 1.
   */
  'weight': (number);
  /**
   * Eligibility rule (JSON Logic, as JSON text); empty means always eligible.
   */
  'eligibility': (string);
  /**
   * Not shown when its predicted probability is below this; 0 = the campaign's min_probability.
   */
  'minProbability': (number);
}
