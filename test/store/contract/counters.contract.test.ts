import { describe, expect, it } from 'vitest';
import type { CampaignConfig } from '../../../src/campaigns/types';
import type { CampaignCounters, DecisionRecord, LearningStore, OfferCounters } from '../../../src/store/types';
import { backends, campaign, decision, uniqueName, useBackend } from './factories';

/** CounterStore: counters(campaign, segment?) after a known sequence (src/store/counters.ts semantics). */

/**
 * The sequence: treatment decisions in segments "gold" and "silver", a control decision, outcomes
 * with whole and fractional rewards, a duplicate and an invalid one (neither counted).
 */
async function playSequence(store: LearningStore, c: CampaignConfig): Promise<void> {
  const p = (offers: string[], over: Partial<DecisionRecord> & { probs?: number[] } = {}): DecisionRecord => {
    const { probs, ...rest } = over;
    const d = decision(c.name, offers, rest);
    return probs === undefined ? d : { ...d, offers: d.offers.map((o, i) => ({ ...o, probability: probs[i]! })) };
  };
  const g1 = p(['x', 'y'], { segment: 'gold', probs: [0.5, 0.125] });
  const g2 = p(['x'], { segment: 'gold', probs: [0.5] });
  const g3 = p(['z'], { segment: 'gold', probs: [0.25] });
  const s1 = p(['y', 'z'], { segment: 'silver', probs: [0.375, 0.0625] });
  const k1 = p(['x'], { segment: 'gold', control: true, probs: [0.5] });
  const k2 = p(['y'], { segment: 'silver', control: true, probs: [0.5] });
  for (const d of [g1, g2, g3, s1, k1, k2]) store.logDecision(d);
  const res = await store.applyOutcomes([
    { decisionId: g1.id, offerId: 'x', reward: 1, timestampMs: 0 },
    { decisionId: g1.id, offerId: 'y', reward: 0, timestampMs: 0 },
    { decisionId: g2.id, offerId: 'x', reward: 0.5, timestampMs: 0 },
    { decisionId: s1.id, offerId: 'z', reward: 1, timestampMs: 0 },
    { decisionId: k1.id, offerId: 'x', reward: 1, timestampMs: 0 },
    { decisionId: k2.id, offerId: 'y', reward: 0, timestampMs: 0 },
    { decisionId: g1.id, offerId: 'x', reward: 1, timestampMs: 0 }, // DUPLICATE
    { decisionId: g3.id, offerId: 'x', reward: 1, timestampMs: 0 }, // INVALID: not shown
  ]);
  expect(res.map((r) => r.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'APPLIED', 'DUPLICATE', 'INVALID']);
}

const offer = (offerId: string, impressions: number, outcomes: number, rewards: number, deltaSum: number): OfferCounters => ({ offerId, impressions, outcomes, rewards, deltaSum });

const ALL: CampaignCounters = {
  offers: [offer('x', 2, 2, 1.5, 0.5 + 0), offer('y', 2, 1, 0, -0.125), offer('z', 2, 1, 1, 0.9375)],
  control: { decisions: 2, outcomes: 2, rewards: 1 },
  treatment: { decisions: 4, outcomes: 4, rewards: 2.5 },
};
const GOLD: CampaignCounters = {
  offers: [offer('x', 2, 2, 1.5, 0.5), offer('y', 1, 1, 0, -0.125), offer('z', 1, 0, 0, 0)],
  control: { decisions: 1, outcomes: 1, rewards: 1 },
  treatment: { decisions: 3, outcomes: 3, rewards: 1.5 },
};
const SILVER: CampaignCounters = {
  offers: [offer('x', 0, 0, 0, 0), offer('y', 1, 0, 0, 0), offer('z', 1, 1, 1, 0.9375)],
  control: { decisions: 1, outcomes: 1, rewards: 0 },
  treatment: { decisions: 1, outcomes: 1, rewards: 1 },
};
const NONE: CampaignCounters = {
  offers: [offer('x', 0, 0, 0, 0), offer('y', 0, 0, 0, 0), offer('z', 0, 0, 0, 0)],
  control: { decisions: 0, outcomes: 0, rewards: 0 },
  treatment: { decisions: 0, outcomes: 0, rewards: 0 },
};

