import { describe, expect, it } from 'vitest';
import { parseCampaign } from '../../src/campaigns/schema';
import { CampaignInvalidError } from '../../src/campaigns/errors';
import type { CampaignConfig } from '../../src/campaigns/types';
import { DecisionEngine } from '../../src/engine/engine';
import type { EngineRequest } from '../../src/engine/types';
import { compileSchema, decodeValue } from '../../src/features/schema';
import type { CompiledSchema, FeatureReader } from '../../src/features/types';
import { createFallbackKernel } from '../../src/kernel/index';

/**
 * Arbitration, thresholds, triggers and the no-action arm at the engine. Greedy epsilon-greedy
 * (epsilon 0) over offers at their priors ranks by posterior mean x value x levers, so every rank
 * below is computed by hand from the priors.
 */

class Reader implements FeatureReader {
  snapshotId = 'test';
  schema: CompiledSchema = compileSchema({ fields: [{ name: 'risk', type: 'number', default: 0 }] }, [null]);
  constructor(private readonly rows: Map<string, number>) {}
  read(customerId: string, out: Float64Array): boolean {
    const v = this.rows.get(customerId);
    out[0] = v ?? 0;
    return v !== undefined;
  }
  value(record: Float64Array, i: number): number | string {
    return decodeValue(this.schema, record, i);
  }
  close(): void {}
}

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

function engine(...campaigns: CampaignConfig[]): DecisionEngine {
  const kernel = createFallbackKernel();
  kernel.seed(7);
  const byName = new Map(campaigns.map((c) => [c.name, c]));
  return new DecisionEngine({ kernel, features: new Reader(new Map([['risky', 2], ['calm', -2]])), arms: { arms: () => null }, campaigns: { get: (n) => byName.get(n) }, now: () => NOW });
}

const req = (campaign: string, more: Partial<EngineRequest> = {}): EngineRequest => ({
  campaign,
  customerId: 'calm',
  channel: 'web',
  context: {},
  numOffers: 3,
  excludeOffers: [],
  ...more,
});

// Posterior means at the priors: a 0.2, b 0.3, c 0.1.
const OFFERS = [
  { id: 'a', prior_alpha: 2, prior_beta: 8, value: 2 },
  { id: 'b', prior_alpha: 3, prior_beta: 7, attributes: { priority: 'high' } },
  { id: 'c', prior_alpha: 1, prior_beta: 9, value: 5 },
];

function greedy(fields: Record<string, unknown> = {}): CampaignConfig {
  return parseCampaign({ name: 'arb', policy: 'epsilon-greedy', policy_params: { epsilon: 0 }, offers: OFFERS, ...fields }, 'test');
}

const ids = (r: { offers: readonly { offerId: string }[] }): string[] => r.offers.map((o) => o.offerId);

