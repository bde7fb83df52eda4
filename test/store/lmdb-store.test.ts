import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openLmdbStore, type LmdbStore } from '../../src/store/lmdb-store';
import { campaign, decision, offer, tempDir, withoutCalibration } from './helpers';

let dir: string;
let cleanup: () => void;
let store: LmdbStore;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  store = await openLmdbStore({ dataDir: dir });
});
afterEach(async () => {
  await store.close();
  cleanup();
});

function slotOf(s: LmdbStore, c: string, seg: string, offerId: string): { alpha: number; beta: number } {
  const entry = s.arms(c, seg);
  if (!entry) throw new Error(`no table for ${c}/${seg}`);
  const slot = entry.slots.get(offerId);
  if (slot === undefined) throw new Error(`no slot for ${offerId}`);
  return { alpha: entry.table.alpha[slot]!, beta: entry.table.beta[slot]! };
}

describe('LmdbStore outcomes', () => {
  it('applies an outcome: posterior moves, delta is reward - predicted, counters count it', async () => {
    store.syncCampaign(campaign('home', { offers: [offer('a', 2, 3), offer('b')] }));
    const d = decision('home', ['a', 'b']);
    store.logDecision(d);
    await store.flush();
    const [r] = await store.applyOutcomes([{ decisionId: d.id, offerId: 'a', reward: 1, timestampMs: 0 }]);
    expect(r).toEqual({ status: 'APPLIED', delta: 0.75, detail: '' });
    expect(slotOf(store, 'home', 'all', 'a')).toEqual({ alpha: 3, beta: 3 });
    expect(slotOf(store, 'home', 'all', 'b')).toEqual({ alpha: 1, beta: 1 });
    const c = store.counters('home');
    expect(c.offers.map(withoutCalibration)).toEqual([
      { offerId: 'a', impressions: 1, outcomes: 1, rewards: 1, deltaSum: 0.75 },
      { offerId: 'b', impressions: 1, outcomes: 0, rewards: 0, deltaSum: 0 },
    ]);
    expect(c.treatment).toEqual({ decisions: 1, outcomes: 1, rewards: 1 });
    expect(c.control).toEqual({ decisions: 0, outcomes: 0, rewards: 0 });
  });

  it('reports duplicates, also within one batch, and counts them once', async () => {
    store.syncCampaign(campaign('home'));
    const d = decision('home', ['a']);
    store.logDecision(d);
    const o = { decisionId: d.id, offerId: 'a', reward: 0, timestampMs: 0 };
    const first = await store.applyOutcomes([o, o]);
    expect(first.map((r) => r.status)).toEqual(['APPLIED', 'DUPLICATE']);
    expect(first[1]!.delta).toBe(0);
    const again = await store.applyOutcomes([{ ...o, reward: 1 }]);
    expect(again[0]!.status).toBe('DUPLICATE');
    expect(slotOf(store, 'home', 'all', 'a')).toEqual({ alpha: 1, beta: 2 });
    expect(store.counters('home').offers[0]).toMatchObject({ outcomes: 1, rewards: 0 });
  });

  it('groups concurrent callers and keeps per-caller order and results', async () => {
    store.syncCampaign(campaign('home'));
    const ds = Array.from({ length: 20 }, () => decision('home', ['a', 'b']));
    for (const d of ds) store.logDecision(d);
    const calls = ds.map((d, i) => store.applyOutcomes([{ decisionId: d.id, offerId: i % 2 ? 'a' : 'b', reward: 1, timestampMs: 0 }]));
    const dup = store.applyOutcomes([{ decisionId: ds[0]!.id, offerId: 'b', reward: 1, timestampMs: 0 }]);
    const results = await Promise.all(calls);
    expect(results.every((r) => r.length === 1 && r[0]!.status === 'APPLIED')).toBe(true);
    expect((await dup)[0]!.status).toBe('DUPLICATE');
    expect(slotOf(store, 'home', 'all', 'a').alpha).toBe(11);
    expect(slotOf(store, 'home', 'all', 'b').alpha).toBe(11);
  });

  it('rejects unknown decisions, offers not shown and bad rewards', async () => {
    store.syncCampaign(campaign('home'));
    const d = decision('home', ['a', 'b']);
    store.logDecision(d);
    const res = await store.applyOutcomes([
      { decisionId: 'no-such-decision', offerId: 'a', reward: 1, timestampMs: 0 },
      { decisionId: d.id, offerId: 'c', reward: 1, timestampMs: 0 },
      { decisionId: d.id, offerId: 'a', reward: -1, timestampMs: 0 },
      { decisionId: d.id, offerId: 'a', reward: Number.NaN, timestampMs: 0 },
      { decisionId: d.id, offerId: 'a', reward: Number.POSITIVE_INFINITY, timestampMs: 0 },
      { decisionId: d.id, offerId: '', reward: 1, timestampMs: 0 },
      { decisionId: '', offerId: 'a', reward: 1, timestampMs: 0 },
    ]);
    expect(res.map((r) => r.status)).toEqual(['UNKNOWN_DECISION', 'INVALID', 'INVALID', 'INVALID', 'INVALID', 'INVALID', 'INVALID']);
    expect(res[1]!.detail).toMatch(/not shown/);
    expect(store.counters('home').treatment.outcomes).toBe(0);
    // Nothing was recorded: a valid outcome for the same pair still applies.
    const ok = await store.applyOutcomes([{ decisionId: d.id, offerId: 'a', reward: 1, timestampMs: 0 }]);
    expect(ok[0]!.status).toBe('APPLIED');
  });

  it('counts control decisions for uplift but leaves the posterior alone', async () => {
    store.syncCampaign(campaign('home'));
    const t = decision('home', ['a']);
    const c = decision('home', ['a'], { control: true });
    store.logDecision(t);
    store.logDecision(c);
    const res = await store.applyOutcomes([
      { decisionId: c.id, offerId: 'a', reward: 1, timestampMs: 0 },
    ]);
    expect(res[0]!.status).toBe('APPLIED');
    expect(res[0]!.delta).toBe(0.75);
    expect(store.arms('home', 'all')).toBeNull();
    const counters = store.counters('home');
    expect(counters.control).toEqual({ decisions: 1, outcomes: 1, rewards: 1 });
    expect(counters.treatment).toEqual({ decisions: 1, outcomes: 0, rewards: 0 });
    expect(counters.offers[0]).toMatchObject({ offerId: 'a', impressions: 1, outcomes: 0 });
  });

  it('finds a decision whose log batch is not committed yet', async () => {
    store.syncCampaign(campaign('home'));
    const d = decision('home', ['a']);
    store.logDecision(d);
    // Same tick: the decision is only queued.
    expect(store.metrics().pendingDecisions).toBe(1);
    const res = await store.applyOutcomes([{ decisionId: d.id, offerId: 'a', reward: 1, timestampMs: 0 }]);
    expect(res[0]!.status).toBe('APPLIED');
    expect(store.metrics().pendingDecisions).toBe(0);
  });

  it('keeps posteriors per segment', async () => {
    store.syncCampaign(campaign('home'));
    const d1 = decision('home', ['a'], { segment: 'saver' });
    const d2 = decision('home', ['a'], { segment: 'spender' });
    store.logDecision(d1);
    store.logDecision(d2);
    await store.applyOutcomes([
      { decisionId: d1.id, offerId: 'a', reward: 1, timestampMs: 0 },
      { decisionId: d2.id, offerId: 'a', reward: 0, timestampMs: 0 },
    ]);
    expect(slotOf(store, 'home', 'saver', 'a')).toEqual({ alpha: 2, beta: 1 });
    expect(slotOf(store, 'home', 'spender', 'a')).toEqual({ alpha: 1, beta: 2 });
    expect(store.counters('home', 'saver').offers[0]).toMatchObject({ rewards: 1, outcomes: 1 });
    expect(store.counters('home').offers[0]).toMatchObject({ rewards: 1, outcomes: 2, impressions: 2 });
  });

  it('counts an outcome for an offer removed since the decision but leaves the posterior alone', async () => {
    store.syncCampaign(campaign('home'));
    const d = decision('home', ['a', 'c']);
    store.logDecision(d);
    await store.flush();
    store.syncCampaign(campaign('home', { offers: [offer('a'), offer('b')] }));
    const res = await store.applyOutcomes([{ decisionId: d.id, offerId: 'c', reward: 1, timestampMs: 0 }]);
    expect(res[0]).toMatchObject({ status: 'APPLIED', delta: 0.75 });
    expect(res[0]!.detail).toMatch(/posterior unchanged/);
    expect(store.arms('home', 'all')).toBeNull(); // no posterior was touched, so none was created
    expect(store.counters('home').treatment.outcomes).toBe(1);
  });

  it('exports decisions from an id on, per campaign, with their rewards', async () => {
    store.syncCampaign(campaign('home'));
    store.syncCampaign(campaign('other'));
    const ds = [decision('home', ['a']), decision('other', ['a']), decision('home', ['a', 'b']), decision('home', ['c'])];
    for (const d of ds) store.logDecision(d);
    await store.applyOutcomes([{ decisionId: ds[2]!.id, offerId: 'b', reward: 0.5, timestampMs: 123 }]);
    const got = [];
    for await (const e of store.decisions({ from: ds[1]!.id, campaign: 'home' })) got.push(e);
    expect(got.map((e) => e.id)).toEqual([ds[2]!.id, ds[3]!.id]);
    expect(got[0]).toEqual({ ...ds[2], outcomes: { b: 0.5 } });
    expect(got[1]!.outcomes).toEqual({});
  });

  it('rejects a non-array', async () => {
    await expect(store.applyOutcomes('x' as unknown as [])).rejects.toThrow(TypeError);
  });
});

