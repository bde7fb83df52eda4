import { describe, expect, it, vi } from 'vitest';
import { parseCampaign } from '../../src/campaigns/schema';
import type { CampaignConfig } from '../../src/campaigns/types';
import { DecisionEngine } from '../../src/engine/engine';
import type { EngineRequest } from '../../src/engine/types';
import { NudgeError } from '../../src/errors';
import { compileSchema, decodeValue } from '../../src/features/schema';
import type { CompiledSchema, FeatureReader, FeatureSchema } from '../../src/features/types';
import { createFallbackKernel } from '../../src/kernel/index';
import { createArmTable } from '../../src/policies/arm-table';
import type { ArmsEntry, ArmsLookup } from '../../src/store/types';
import * as adapter from '../../src/engine/features-adapter';

vi.mock('../../src/engine/features-adapter', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/engine/features-adapter')>();
  return { ...orig, ruleData: vi.fn(orig.ruleData) };
});

const SCHEMA: FeatureSchema = {
  fields: [
    { name: 'spend_personality', type: 'category', default: 'balanced' },
    { name: 'risk_aversion', type: 'number', default: 0 },
  ],
};

class FakeReader implements FeatureReader {
  snapshotId = 'fake';
  schema: CompiledSchema;
  constructor(
    fields: FeatureSchema,
    private readonly rows: Map<string, (number | string)[]>,
  ) {
    this.schema = compileSchema(fields, [['balanced', 'saver', 'spender'], null]);
  }
  read(customerId: string, out: Float64Array): boolean {
    const row = this.rows.get(customerId);
    if (row === undefined) {
      out.set(this.schema.defaults);
      return false;
    }
    row.forEach((v, i) => {
      out[i] = typeof v === 'number' ? v : this.schema.dictionaries[i]!.get(v)!;
    });
    return true;
  }
  value(record: Float64Array, i: number): number | string {
    return decodeValue(this.schema, record, i);
  }
  close(): void {}
}

const ROWS = new Map<string, (number | string)[]>([
  ['saver-cautious', ['saver', 0.9]],
  ['saver-bold', ['saver', 0.1]],
  ['spender', ['spender', 0.2]],
]);

function campaign(extra: Record<string, unknown> = {}): CampaignConfig {
  return {
    ...parseCampaign(
      {
        name: 'c1',
        offers: [{ id: 'a' }, { id: 'b', attributes: { framing: 'loss' } }, { id: 'c' }],
        segment_by: ['spend_personality'],
        ...extra,
      },
      'test',
    ),
    version: 3,
  };
}

function engineFor(c: CampaignConfig, arms: ArmsLookup = { arms: () => null }, reader: FeatureReader = new FakeReader(SCHEMA, ROWS)) {
  const kernel = createFallbackKernel();
  kernel.seed(42);
  return new DecisionEngine({ kernel, features: reader, arms, campaigns: { get: (n) => (n === c.name ? c : undefined) } });
}

const req = (customerId: string, more: Partial<EngineRequest> = {}): EngineRequest => ({
  campaign: 'c1',
  customerId,
  channel: '',
  context: {},
  numOffers: 1,
  excludeOffers: [],
  ...more,
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof NudgeError) return err.code;
    throw err;
  }
  throw new Error('expected a NudgeError');
}