describe('arbitration by expected value', () => {
  it('ranks by probability x value: c 0.5, a 0.4, b 0.3', () => {
    expect(ids(engine(greedy()).decide(req('arb')))).toEqual(['c', 'a', 'b']);
  });

  it('a lever in force multiplies: b 0.3 x 1.5 = 0.45 passes a (0.4)', () => {
    const c = greedy({ levers: [{ name: 'high', attribute: 'priority', value: 'high', weight: 1.5 }] });
    const r = engine(c).decide(req('arb', { explain: true }));
    expect(ids(r)).toEqual(['c', 'b', 'a']);
    const b = r.offers.find((o) => o.offerId === 'b')!;
    expect(b.explanation!.levers).toEqual([{ name: 'high', weight: 1.5 }]);
    expect(b.explanation!.value).toBe(1);
    expect(b.explanation!.expectedValue).toBeCloseTo(0.45, 12);
    const c5 = r.offers.find((o) => o.offerId === 'c')!;
    expect(c5.explanation!.levers).toEqual([]);
    expect(c5.explanation!.expectedValue).toBeCloseTo(0.5, 12);
  });

  it('a lever outside its start and end times does nothing', () => {
    const later = greedy({ levers: [{ attribute: 'priority', value: 'high', weight: 1.5, start_ms: NOW + 1000 }] });
    expect(ids(engine(later).decide(req('arb')))).toEqual(['c', 'a', 'b']);
    const over = greedy({ levers: [{ attribute: 'priority', value: 'high', weight: 1.5, start_ms: NOW - 2000, end_ms: NOW - 1000 }] });
    expect(ids(engine(over).decide(req('arb')))).toEqual(['c', 'a', 'b']);
    const during = greedy({ levers: [{ attribute: 'priority', value: 'high', weight: 1.5, start_ms: NOW - 1000, end_ms: NOW + 1000 }] });
    expect(ids(engine(during).decide(req('arb')))).toEqual(['c', 'b', 'a']);
  });

  it('a lever of weight 0 sends the offer last', () => {
    const c = greedy({ levers: [{ attribute: 'priority', value: 'high', weight: 0 }] });
    expect(ids(engine(c).decide(req('arb')))).toEqual(['c', 'a', 'b']);
    const c2 = greedy({ levers: [{ attribute: 'priority', value: 'high', weight: 10 }] });
    expect(ids(engine(c2).decide(req('arb')))).toEqual(['b', 'c', 'a']);
  });

  it('Thompson sampling ranks with the arbitration factors too (a lever of weight 0 is never shown first)', () => {
    const c = parseCampaign({ name: 'arb', policy: 'thompson', offers: OFFERS.map((o) => ({ ...o, value: 1 })), levers: [{ attribute: 'priority', value: 'high', weight: 0 }] }, 'test');
    const e = engine(c);
    const firsts = new Set<string>();
    for (let i = 0; i < 200; i++) firsts.add(e.decide(req('arb', { customerId: `u${i}`, numOffers: 1 })).offers[0]!.offerId);
    // b has the highest prior mean, but its factor is 0: its score is 0 and an offer of another
    // priority scores above it in every draw.
    expect([...firsts].sort()).toEqual(['a', 'c']);
  });

  it('propensities of a greedy slate stay 1 per slot after arbitration', () => {
    const r = engine(greedy({ levers: [{ attribute: 'priority', value: 'high', weight: 1.5 }] })).decide(req('arb'));
    expect(r.offers.map((o) => o.propensity)).toEqual([1, 1, 1]);
  });
});

describe('min_probability', () => {
  it('the campaign threshold removes c (0.1 < 0.15) before ranking', () => {
    expect(ids(engine(greedy({ min_probability: 0.15 })).decide(req('arb')))).toEqual(['a', 'b']);
  });

  it("an offer's own threshold wins over the campaign's", () => {
    const c = greedy({ min_probability: 0.05, offers: OFFERS.map((o) => (o.id === 'a' ? { ...o, min_probability: 0.25 } : o)) });
    expect(ids(engine(c).decide(req('arb')))).toEqual(['c', 'b']);
  });

  it('nothing above the threshold: no_action min_probability', () => {
    const r = engine(greedy({ min_probability: 0.9 })).decide(req('arb'));
    expect(r.offers).toEqual([]);
    expect(r.noAction).toBe('min_probability');
  });
});