/** Equal, with float sums (rewards, deltaSum) compared to 12 digits: Redis adds them with HINCRBYFLOAT. */
function expectCounters(got: CampaignCounters, want: CampaignCounters): void {
  expect(got.offers.map((o) => o.offerId)).toEqual(want.offers.map((o) => o.offerId));
  got.offers.forEach((o, i) => {
    const w = want.offers[i]!;
    expect({ impressions: o.impressions, outcomes: o.outcomes }, `counts of ${o.offerId}`).toEqual({ impressions: w.impressions, outcomes: w.outcomes });
    expect(o.rewards, `rewards of ${o.offerId}`).toBeCloseTo(w.rewards, 12);
    expect(o.deltaSum, `deltaSum of ${o.offerId}`).toBeCloseTo(w.deltaSum, 12);
  });
  for (const g of ['control', 'treatment'] as const) {
    expect(got[g].decisions, `${g}.decisions`).toBe(want[g].decisions);
    expect(got[g].outcomes, `${g}.outcomes`).toBe(want[g].outcomes);
    expect(got[g].rewards, `${g}.rewards`).toBeCloseTo(want[g].rewards, 12);
  }
}

describe.each(backends())('CounterStore contract: $name', (backend) => {
  const env = useBackend(backend);

  it('counts impressions per offer, decisions per group, outcomes, rewards and deltaSum after a known sequence', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('n-seq'));
    store.syncCampaign(c);
    await playSequence(store, c);
    await env.settle(store);
    expectCounters(store.counters(c.name), ALL);
  });

  it('counts per segment, and lists every current offer (zeros included) in campaign order', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('n-seg'));
    store.syncCampaign(c);
    await playSequence(store, c);
    await env.settle(store);
    expectCounters(store.counters(c.name, 'gold'), GOLD);
    expectCounters(store.counters(c.name, 'silver'), SILVER);
    expectCounters(store.counters(c.name, 'bronze'), NONE);
  });

  it('starts at zero for a synced campaign and answers empty counters for an unknown one', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('n-zero'));
    store.syncCampaign(c);
    await env.settle(store);
    expectCounters(store.counters(c.name), NONE);
    expect(store.counters(uniqueName('n-unknown'))).toEqual({
      offers: [],
      control: { decisions: 0, outcomes: 0, rewards: 0 },
      treatment: { decisions: 0, outcomes: 0, rewards: 0 },
    });
  });

  it('keeps counting on top of earlier counts, and lists an offer added later', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('n-more'));
    store.syncCampaign(c);
    await playSequence(store, c);
    await env.settle(store);
    const more = campaign(c.name, {
      offers: [
        { id: 'x', prior_alpha: 2, prior_beta: 3 },
        { id: 'y', prior_alpha: 1, prior_beta: 1 },
        { id: 'z', prior_alpha: 0.5, prior_beta: 4 },
        { id: 'w' },
      ],
    });
    store.syncCampaign(more);
    const d = decision(c.name, ['w', 'x']);
    store.logDecision(d);
    await store.applyOutcomes([{ decisionId: d.id, offerId: 'w', reward: 1, timestampMs: 0 }]);
    await env.settle(store);
    expectCounters(store.counters(c.name), {
      offers: [...ALL.offers.map((o) => (o.offerId === 'x' ? { ...o, impressions: 3 } : o)), offer('w', 1, 1, 1, 0.75)],
      control: ALL.control,
      treatment: { decisions: 5, outcomes: 5, rewards: 3.5 },
    });
  });

  it('reports the same counters after the store is reopened', async () => {
    let store = await env.open();
    const c = campaign(uniqueName('n-reopen'));
    store.syncCampaign(c);
    await playSequence(store, c);
    await env.settle(store);
    store = await env.reopen(store);
    store.syncCampaign(c);
    await env.settle(store);
    expectCounters(store.counters(c.name), ALL);
    expectCounters(store.counters(c.name, 'silver'), SILVER);
  });

  it.runIf(backend.shared)('another store on the same state reports the same counters after its sync, and adds to them', async () => {
    const a = await env.open();
    const b = await env.open();
    const c = campaign(uniqueName('n-peer'));
    a.syncCampaign(c);
    b.syncCampaign(c);
    await playSequence(a, c);
    await env.settle(a);
    await env.settle(b);
    expectCounters(b.counters(c.name), ALL);
    await playSequence(b, c);
    await env.settle(b);
    await env.settle(a);
    const twice = (n: CampaignCounters): CampaignCounters => ({
      offers: n.offers.map((o) => offer(o.offerId, 2 * o.impressions, 2 * o.outcomes, 2 * o.rewards, 2 * o.deltaSum)),
      control: { decisions: 2 * n.control.decisions, outcomes: 2 * n.control.outcomes, rewards: 2 * n.control.rewards },
      treatment: { decisions: 2 * n.treatment.decisions, outcomes: 2 * n.treatment.outcomes, rewards: 2 * n.treatment.rewards },
    });
    expectCounters(a.counters(c.name), twice(ALL));
    expectCounters(b.counters(c.name, 'gold'), twice(GOLD));
  });
});
