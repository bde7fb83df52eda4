// Original file: proto/nudge/v1/nudge.proto


export interface Feature {
  'name'?: (string);
  /**
   * "record" (default: the stored record, overridden by the request context), "context", or
   * "session" (the campaign's session feature of that name).
   */
  'source'?: (string);
  /**
   * "numeric" (default), "onehot" or "hashed".
   */
  'type'?: (string);
  /**
   * onehot: the categories (one column each).
   */
  'categories'?: (string)[];
  /**
   * hashed: number of buckets.
   */
  'buckets'?: (number);
  /**
   * Value when missing: a number (numeric) or a category (onehot / hashed), as text.
   */
  'default'?: (string);
}

export interface Feature__Output {
  'name': (string);
  /**
   * "record" (default: the stored record, overridden by the request context), "context", or
   * "session" (the campaign's session feature of that name).
   */
  'source': (string);
  /**
   * "numeric" (default), "onehot" or "hashed".
   */
  'type': (string);
  /**
   * onehot: the categories (one column each).
   */
  'categories': (string)[];
  /**
   * hashed: number of buckets.
   */
  'buckets': (number);
  /**
   * Value when missing: a number (numeric) or a category (onehot / hashed), as text.
   */
  'default': (string);
}