describe('LmdbStore default rewards', () => {
  it('applies the default reward once; a late real outcome is EXPIRED and not counted', async () => {
    store.syncCampaign(campaign('wait', { rewardWaitMs: 1000, defaultReward: 0 }));
    const t0 = 1_700_000_000_000;
    const d = decision('wait', ['a', 'b'], { ts: t0 });
    const fresh = decision('wait', ['a'], { ts: t0 + 5000 });
    store.logDecision(d);
    store.logDecision(fresh);
    // b gets a real outcome before the wait passes.
    await store.applyOutcomes([{ decisionId: d.id, offerId: 'b', reward: 1, timestampMs: 0 }]);
    expect(await store.sweepExpired(t0 + 999)).toBe(0);
    expect(await store.sweepExpired(t0 + 1000)).toBe(1);
    expect(await store.sweepExpired(t0 + 2000)).toBe(0);
    expect(slotOf(store, 'wait', 'all', 'a')).toEqual({ alpha: 1, beta: 2 });
    const late = await store.applyOutcomes([{ decisionId: d.id, offerId: 'a', reward: 1, timestampMs: 0 }]);
    expect(late[0]!.status).toBe('EXPIRED');
    expect(late[0]!.delta).toBe(0);
    expect(slotOf(store, 'wait', 'all', 'a')).toEqual({ alpha: 1, beta: 2 });
    const counters = store.counters('wait');
    expect(counters.offers[0]).toMatchObject({ offerId: 'a', outcomes: 1, rewards: 0 });
    expect(counters.offers[1]).toMatchObject({ offerId: 'b', outcomes: 1, rewards: 1 });
    // The fresh decision is swept when its own wait passes.
    expect(await store.sweepExpired(t0 + 6000)).toBe(1);
    const exported = [];
    for await (const e of store.decisions({ campaign: 'wait' })) exported.push(e);
    expect(exported.map((e) => e.outcomes)).toEqual([{ a: 0, b: 1 }, { a: 0 }]);
  });

  it('sweeps a decision logged in the same group (reads see the open transaction)', async () => {
    store.syncCampaign(campaign('wait', { rewardWaitMs: 10, defaultReward: 0.5 }));
    const d = decision('wait', ['a', 'b'], { ts: 1000 });
    store.logDecision(d);
    const [swept, late] = await Promise.all([
      store.sweepExpired(2000),
      store.applyOutcomes([{ decisionId: d.id, offerId: 'a', reward: 1, timestampMs: 0 }]),
    ]);
    expect(swept).toBe(2);
    expect(late[0]!.status).toBe('EXPIRED');
    expect(store.counters('wait').treatment).toEqual({ decisions: 1, outcomes: 2, rewards: 1 });
  });

  it('sweeps a group of decisions logged together no earlier than the last is due, and at most sweepLimit per call', async () => {
    const limited = await openLmdbStore({ dataDir: join(dir, 'limited'), sweepLimit: 2 });
    try {
      limited.syncCampaign(campaign('wait', { rewardWaitMs: 1000, defaultReward: 0 }));
      const t0 = 1_700_000_000_000;
      // Five decisions 0-40 ms apart: one due entry (DUE_GROUP_SPAN_MS), keyed by the last due time.
      for (let i = 0; i < 5; i++) limited.logDecision(decision('wait', ['a'], { ts: t0 + i * 10 }));
      // And one 10 s later, in the same batch but its own group.
      limited.logDecision(decision('wait', ['a'], { ts: t0 + 10_000 }));
      expect(await limited.sweepExpired(t0 + 1000 + 39)).toBe(0);
      expect(await limited.sweepExpired(t0 + 1000 + 40)).toBe(2);
      expect(await limited.sweepExpired(t0 + 1000 + 40)).toBe(2);
      expect(await limited.sweepExpired(t0 + 1000 + 40)).toBe(1);
      expect(await limited.sweepExpired(t0 + 1000 + 40)).toBe(0);
      expect(await limited.sweepExpired(t0 + 11_000)).toBe(1);
      expect(limited.counters('wait').treatment).toEqual({ decisions: 6, outcomes: 6, rewards: 0 });
    } finally {
      await limited.close();
    }
  });

  it('leaves campaigns without a reward wait alone', async () => {
    store.syncCampaign(campaign('nowait'));
    store.logDecision(decision('nowait', ['a'], { ts: 1 }));
    expect(await store.sweepExpired(Date.now())).toBe(0);
  });
});

describe('LmdbStore campaigns and options', () => {
  it('saves, lists and deletes campaigns', async () => {
    await store.saveCampaign(campaign('x'));
    await store.saveCampaign(campaign('y', { description: 'why' }));
    expect(store.savedCampaigns().map((c) => c.name)).toEqual(['x', 'y']);
    expect(store.savedCampaigns()[1]).toEqual(campaign('y', { description: 'why' }));
    await store.deleteCampaign('x');
    expect(store.savedCampaigns().map((c) => c.name)).toEqual(['y']);
  });

  it('checks options', async () => {
    await expect(openLmdbStore({ dataDir: '' })).rejects.toThrow('options.dataDir must be a non-empty string');
    await expect(openLmdbStore({ dataDir: 3 as unknown as string })).rejects.toThrow(TypeError);
    await expect(openLmdbStore({ dataDir: dir, decisionBatchSize: 0 })).rejects.toThrow('options.decisionBatchSize must be a positive integer');
    await expect(openLmdbStore({ dataDir: dir, ackOn: 'never' as 'flushed' })).rejects.toThrow(RangeError);
  });
});
