import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LmdbStore } from '../../src/store/lmdb-store';
import { startTestServer, type TestServer } from '../server/helpers';
import { decide, offer, report } from './helpers';

/** Routing, behavioural boosts, eligibility, exclusions, caps and cool-down through the gRPC service. */

const ROUTED = {
  name: 'routed',
  policy: 'thompson',
  offers: [offer('gain', { framing: 'gain' }), offer('urgent', { framing: 'urgency' }), offer('neutral', { framing: 'neutral' })],
  routing: [
    { name: 'risk-averse', when: { '>': [{ var: 'risk_aversion' }, 0.7] }, policy: 'risk-averse', params: { quantile: '0.1' } },
    // A boost far above any draw ratio makes the urgency offer win every time for these customers.
    { name: 'loss-averse', when: { '>': [{ var: 'loss_aversion' }, 0.7] }, policy: 'thompson', params: { boost_tag: 'framing=urgency', boost: '1000' } },
  ],
};

const ELIGIBLE = {
  name: 'eligible',
  policy: 'random',
  offers: [offer('a'), offer('b'), offer('gold-only', {}, { eligibility: { '==': [{ var: 'tier' }, 'gold'] } })],
};

const CAPPED = {
  name: 'capped',
  policy: 'random',
  offers: [offer('a'), offer('b')],
  fatigue: { max_per_offer: 2, max_per_campaign: 3, window_ms: 3_600_000 },
};

const COOLING = {
  name: 'cooling',
  policy: 'random',
  offers: [offer('a'), offer('b')],
  fatigue: { cooldown_after_ignored: 2, cooldown_ms: 3_600_000 },
};

