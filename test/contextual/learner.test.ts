import { describe, expect, it } from 'vitest';
import { parseCampaign } from '../../src/campaigns/schema';
import { contextualName, weightSlotId } from '../../src/contextual/layout';
import { VectorBuilder } from '../../src/contextual/vector';
import { featureContext } from '../../src/features/context';
import { compileSchema } from '../../src/features/schema';
import { ArenaWriter } from '../../src/store/arena';
import { ContextualLearner } from '../../src/store/contextual';
import type { DecisionRecord } from '../../src/store/types';

const campaign = parseCampaign(
  {
    name: 'c',
    policy: 'logistic-thompson',
    policy_params: { batchSize: 2, priorPrecision: 4 },
    features: [{ name: 'x', source: 'context' }],
    offers: [{ id: 'a' }, { id: 'b' }],
  },
  'test',
);

const rec = (offer: string, x: number[]): DecisionRecord => ({
  id: `d-${Math.random()}`,
  ts: 0,
  campaign: 'c',
  customerId: 'u',
  channel: '',
  segment: '',
  route: 'default',
  policy: 'logistic-thompson',
  configVersion: 0,
  modelVersion: '',
  control: false,
  offers: [{ offerId: offer, score: 0, probability: 0.5, propensity: 1 }],
  features: x,
});

describe('contextual weights in the learning store', () => {
  it('keeps one slot per (offer, column) at the prior, updates in batches of batchSize, flush applies the rest', () => {
    const arena = new ArenaWriter();
    const learner = new ContextualLearner(arena);
    learner.sync(campaign);
    const slots = arena.slots(contextualName('c'))!;
    expect([...slots.keys()].sort()).toEqual([weightSlotId('a', 'bias'), weightSlotId('a', 'x'), weightSlotId('b', 'bias'), weightSlotId('b', 'x')].sort());
    expect(arena.arms(contextualName('c'), '')).toBeNull();

    learner.observe(rec('a', [1, 1]), 'a', 1);
    expect(arena.arms(contextualName('c'), '')).toBeNull(); // batch of 2 not full yet
    learner.observe(rec('a', [1, 1]), 'a', 1);
    const t = arena.arms(contextualName('c'), '')!.table;
    const sa = slots.get(weightSlotId('a', 'x'))!;
    const sb = slots.get(weightSlotId('b', 'x'))!;
    expect(t.alpha[sa]).toBeGreaterThan(0);
    expect(t.beta[sa]).toBeGreaterThan(4);
    expect(t.alpha[sb]).toBe(0);
    expect(t.beta[sb]).toBe(4);

    learner.observe(rec('b', [1, 1]), 'b', 0);
    expect(t.alpha[sb]).toBe(0);
    learner.flush();
    expect(t.alpha[sb]).toBeLessThan(0);
  });

  it('skips outcomes whose vector does not fit the current columns', () => {
    const arena = new ArenaWriter();
    const learner = new ContextualLearner(arena);
    learner.sync(campaign);
    learner.observe(rec('a', [1, 1, 1]), 'a', 1);
    expect(learner.skipped).toBe(1);
  });
});

describe('vector builder over stored records', () => {
  it('reads numbers and category codes from the record, context overriding, unknown categories via the raw side map', () => {
    const schema = compileSchema(
      { fields: [{ name: 'age', type: 'number', default: 0 }, { name: 'tier', type: 'category', default: 'none' }] },
      [null, ['gold', 'silver', 'none']],
    );
    const b = new VectorBuilder(
      [
        { name: 'age', source: 'record', type: 'numeric', categories: [], buckets: 0, default: 0 },
        { name: 'tier', source: 'record', type: 'onehot', categories: ['gold', 'silver'], buckets: 0, default: '' },
      ],
      schema,
    );
    const record = new Float64Array([42, 1]); // silver
    const out = new Float64Array(b.dim);
    const plain = featureContext(schema, record, null);
    expect(Array.from(b.build(plain, {}, out))).toEqual([1, 42, 0, 1]);
    const overridden = featureContext(schema, record, { tier: 'gold', age: '50' });
    expect(Array.from(b.build(overridden, { tier: 'gold', age: '50' }, out))).toEqual([1, 50, 1, 0]);
    const unknown = featureContext(schema, record, { tier: 'platinum' });
    expect(Array.from(b.build(unknown, { tier: 'platinum' }, out))).toEqual([1, 42, 0, 0]);
  });
});
