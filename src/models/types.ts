/**
 * Models imported from the offline layer, in a normalized, JSON-serializable form (they travel to
 * workers inside the campaign configuration). Two families: logistic regression and XGBoost trees.
 */

export interface LogisticModelSpec {
  readonly format: 'logistic';
  readonly featureNames: readonly string[];
  readonly weights: readonly number[];
  readonly bias: number;
}

/** One tree in XGBoost's JSON layout (arrays indexed by node id; a leaf has left_children = -1). */
export interface TreeSpec {
  readonly splitIndices: readonly number[];
  readonly splitConditions: readonly number[];
  readonly leftChildren: readonly number[];
  readonly rightChildren: readonly number[];
  readonly defaultLeft: readonly boolean[];
  /** Leaf value of a leaf node (XGBoost writes the leaf value in base_weights). */
  readonly baseWeights: readonly number[];
}

export interface XgboostModelSpec {
  readonly format: 'xgboost';
  readonly featureNames: readonly string[];
  readonly trees: readonly TreeSpec[];
  /** In probability space, as XGBoost stores it for binary:logistic. */
  readonly baseScore: number;
  readonly objective: 'binary:logistic';
}

export type ModelSpec = LogisticModelSpec | XgboostModelSpec;
export type ModelFormat = ModelSpec['format'];

/** A model version as the campaign configuration carries it once activated. */
export interface ActiveModel {
  readonly version: string;
  readonly spec: ModelSpec;
  /**
   * The offers' own priors (alpha, beta by offer index) when model_use: prior replaced them with the
   * model's warm start, so that another model (or none) starts again from these.
   */
  readonly basePriors?: readonly (readonly [number, number])[];
}

/** A stored model version (registry). */
export interface StoredModel {
  readonly version: string;
  readonly format: ModelFormat;
  readonly createdMs: number;
  readonly spec: ModelSpec;
}

/** Per campaign: versions in the order stored, the active one, and the previously active ones. */
export interface ModelIndex {
  readonly versions: string[];
  active: string;
  history: string[];
}
