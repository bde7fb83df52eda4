import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLogisticModel, parseModel, parseXgboostModel } from '../../src/models/parse';
import { ModelScorer, predictByName } from '../../src/models/scorer';
import { VectorBuilder } from '../../src/contextual/vector';
import type { FeatureSpec } from '../../src/campaigns/types';

const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8'));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('XGBoost JSON model (fixtures/xgboost-binary.json)', () => {
  const spec = parseXgboostModel(fixture('xgboost-binary.json'));
  // base_score 0.2 -> margin starts at ln(0.2 / 0.8) = -1.3862943611198906.
  // Tree 0: income < 50000 ? (offer=ten-percent-off < 0.5 ? -0.2 : 0.3) : 0.1; missing income goes left.
  // Tree 1: recency_days < 30 ? 0.15 : -0.25; missing recency goes right.

  it('reads base_score, feature names and leaf values (split_conditions, not base_weights)', () => {
    expect(spec.baseScore).toBe(0.2);
    expect(spec.featureNames).toEqual(['income', 'recency_days', 'offer=ten-percent-off']);
    expect(spec.trees).toHaveLength(2);
  });

  it('predicts hand-checked probabilities', () => {
    // -1.386294 + 0.3 + 0.15 = -0.936294 -> 1 / (1 + e^0.936294) = 0.28164947
    expect(predictByName(spec, { income: 40000, recency_days: 10, 'offer=ten-percent-off': 1 })).toBeCloseTo(0.28164947, 7);
    // -1.386294 + 0.1 - 0.25 = -1.536294 -> 0.17707461
    expect(predictByName(spec, { income: 60000, recency_days: 45, 'offer=ten-percent-off': 0 })).toBeCloseTo(0.17707461, 7);
    // Missing income (default left) and recency (default right), offer 0: -1.386294 - 0.2 - 0.25 -> 0.13749014
    expect(predictByName(spec, { 'offer=ten-percent-off': 0 })).toBeCloseTo(0.13749014, 7);
    // Exactly on a threshold goes right (x < condition is left).
    expect(predictByName(spec, { income: 50000, recency_days: 30, 'offer=ten-percent-off': 0 })).toBeCloseTo(sigmoid(Math.log(0.25) + 0.1 - 0.25), 12);
  });

  it('rejects what it cannot score, naming the JSON path', () => {
    const bad = fixture('xgboost-binary.json') as { learner: { objective: { name: string } } };
    bad.learner.objective.name = 'reg:squarederror';
    expect(() => parseXgboostModel(bad)).toThrow('model.learner.objective.name must be "binary:logistic" (got "reg:squarederror")');
    const broken = fixture('xgboost-binary.json') as { learner: { gradient_booster: { model: { trees: { right_children: number[] }[] } } } };
    broken.learner.gradient_booster.model.trees[1]!.right_children = [2, -1];
    expect(() => parseXgboostModel(broken)).toThrow('model.learner.gradient_booster.model.trees[1].right_children has 2 entries; left_children has 3');
    expect(() => parseModel('onnx', {})).toThrow('format must be one of logistic, xgboost (got "onnx")');
  });
});

describe('logistic JSON model (fixtures/logistic.json)', () => {
  const spec = parseLogisticModel(fixture('logistic.json'));

  it('predicts hand-checked probabilities', () => {
    // -1.2 + 0.8 (saver) - 0.5 (app) + 0.4 (ten-percent-off) + 0.3 (urgency framing) = -0.2 -> 0.45016600
    expect(predictByName(spec, { saver: 1, 'channel=app': 1, 'offer=ten-percent-off': 1, 'offer.framing=urgency': 1 })).toBeCloseTo(0.450166, 6);
    // Only the bias: sigmoid(-1.2) = 0.23147522
    expect(predictByName(spec, {})).toBeCloseTo(0.23147522, 7);
  });

  it('binds to campaign columns and offer attributes; contributions are w * x', () => {
    const features: FeatureSpec[] = [
      { name: 'saver', source: 'record', type: 'numeric', categories: [], buckets: 0, default: 0 },
      { name: 'channel', source: 'context', type: 'onehot', categories: ['app', 'web'], buckets: 0, default: '' },
    ];
    const builder = new VectorBuilder(features, null);
    expect(builder.names).toEqual(['bias', 'saver', 'channel=app', 'channel=web']);
    const offers = [
      { id: 'free-shipping', attributes: { framing: 'gain' } },
      { id: 'ten-percent-off', attributes: { framing: 'urgency' } },
    ];
    const scorer = new ModelScorer(spec, builder.names, offers);
    const x = builder.buildFrom({ saver: 1, channel: 'app' }, new Float64Array(builder.dim));
    const out = new Float64Array(2);
    scorer.scoreOffers(x, [0, 1], 2, out);
    expect(out[0]).toBeCloseTo(sigmoid(-1.2 + 0.8 - 0.5), 12);
    expect(out[1]).toBeCloseTo(0.450166, 6);
    expect(scorer.contributions(x, 1, 2)).toEqual([
      { feature: 'saver', contribution: 0.8 },
      { feature: 'channel=app', contribution: -0.5 },
    ]);
  });

  it('rejects mismatched lengths', () => {
    expect(() => parseLogisticModel({ feature_names: ['a'], weights: [1, 2], bias: 0 })).toThrow('model.weights has 2 entries; model.feature_names has 1');
  });
});

describe('feature vectors', () => {
  it('writes bias, numeric, onehot and hashed columns into a reused array', () => {
    const b = new VectorBuilder(
      [
        { name: 'age', source: 'context', type: 'numeric', categories: [], buckets: 0, default: 30 },
        { name: 'tier', source: 'context', type: 'onehot', categories: ['gold', 'silver'], buckets: 0, default: 'silver' },
        { name: 'merchant', source: 'context', type: 'hashed', categories: [], buckets: 4, default: '' },
      ],
      null,
    );
    expect(b.dim).toBe(1 + 1 + 2 + 4);
    const out = new Float64Array(b.dim);
    b.build(null, { age: '41', tier: 'gold', merchant: 'acme' }, out);
    expect(Array.from(out.subarray(0, 4))).toEqual([1, 41, 1, 0]);
    expect(out.subarray(4).reduce((s, v) => s + v, 0)).toBe(1);
    b.build(null, {}, out);
    expect(Array.from(out)).toEqual([1, 30, 0, 1, 0, 0, 0, 0]);
    b.build(null, { age: 'abc', tier: 'bronze' }, out);
    expect(Array.from(out.subarray(0, 4))).toEqual([1, 30, 0, 0]);
  });
});
