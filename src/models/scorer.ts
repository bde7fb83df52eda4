import { sigmoid } from '../contextual/laplace';
import type { ModelSpec, TreeSpec, XgboostModelSpec } from './types';

/**
 * A model bound to a campaign: its input names resolved once (per campaign version and model
 * version) against the campaign's feature columns and the offers, so that scoring k offers for one
 * feature vector is array arithmetic only.
 *
 * Model input names:
 * - a column of the campaign's feature vector: `age`, `channel=app`, `merchant#3`, `bias`;
 * - `offer=<id>`: 1 for that offer, else 0;
 * - `offer.<attribute>=<value>`: 1 when the offer has that attribute value, else 0.
 * Any other name is missing: 0 for logistic models, "missing" (default direction) for trees.
 *
 * Scored in TypeScript (docs/contextual.md says why): a logistic model is one dot product shared by
 * all offers plus a per-offer constant; a tree ensemble is a few comparisons per tree.
 */
export interface ModelOffer {
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
}

const SOURCE_MISSING = -1;
const SOURCE_OFFER = -2;

export class ModelScorer {
  readonly spec: ModelSpec;
  readonly names: readonly string[];
  /** Per model input: campaign column index, or SOURCE_OFFER / SOURCE_MISSING. */
  private readonly source: Int32Array;
  /** Per offer: values of the offer-dependent inputs (and NaN / 0 for missing ones), nf each. */
  private readonly offerInputs: Float64Array;
  /** Logistic only: per offer, bias + the offer-dependent part of the dot product. */
  private readonly offerConst: Float64Array;
  private readonly nf: number;
  private readonly input: Float64Array;

  constructor(spec: ModelSpec, columns: readonly string[], offers: readonly ModelOffer[]) {
    this.spec = spec;
    this.names = spec.featureNames;
    const nf = spec.featureNames.length;
    this.nf = nf;
    this.source = new Int32Array(nf);
    const colIndex = new Map<string, number>();
    columns.forEach((c, i) => colIndex.set(c, i));
    const missing = spec.format === 'xgboost' ? NaN : 0;
    this.offerInputs = new Float64Array(nf * offers.length);
    this.offerConst = new Float64Array(offers.length);
    for (let j = 0; j < nf; j++) {
      const name = spec.featureNames[j]!;
      const col = colIndex.get(name);
      if (col !== undefined) this.source[j] = col;
      else if (name.startsWith('offer=') || name.startsWith('offer.')) this.source[j] = SOURCE_OFFER;
      else this.source[j] = SOURCE_MISSING;
    }
    offers.forEach((o, k) => {
      for (let j = 0; j < nf; j++) {
        const s = this.source[j]!;
        let v = 0;
        if (s === SOURCE_OFFER) v = offerIndicator(spec.featureNames[j]!, o) ? 1 : 0;
        else if (s === SOURCE_MISSING) v = missing;
        this.offerInputs[k * nf + j] = v;
      }
      if (spec.format === 'logistic') {
        let c = spec.bias;
        for (let j = 0; j < nf; j++) if (this.source[j]! < 0) c += spec.weights[j]! * this.offerInputs[k * nf + j]!;
        this.offerConst[k] = c;
      }
    });
    this.input = new Float64Array(nf);
  }

  /**
   * out[j] = predicted probability of offers[idx[j]] (indices into the offers given at construction)
   * for the campaign feature vector x.
   */
  scoreOffers(x: Float64Array, idx: ArrayLike<number>, count: number, out: Float64Array): void {
    const spec = this.spec;
    if (spec.format === 'logistic') {
      let shared = 0;
      for (let j = 0; j < this.nf; j++) {
        const s = this.source[j]!;
        if (s >= 0) shared += spec.weights[j]! * x[s]!;
      }
      for (let j = 0; j < count; j++) out[j] = sigmoid(this.offerConst[idx[j]!]! + shared);
      return;
    }
    for (let j = 0; j < count; j++) {
      this.fillInput(x, idx[j]!);
      out[j] = predictTrees(spec, this.input);
    }
  }

  /** The model's input for one offer (for explanations and tests). */
  inputFor(x: Float64Array, offer: number): Float64Array {
    this.fillInput(x, offer);
    return this.input.slice();
  }

  /** Top contributions w_j * v_j of a logistic model for one offer, largest magnitude first. */
  contributions(x: Float64Array, offer: number, top: number): { feature: string; contribution: number }[] {
    const spec = this.spec;
    if (spec.format !== 'logistic') return [];
    this.fillInput(x, offer);
    const all: { feature: string; contribution: number }[] = [];
    for (let j = 0; j < this.nf; j++) {
      const c = spec.weights[j]! * this.input[j]!;
      if (c !== 0) all.push({ feature: spec.featureNames[j]!, contribution: c });
    }
    all.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    return all.slice(0, top);
  }

  private fillInput(x: Float64Array, offer: number): void {
    const base = offer * this.nf;
    for (let j = 0; j < this.nf; j++) {
      const s = this.source[j]!;
      this.input[j] = s >= 0 ? x[s]! : this.offerInputs[base + j]!;
    }
  }
}

function offerIndicator(name: string, o: ModelOffer): boolean {
  if (name.startsWith('offer=')) return name.slice(6) === o.id;
  const eq = name.indexOf('=');
  if (eq < 0) return false;
  const key = name.slice(6, eq);
  return Object.prototype.hasOwnProperty.call(o.attributes, key) && o.attributes[key] === name.slice(eq + 1);
}

/** One tree: go left when x < condition, the default way when x is missing (NaN). */
export function treeLeaf(t: TreeSpec, x: Float64Array): number {
  let node = 0;
  for (;;) {
    const left = t.leftChildren[node]!;
    // XGBoost keeps a leaf's value in split_conditions (base_weights holds the weight before the learning
    // rate): in its src/tree/tree_model.cc, RegTree::SaveModel writes every node's SplitCond(), and a
    // node's split condition and leaf value share one union; prediction goes left when x < SplitCond().
    if (left === -1) return t.splitConditions[node]!;
    const v = x[t.splitIndices[node]!]!;
    if (Number.isNaN(v)) node = t.defaultLeft[node] ? left : t.rightChildren[node]!;
    else node = v < t.splitConditions[node]! ? left : t.rightChildren[node]!;
  }
}

/** binary:logistic: sigmoid(logit(base_score) + sum of leaves). */
export function predictTrees(spec: XgboostModelSpec, x: Float64Array): number {
  let margin = Math.log(spec.baseScore / (1 - spec.baseScore));
  for (let i = 0; i < spec.trees.length; i++) margin += treeLeaf(spec.trees[i]!, x);
  return sigmoid(margin);
}

/** Probability for a model given its inputs by name (tests, offline checks). */
export function predictByName(spec: ModelSpec, values: Readonly<Record<string, number>>): number {
  const x = new Float64Array(spec.featureNames.length);
  spec.featureNames.forEach((n, j) => {
    const v = values[n];
    x[j] = v === undefined ? (spec.format === 'xgboost' ? NaN : 0) : v;
  });
  if (spec.format === 'xgboost') return predictTrees(spec, x);
  let s = spec.bias;
  for (let j = 0; j < x.length; j++) s += spec.weights[j]! * x[j]!;
  return sigmoid(s);
}