describe('routing, eligibility and fatigue through gRPC', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer([ROUTED, ELIGIBLE, CAPPED, COOLING]);
  });
  afterAll(async () => {
    await ts?.stop();
  });

  it('routes by features: risk-averse, loss-averse with the urgency boost, else the default', async () => {
    const risk = await decide(ts, { campaign: 'routed', customerId: 'c1', context: { risk_aversion: '0.9' }, explain: true });
    expect(risk.route).toBe('risk-averse');
    expect(risk.policy).toBe('risk-averse');
    expect(risk.offers[0]!.explanation!.route).toBe('risk-averse');
    for (let i = 0; i < 30; i++) {
      const loss = await decide(ts, { campaign: 'routed', customerId: `l${i}`, context: { loss_aversion: '0.8' } });
      expect(loss.route).toBe('loss-averse');
      expect(loss.offers[0]!.offerId).toBe('urgent');
    }
    const plain = await decide(ts, { campaign: 'routed', customerId: 'c2', context: { loss_aversion: '0.1' } });
    expect(plain.route).toBe('default');
    // Without the boost the urgency offer is not always first (uniform priors: ~1/3 of the time).
    let urgentFirst = 0;
    for (let i = 0; i < 60; i++) {
      const r = await decide(ts, { campaign: 'routed', customerId: `d${i}` });
      if (r.offers[0]!.offerId === 'urgent') urgentFirst++;
    }
    expect(urgentFirst).toBeLessThan(45);
  });

  it('logs the route taken with the decision', async () => {
    const r = await decide(ts, { campaign: 'routed', customerId: 'logged', context: { loss_aversion: '0.95' } });
    const store = ts.server.store as LmdbStore;
    let route = '';
    for await (const d of store.decisions({ campaign: 'routed' })) if (d.id === r.decisionId) route = d.route;
    expect(route).toBe('loss-averse');
  });

  it('never shows an ineligible offer; its share of the propensity is 0', async () => {
    for (let i = 0; i < 50; i++) {
      const r = await decide(ts, { campaign: 'eligible', customerId: `s${i}`, context: { tier: 'silver' }, numOffers: 3 });
      expect(r.offers.map((o) => o.offerId).sort()).toEqual(['a', 'b']);
      // Uniform over the 2 eligible offers: 1/2 per slot, nothing left for the third.
      for (const o of r.offers) expect(o.propensity).toBeCloseTo(0.5, 12);
    }
    const gold = await decide(ts, { campaign: 'eligible', customerId: 'g', context: { tier: 'gold' }, numOffers: 3 });
    expect(gold.offers).toHaveLength(3);
    for (const o of gold.offers) expect(o.propensity).toBeCloseTo(1 / 3, 12);
  });

  it('never shows an excluded offer; every offer excluded is FAILED_PRECONDITION', async () => {
    for (let i = 0; i < 30; i++) {
      const r = await decide(ts, { campaign: 'eligible', customerId: `x${i}`, context: { tier: 'gold' }, excludeOffers: ['a'] });
      expect(r.offers[0]!.offerId).not.toBe('a');
      expect(r.offers[0]!.propensity).toBeCloseTo(0.5, 12);
    }
    const none = await decide(ts, { campaign: 'eligible', customerId: 'y', context: { tier: 'silver' }, excludeOffers: ['a', 'b'] });
    expect(none.offers).toEqual([]);
    expect(none.noAction).toBe(true);
    expect(none.noActionReason).toBe('no_eligible_offer');
    expect(none.decisionId).not.toBe('');
  });

  it('caps impressions per offer and per campaign within the window', async () => {
    const shown: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 3; i++) {
      const r = await decide(ts, { campaign: 'capped', customerId: 'cap-1' });
      shown[r.offers[0]!.offerId]! += 1;
    }
    expect(shown.a! <= 2 && shown.b! <= 2).toBe(true);
    // Campaign cap (3) reached: nothing more for this customer in the window.
    const none = await decide(ts, { campaign: 'capped', customerId: 'cap-1' });
    expect(none.noActionReason).toBe('no_eligible_offer');
    expect(none.offers).toEqual([]);
    // Another customer is not affected.
    await decide(ts, { campaign: 'capped', customerId: 'cap-2' });
  });

  it('enforces the per-offer cap before the campaign cap', async () => {
    // Excluding b forces a: after 2 impressions of a, a is capped although the campaign cap (3) is not reached.
    await decide(ts, { campaign: 'capped', customerId: 'cap-3', excludeOffers: ['b'] });
    await decide(ts, { campaign: 'capped', customerId: 'cap-3', excludeOffers: ['b'] });
    const none = await decide(ts, { campaign: 'capped', customerId: 'cap-3', excludeOffers: ['b'] });
    expect(none.noActionReason).toBe('no_eligible_offer');
    expect(none.offers).toEqual([]);
    const r = await decide(ts, { campaign: 'capped', customerId: 'cap-3', explain: true });
    expect(r.offers[0]!.offerId).toBe('b');
    expect(r.offers[0]!.explanation!.fatigue).toBe('ok');
  });

  it('rests an offer after M ignored impressions', async () => {
    let ignored = 0;
    for (let i = 0; i < 20 && ignored < 2; i++) {
      const r = await decide(ts, { campaign: 'cooling', customerId: 'cool-1' });
      if (r.offers[0]!.offerId !== 'a') continue;
      const ack = await report(ts, r.decisionId, 'a', 0);
      expect(ack.status).toBe('APPLIED');
      ignored++;
    }
    expect(ignored).toBe(2);
    for (let i = 0; i < 20; i++) {
      const r = await decide(ts, { campaign: 'cooling', customerId: 'cool-1' });
      expect(r.offers[0]!.offerId).toBe('b');
    }
    // A positive outcome in between resets the run: another customer, ignore, click, ignore -> not resting.
    const seq = [0, 1, 0];
    for (const reward of seq) {
      let r;
      do r = await decide(ts, { campaign: 'cooling', customerId: 'cool-2', excludeOffers: ['b'] });
      while (r.offers[0]!.offerId !== 'a');
      await report(ts, r.decisionId, 'a', reward);
    }
    const again = await decide(ts, { campaign: 'cooling', customerId: 'cool-2', excludeOffers: ['b'] });
    expect(again.offers[0]!.offerId).toBe('a');
  });

  it('keeps the contact history across a restart', async () => {
    await ts.stop();
    ts = await startTestServer([], {}, { dataDir: ts.dataDir, campaignsDir: ts.campaignsDir });
    const none = await decide(ts, { campaign: 'capped', customerId: 'cap-1' });
    expect(none.noActionReason).toBe('no_eligible_offer');
    expect(none.offers).toEqual([]);
    for (let i = 0; i < 10; i++) {
      const r = await decide(ts, { campaign: 'cooling', customerId: 'cool-1' });
      expect(r.offers[0]!.offerId).toBe('b');
    }
  });
});
