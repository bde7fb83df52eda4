import { describe, expect, it } from 'vitest';
import type { LearningStore } from '../../../src/store/types';
import { backends, campaign, decision, uniqueName, useBackend } from './factories';

/**
 * ContactStore: fatigue(campaign, customer, now) under the campaign's fatigue rules (src/fatigue/history.ts,
 * FatigueConfig in src/campaigns/types.ts), fed by logDecision (impressions) and outcomes (ignored runs).
 */

const WINDOW = 60_000;

function fatigue(store: LearningStore, campaignName: string, customerId: string, now: number): Record<string, string> | null {
  expect(store.fatigue, 'the store keeps contact history').toBeTypeOf('function');
  return store.fatigue!(campaignName, customerId, now);
}

/** The fatigued offers (ids, sorted), [] when fatigue() answers null. */
const fatigued = (v: Record<string, string> | null): string[] => Object.keys(v ?? {}).sort();

describe.each(backends())('ContactStore contract: $name', (backend) => {
  const env = useBackend(backend);

  it('lists an offer once its impressions reach max_per_offer within the window, for that customer only', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('f-offer'), { fatigue: { max_per_offer: 2, window_ms: WINDOW } });
    store.syncCampaign(c);
    const t0 = Date.now();
    expect(fatigue(store, c.name, 'ann', t0)).toBeNull();
    store.logDecision(decision(c.name, ['x', 'y'], { customerId: 'ann', ts: t0 }));
    expect(fatigued(fatigue(store, c.name, 'ann', t0 + 1))).toEqual([]);
    store.logDecision(decision(c.name, ['x'], { customerId: 'ann', ts: t0 + 1 }));
    const v = fatigue(store, c.name, 'ann', t0 + 2);
    expect(fatigued(v)).toEqual(['x']);
    expect(v!['x']).toBe(`offer cap: 2 impressions per ${WINDOW} ms reached`);
    expect(fatigue(store, c.name, 'bob', t0 + 2)).toBeNull();
    await env.settle(store);
    expect(fatigued(fatigue(store, c.name, 'ann', t0 + 2))).toEqual(['x']);
    // Once the window has passed the older impressions no longer count.
    expect(fatigued(fatigue(store, c.name, 'ann', t0 + WINDOW))).toEqual([]);
    expect(fatigued(fatigue(store, c.name, 'ann', t0 + WINDOW + 2))).toEqual([]);
    // A third impression of y makes y fatigued too (its first one was at t0).
    store.logDecision(decision(c.name, ['y'], { customerId: 'ann', ts: t0 + 3 }));
    expect(fatigued(fatigue(store, c.name, 'ann', t0 + 4))).toEqual(['x', 'y']);
  });

  it('lists every offer once the customer\'s impressions reach max_per_campaign within the window', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('f-campaign'), { fatigue: { max_per_campaign: 3, window_ms: WINDOW } });
    store.syncCampaign(c);
    const t0 = Date.now();
    store.logDecision(decision(c.name, ['x'], { customerId: 'ann', ts: t0 }));
    store.logDecision(decision(c.name, ['y'], { customerId: 'ann', ts: t0 }));
    expect(fatigue(store, c.name, 'ann', t0 + 1)).toBeNull();
    store.logDecision(decision(c.name, ['x'], { customerId: 'ann', ts: t0 + 1 }));
    const v = fatigue(store, c.name, 'ann', t0 + 2);
    expect(fatigued(v)).toEqual(['x', 'y', 'z']);
    expect(v!['z']).toBe(`campaign cap: 3 impressions per ${WINDOW} ms reached`);
    expect(fatigue(store, c.name, 'bob', t0 + 2)).toBeNull();
  });

  it('does not count control decisions as impressions', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('f-control'), { fatigue: { max_per_offer: 1, window_ms: WINDOW } });
    store.syncCampaign(c);
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) store.logDecision(decision(c.name, ['x'], { customerId: 'ann', ts: t0, control: true }));
    await env.settle(store);
    expect(fatigue(store, c.name, 'ann', t0 + 1)).toBeNull();
    store.logDecision(decision(c.name, ['x'], { customerId: 'ann', ts: t0 }));
    expect(fatigued(fatigue(store, c.name, 'ann', t0 + 1))).toEqual(['x']);
  });

  it('answers null for a campaign without fatigue rules and for a campaign it has not synced', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('f-none'));
    store.syncCampaign(c);
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) store.logDecision(decision(c.name, ['x', 'y', 'z'], { customerId: 'ann', ts: t0 }));
    await env.settle(store);
    expect(fatigue(store, c.name, 'ann', t0 + 1)).toBeNull();
    expect(fatigue(store, uniqueName('f-unknown'), 'ann', t0 + 1)).toBeNull();
  });

  it('rests an offer for cooldown_ms after cooldown_after_ignored outcomes without a reward in a row', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('f-cool'), { fatigue: { cooldown_after_ignored: 2, cooldown_ms: WINDOW } });
    store.syncCampaign(c);
    const t0 = Date.now();
    const recs = Array.from({ length: 4 }, () => decision(c.name, ['x', 'y'], { customerId: 'ann', ts: t0 }));
    for (const r of recs) store.logDecision(r);
    // x: ignored, then rewarded (the run resets), then ignored twice: resting. y: ignored once.
    const res = await store.applyOutcomes([
      { decisionId: recs[0]!.id, offerId: 'x', reward: 0, timestampMs: 0 },
      { decisionId: recs[1]!.id, offerId: 'x', reward: 1, timestampMs: 0 },
      { decisionId: recs[2]!.id, offerId: 'x', reward: 0, timestampMs: 0 },
      { decisionId: recs[0]!.id, offerId: 'y', reward: 0, timestampMs: 0 },
    ]);
    expect(res.map((r) => r.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED', 'APPLIED']);
    await env.settle(store);
    expect(fatigue(store, c.name, 'ann', Date.now())).toBeNull();
    expect((await store.applyOutcomes([{ decisionId: recs[3]!.id, offerId: 'x', reward: 0, timestampMs: 0 }]))[0]!.status).toBe('APPLIED');
    await env.settle(store);
    const now = Date.now();
    const v = fatigue(store, c.name, 'ann', now);
    expect(fatigued(v)).toEqual(['x']);
    expect(v!['x']).toMatch(/^cooling down until .* after 2 ignored impressions$/);
    expect(fatigue(store, c.name, 'ann', now + WINDOW + 1000)).toBeNull();
    expect(fatigue(store, c.name, 'bob', now)).toBeNull();
  });

  it('counts a default reward of 0 after the reward wait as an ignored impression', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('f-cool-default'), { reward_wait_ms: 1000, default_reward: 0, fatigue: { cooldown_after_ignored: 1, cooldown_ms: WINDOW } });
    store.syncCampaign(c);
    const now = Date.now();
    store.logDecision(decision(c.name, ['y'], { customerId: 'ann', ts: now - 5000 }));
    await env.settle(store);
    expect(await store.sweepExpired(now)).toBe(1);
    await env.settle(store);
    expect(fatigued(fatigue(store, c.name, 'ann', Date.now()))).toEqual(['y']);
  });

  it('keeps contact history when the store is reopened', async () => {
    let store = await env.open();
    const c = campaign(uniqueName('f-reopen'), { fatigue: { max_per_offer: 2, window_ms: WINDOW } });
    store.syncCampaign(c);
    const t0 = Date.now();
    store.logDecision(decision(c.name, ['x'], { customerId: 'ann', ts: t0 }));
    store.logDecision(decision(c.name, ['x', 'y'], { customerId: 'ann', ts: t0 }));
    await env.settle(store);
    expect(fatigued(fatigue(store, c.name, 'ann', t0 + 1))).toEqual(['x']);
    store = await env.reopen(store);
    store.syncCampaign(c);
    // A shared store fetches a customer's history in the background on first sight (docs/scaling.md).
    fatigue(store, c.name, 'ann', t0 + 1);
    await env.settle(store);
    expect(fatigued(fatigue(store, c.name, 'ann', t0 + 1))).toEqual(['x']);
    store.logDecision(decision(c.name, ['y'], { customerId: 'ann', ts: t0 + 1 }));
    expect(fatigued(fatigue(store, c.name, 'ann', t0 + 2))).toEqual(['x', 'y']);
  });

  if (backend.shared) {
    it('another store on the same state sees the impressions logged by the first', async () => {
      const a = await env.open();
      const b = await env.open();
      const c = campaign(uniqueName('f-peer'), { fatigue: { max_per_offer: 2, window_ms: WINDOW } });
      a.syncCampaign(c);
      b.syncCampaign(c);
      const t0 = Date.now();
      a.logDecision(decision(c.name, ['x'], { customerId: 'ann', ts: t0 }));
      b.logDecision(decision(c.name, ['x'], { customerId: 'ann', ts: t0 }));
      await Promise.all([env.settle(a), env.settle(b)]);
      // Each has met ann (logging her impression); a look-up a refresh later (syncMs, 50 ms here)
      // fetches and merges what the other recorded.
      await new Promise((r) => setTimeout(r, 60));
      fatigue(a, c.name, 'ann', t0 + 1);
      fatigue(b, c.name, 'ann', t0 + 1);
      await Promise.all([env.settle(a), env.settle(b)]);
      expect(fatigued(fatigue(a, c.name, 'ann', t0 + 1))).toEqual(['x']);
      expect(fatigued(fatigue(b, c.name, 'ann', t0 + 1))).toEqual(['x']);
    });
  }
});
