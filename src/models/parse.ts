import type { LogisticModelSpec, ModelFormat, ModelSpec, TreeSpec, XgboostModelSpec } from './types';

/**
 * Model files from the offline layer, validated into ModelSpec. Every problem is a RangeError (a
 * TypeError for the wrong JSON type) whose message names the JSON path, so an admin RPC can return
 * it as is.
 */

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(o: Obj, key: string, path: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(o, key)) throw new RangeError(`${path}.${key} is required`);
  return o[key];
}

function numberArray(v: unknown, path: string, integer = false): number[] {
  if (!Array.isArray(v)) throw new TypeError(`${path} must be an array of numbers`);
  return v.map((x, i) => {
    const n = typeof x === 'string' ? Number(x) : x;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError(`${path}[${i}] must be a finite number`);
    if (integer && !Number.isInteger(n)) throw new RangeError(`${path}[${i}] must be an integer`);
    return n;
  });
}

function stringArray(v: unknown, path: string): string[] {
  if (!Array.isArray(v)) throw new TypeError(`${path} must be an array of strings`);
  return v.map((x, i) => {
    if (typeof x !== 'string' || x === '') throw new TypeError(`${path}[${i}] must be a non-empty string`);
    return x;
  });
}

/** {feature_names, weights, bias}: p = sigmoid(bias + sum weights[i] * x[feature_names[i]]). */
export function parseLogisticModel(json: unknown): LogisticModelSpec {
  if (!isObj(json)) throw new TypeError('model must be a JSON object');
  const names = stringArray(field(json, 'feature_names', 'model'), 'model.feature_names');
  const weights = numberArray(field(json, 'weights', 'model'), 'model.weights');
  if (weights.length !== names.length) {
    throw new RangeError(`model.weights has ${weights.length} entries; model.feature_names has ${names.length}`);
  }
  const bias = json['bias'] ?? 0;
  if (typeof bias !== 'number' || !Number.isFinite(bias)) throw new TypeError('model.bias must be a finite number');
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new RangeError(`model.feature_names has "${n}" twice`);
    seen.add(n);
  }
  return { format: 'logistic', featureNames: names, weights, bias };
}

/** base_score is a number, a numeric string ("5E-1") or, since XGBoost 3, a one-element list ("[5E-1]"). */
function readBaseScore(v: unknown): number {
  let x: unknown = v;
  if (typeof x === 'string') {
    const s = x.trim();
    x = Number(s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s);
  }
  if (typeof x !== 'number' || !(x > 0 && x < 1)) {
    throw new RangeError('model.learner.learner_model_param.base_score must be a probability in (0, 1) for binary:logistic');
  }
  return x;
}

function parseTree(t: unknown, path: string, numFeatures: number): TreeSpec {
  if (!isObj(t)) throw new TypeError(`${path} must be an object`);
  const left = numberArray(field(t, 'left_children', path), `${path}.left_children`, true);
  const n = left.length;
  const arr = (key: string, integer = false): number[] => {
    const a = numberArray(field(t, key, path), `${path}.${key}`, integer);
    if (a.length !== n) throw new RangeError(`${path}.${key} has ${a.length} entries; left_children has ${n}`);
    return a;
  };
  const right = arr('right_children', true);
  const splitIndices = arr('split_indices', true);
  const splitConditions = arr('split_conditions');
  const defaultLeft = arr('default_left', true).map((x) => x !== 0);
  const baseWeights = arr('base_weights');
  const splitType = t['split_type'];
  if (Array.isArray(splitType) && splitType.some((x) => x !== 0)) throw new RangeError(`${path}: categorical splits are not supported`);
  if (n === 0) throw new RangeError(`${path} has no nodes`);
  for (let i = 0; i < n; i++) {
    const l = left[i]!;
    const r = right[i]!;
    if (l === -1) continue;
    if (l <= i || r <= i || l >= n || r >= n) throw new RangeError(`${path}: node ${i} has children out of range`);
    if (splitIndices[i]! < 0 || splitIndices[i]! >= numFeatures) throw new RangeError(`${path}.split_indices[${i}] is not a feature index`);
  }
  return { splitIndices, splitConditions, leftChildren: left, rightChildren: right, defaultLeft, baseWeights };
}

/**
 * XGBoost's JSON model (Booster.save_model("m.json")), gbtree booster, binary:logistic objective.
 * Feature names come from learner.feature_names, or `featureNames` when the file has none.
 */
export function parseXgboostModel(json: unknown, featureNames?: readonly string[]): XgboostModelSpec {
  if (!isObj(json)) throw new TypeError('model must be a JSON object');
  const learner = field(json, 'learner', 'model');
  if (!isObj(learner)) throw new TypeError('model.learner must be an object');
  const objective = learner['objective'];
  const objName = isObj(objective) ? objective['name'] : undefined;
  if (objName !== 'binary:logistic') throw new RangeError(`model.learner.objective.name must be "binary:logistic" (got ${JSON.stringify(objName)})`);
  const param = field(learner, 'learner_model_param', 'model.learner');
  if (!isObj(param)) throw new TypeError('model.learner.learner_model_param must be an object');
  const baseScore = readBaseScore(param['base_score'] ?? 0.5);
  let names: string[];
  if (learner['feature_names'] !== undefined && Array.isArray(learner['feature_names']) && learner['feature_names'].length > 0) {
    names = stringArray(learner['feature_names'], 'model.learner.feature_names');
  } else if (featureNames !== undefined) {
    names = featureNames.slice();
  } else {
    throw new RangeError('model.learner.feature_names is required (or give the feature names with the model)');
  }
  const booster = field(learner, 'gradient_booster', 'model.learner');
  if (!isObj(booster)) throw new TypeError('model.learner.gradient_booster must be an object');
  if (booster['name'] !== undefined && booster['name'] !== 'gbtree') throw new RangeError('model.learner.gradient_booster.name must be "gbtree"');
  const model = field(booster, 'model', 'model.learner.gradient_booster');
  if (!isObj(model)) throw new TypeError('model.learner.gradient_booster.model must be an object');
  const trees = field(model, 'trees', 'model.learner.gradient_booster.model');
  if (!Array.isArray(trees)) throw new TypeError('model.learner.gradient_booster.model.trees must be an array');
  return {
    format: 'xgboost',
    featureNames: names,
    trees: trees.map((t, i) => parseTree(t, `model.learner.gradient_booster.model.trees[${i}]`, names.length)),
    baseScore,
    objective: 'binary:logistic',
  };
}

export function parseModel(format: string, json: unknown, featureNames?: readonly string[]): ModelSpec {
  if (format === 'logistic') return parseLogisticModel(json);
  if (format === 'xgboost') return parseXgboostModel(json, featureNames);
  throw new RangeError(`format must be one of logistic, xgboost (got "${format}")`);
}

export const MODEL_FORMATS: readonly ModelFormat[] = ['logistic', 'xgboost'];