describe('trigger', () => {
  const sessionCampaign = (trigger: unknown): CampaignConfig =>
    greedy({
      session_features: [{ name: 'pricing_views', event_types: ['view_pricing'], aggregate: 'count', window_ms: 600_000 }],
      trigger,
    });

  it('holds back until the session feature reaches the threshold', () => {
    const c = sessionCampaign({ '>=': [{ var: 'session.pricing_views' }, 3] });
    const e = engine(c);
    const before = e.decide(req('arb', { session: { pricing_views: 2 } }));
    expect(before.noAction).toBe('trigger');
    expect(before.offers).toEqual([]);
    expect(before.session).toEqual({ pricing_views: 2 });
    const after = e.decide(req('arb', { session: { pricing_views: 3 } }));
    expect(after.noAction).toBeUndefined();
    expect(ids(after)).toEqual(['c', 'a', 'b']);
  });

  it('reads features, context and model.<campaign>', () => {
    const churn = {
      ...parseCampaign({ name: 'churn', offers: [{ id: 'risk' }], features: [{ name: 'risk' }] }, 'test'),
      model: { version: 'v1', spec: { format: 'logistic' as const, featureNames: ['risk'], weights: [1], bias: 0 } },
    };
    const c = greedy({ trigger: { and: [{ '>': [{ var: 'model.churn' }, 0.75] }, { '==': [{ var: 'channel' }, 'app'] }] } });
    const e = engine(c, churn);
    // sigmoid(2) = 0.88 > 0.75 for "risky"; sigmoid(-2) = 0.12 for "calm".
    expect(e.decide(req('arb', { customerId: 'risky', context: { channel: 'app' } })).noAction).toBeUndefined();
    expect(e.decide(req('arb', { customerId: 'risky', context: { channel: 'web' } })).noAction).toBe('trigger');
    expect(e.decide(req('arb', { customerId: 'calm', context: { channel: 'app' } })).noAction).toBe('trigger');
  });

  it('model.<campaign> of a campaign without a model is null', () => {
    const c = greedy({ trigger: { '==': [{ var: 'model.nothing' }, null] } });
    expect(engine(c).decide(req('arb')).noAction).toBeUndefined();
  });

  it('is checked before the control group', () => {
    const c = greedy({ control_share: 0.99, trigger: false });
    const r = engine(c).decide(req('arb'));
    expect(r.noAction).toBe('trigger');
    expect(r.control).toBe(false);
  });

  it('rules may not read undeclared session features', () => {
    expect(() => greedy({ trigger: { '>': [{ var: 'session.nope' }, 1] } })).toThrow(CampaignInvalidError);
    expect(() => greedy({ trigger: { '>': [{ var: 'session.nope' }, 1] } })).toThrow(/trigger: reads session\.nope, which is not a declared session feature/);
  });
});

describe('no_action_arm', () => {
  it('adds the arm, which is not an offer a client declares', () => {
    const c = greedy({ no_action_arm: true });
    expect(c.offers.map((o) => o.id)).toEqual(['a', 'b', 'c', 'no-action']);
    expect(() => greedy({ offers: [{ id: 'no-action' }] })).toThrow(/is reserved for the implicit arm/);
  });

  it('wins when every offer is worth less than doing nothing (prior mean 0.5)', () => {
    const c = parseCampaign({ name: 'arb', policy: 'epsilon-greedy', policy_params: { epsilon: 0 }, offers: OFFERS.map((o) => ({ ...o, value: 1 })), no_action_arm: true }, 'test');
    const r = engine(c).decide(req('arb'));
    expect(r.offers).toEqual([]);
    expect(r.noAction).toBe('no_action_arm');
    expect(r.noActionArm).toMatchObject({ offerId: 'no-action', probability: 0.5, propensity: 1 });
  });

  it('shows only the offers ranked above it', () => {
    // EV: c 0.5 x 2 = 1.0, a 0.4, b 0.3; no-action 0.5 ranks second.
    const c = parseCampaign(
      { name: 'arb', policy: 'epsilon-greedy', policy_params: { epsilon: 0 }, offers: OFFERS.map((o) => (o.id === 'c' ? { ...o, value: 10 } : o)), no_action_arm: true },
      'test',
    );
    const r = engine(c).decide(req('arb'));
    expect(ids(r)).toEqual(['c']);
    expect(r.noAction).toBeUndefined();
  });

  it('with every real offer excluded: no_eligible_offer, and the arm is not logged', () => {
    const r = engine(greedy({ no_action_arm: true })).decide(req('arb', { excludeOffers: ['a', 'b', 'c'] }));
    expect(r.noAction).toBe('no_eligible_offer');
    expect(r.noActionArm).toBeUndefined();
  });
});
