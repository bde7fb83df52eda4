// Original file: proto/nudge/v1/nudge.proto


export interface PutModelRequest {
  'campaign'?: (string);
  /**
   * Unique per campaign; empty: the server assigns v1, v2, ...
   */
  'version'?: (string);
  /**
   * "logistic" ({feature_names, weights, bias}) or "xgboost" (XGBoost JSON model).
   */
  'format'?: (string);
  /**
   * The model file as JSON text.
   */
  'json'?: (string);
  /**
   * Make it the active model at once.
   */
  'activate'?: (boolean);
}

export interface PutModelRequest__Output {
  'campaign': (string);
  /**
   * Unique per campaign; empty: the server assigns v1, v2, ...
   */
  'version': (string);
  /**
   * "logistic" ({feature_names, weights, bias}) or "xgboost" (XGBoost JSON model).
   */
  'format': (string);
  /**
   * The model file as JSON text.
   */
  'json': (string);
  /**
   * Make it the active model at once.
   */
  'activate': (boolean);
}