describe('DecisionEngine', () => {
  it('refuses an unknown campaign', () => {
    expect(codeOf(() => engineFor(campaign()).decide(req('x', { campaign: 'other' })))).toBe('NUDGE_CAMPAIGN_NOT_FOUND');
  });

  it('derives the segment from features, with request context overriding them', () => {
    const e = engineFor(campaign());
    expect(e.decide(req('saver-bold')).segment).toBe('spend_personality=saver');
    expect(e.decide(req('unknown-customer')).segment).toBe('spend_personality=balanced');
    expect(e.decide(req('saver-bold', { context: { spend_personality: 'spender' } })).segment).toBe('spend_personality=spender');
    // A category the snapshot never saw still forms its own segment.
    expect(e.decide(req('saver-bold', { context: { spend_personality: 'brand-new' } })).segment).toBe('spend_personality=brand-new');
    expect(engineFor(campaign({ segment_by: [] })).decide(req('saver-bold')).segment).toBe('');
  });

  it('ranks at most the eligible offers, with the campaign version and offer attributes', () => {
    const r = engineFor(campaign()).decide(req('spender', { numOffers: 10 }));
    expect(r.offers.map((o) => o.offerId).sort()).toEqual(['a', 'b', 'c']);
    expect(r.configVersion).toBe(3);
    expect(r.policy).toBe('thompson');
    expect(r.route).toBe('default');
    expect(r.control).toBe(false);
    expect(r.offers.find((o) => o.offerId === 'b')!.attributes).toEqual({ framing: 'loss' });
  });

  it('puts a sticky share of customers in the control group with the default offer only', () => {
    const e = engineFor(campaign({ control_share: 0.5, default_offer: 'c' }));
    let control = 0;
    for (let i = 0; i < 400; i++) {
      const r = e.decide(req(`cust-${i}`, { numOffers: 3 }));
      if (r.control) {
        control++;
        expect(r.policy).toBe('control');
        expect(r.offers).toHaveLength(1);
        expect(r.offers[0]).toMatchObject({ offerId: 'c', propensity: 1 });
      } else expect(r.offers).toHaveLength(3);
      expect(e.decide(req(`cust-${i}`)).control).toBe(r.control);
    }
    expect(control).toBeGreaterThan(150);
    expect(control).toBeLessThan(250);
  });

  it('routes by the first matching rule, else the default route', () => {
    const e = engineFor(
      campaign({
        routing: [
          {
            name: 'cautious-savers',
            when: { and: [{ '==': [{ var: 'spend_personality' }, 'saver'] }, { '>=': [{ var: 'risk_aversion' }, 0.7] }] },
            policy: 'risk-averse',
          },
          { name: 'vip', when: { '==': [{ var: 'tier' }, 'vip'] }, policy: 'ucb1' },
        ],
      }),
    );
    expect(e.decide(req('saver-cautious'))).toMatchObject({ route: 'cautious-savers', policy: 'risk-averse' });
    expect(e.decide(req('saver-bold'))).toMatchObject({ route: 'default', policy: 'thompson' });
    // Context keys that are not features are visible to rules.
    expect(e.decide(req('saver-bold', { context: { tier: 'vip' } }))).toMatchObject({ route: 'vip', policy: 'ucb1' });
    // Context overrides features before routing.
    expect(e.decide(req('saver-bold', { context: { risk_aversion: '0.8' } })).route).toBe('cautious-savers');
  });

  it('does not build rule data for a campaign without rules', () => {
    const spy = vi.mocked(adapter.ruleData);
    spy.mockClear();
    const e = engineFor(campaign());
    for (let i = 0; i < 10; i++) e.decide(req('saver-bold', { context: { x: '1' } }));
    expect(spy).not.toHaveBeenCalled();
    engineFor(campaign({ offers: [{ id: 'a', eligibility: { '<': [{ var: 'risk_aversion' }, 0.5] } }] })).decide(req('saver-bold'));
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('applies exclusions and eligibility rules; nothing eligible is an error', () => {
    const c = campaign({
      offers: [{ id: 'a' }, { id: 'b', eligibility: { '<': [{ var: 'risk_aversion' }, 0.5] } }, { id: 'c' }],
    });
    const e = engineFor(c);
    for (let i = 0; i < 20; i++) {
      const ids = e.decide(req('saver-cautious', { numOffers: 3 })).offers.map((o) => o.offerId);
      expect(ids.sort()).toEqual(['a', 'c']);
    }
    expect(e.decide(req('saver-bold', { numOffers: 3, excludeOffers: ['a'] })).offers.map((o) => o.offerId).sort()).toEqual(['b', 'c']);
    const many = Array.from({ length: 20 }, (_, i) => `zz${i}`).concat(['a', 'c']);
    expect(e.decide(req('saver-bold', { numOffers: 3, excludeOffers: many })).offers.map((o) => o.offerId)).toEqual(['b']);
    const none = e.decide(req('saver-cautious', { excludeOffers: ['a', 'c'] }));
    expect(none.offers).toEqual([]);
    expect(none.noAction).toBe('no_eligible_offer');
  });

  it('reads the posterior of the customer segment, and priors for offers without a slot', () => {
    const table = createArmTable(new Float64Array(4 + 4 * 4), 2, 4);
    table.alpha.set([1, 900]);
    table.beta.set([1000, 100]);
    table.priorAlpha.set([1, 1]);
    table.priorBeta.set([1, 1]);
    table.meta[1] = 7;
    const entry: ArmsEntry = { table, slots: new Map([['a', 0], ['b', 1]]) };
    const calls: string[] = [];
    const arms: ArmsLookup = {
      arms(name, segment) {
        calls.push(`${name}/${segment}`);
        return segment === 'spend_personality=saver' ? entry : null;
      },
    };
    const e = engineFor(campaign(), arms);
    for (let i = 0; i < 50; i++) {
      const r = e.decide(req('saver-bold', { numOffers: 3 }));
      const ids = r.offers.map((o) => o.offerId);
      expect(ids.indexOf('b')).toBeLessThan(ids.indexOf('a'));
      expect(r.offers.find((o) => o.offerId === 'b')!.probability).toBeCloseTo(0.9, 9);
      expect(r.offers.find((o) => o.offerId === 'a')!.probability).toBeCloseTo(1 / 1001, 9);
      // 'c' has no slot: it is at its Beta(1, 1) prior.
      expect(r.offers.find((o) => o.offerId === 'c')!.probability).toBeCloseTo(0.5, 9);
    }
    expect(calls[0]).toBe('c1/spend_personality=saver');
  });

  it('survives a snapshot swap to a wider schema inside read()', () => {
    const wide: FeatureSchema = {
      fields: [...SCHEMA.fields, ...Array.from({ length: 60 }, (_, i) => ({ name: `f${i}`, type: 'number' as const, default: 1 }))],
    };
    const reader = new FakeReader(SCHEMA, ROWS);
    const swapped = compileSchema(wide, [['balanced', 'saver', 'spender'], ...Array.from({ length: 61 }, () => null)]);
    const origRead = reader.read.bind(reader);
    reader.read = (id, out) => {
      reader.schema = swapped; // the swap happens inside read(), as in the LMDB reader
      return origRead(id, out);
    };
    const e = engineFor(campaign(), { arms: () => null }, reader);
    expect(e.decide(req('nobody')).segment).toBe('spend_personality=balanced');
  });
});
