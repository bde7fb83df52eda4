import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLmdbStore } from '../../src/store/lmdb-store';
import { campaign, decision, offer, tempDir, withoutCalibration } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

describe('LmdbStore restart', () => {
  it('restores arms, slots, counters, outcomes and pending default rewards after close + reopen', async () => {
    const cfg = campaign('home', { offers: [offer('a', 2, 2), offer('b')], rewardWaitMs: 1000, defaultReward: 0 });
    const t0 = 1_700_000_000_000;
    const d1 = decision('home', ['a', 'b'], { ts: t0 });
    const d2 = decision('home', ['b'], { ts: t0, segment: 'other' });
    {
      const s = await openLmdbStore({ dataDir: dir });
      s.syncCampaign(cfg);
      s.logDecision(d1);
      s.logDecision(d2);
      const r = await s.applyOutcomes([
        { decisionId: d1.id, offerId: 'a', reward: 1, timestampMs: 0 },
        { decisionId: d2.id, offerId: 'b', reward: 1, timestampMs: 0 },
      ]);
      expect(r.map((x) => x.status)).toEqual(['APPLIED', 'APPLIED']);
      await s.saveCampaign(cfg);
      await s.close();
    }
    const s = await openLmdbStore({ dataDir: dir });
    try {
      // Before any sync, the restored arena already serves the posteriors.
      const e = s.arms('home', 'all');
      expect(e).not.toBeNull();
      expect(e!.table.alpha[e!.slots.get('a')!]).toBe(3);
      expect(e!.table.beta[e!.slots.get('a')!]).toBe(2);
      expect(s.arms('home', 'other')!.table.alpha[s.arms('home', 'other')!.slots.get('b')!]).toBe(2);
      expect(s.savedCampaigns()).toEqual([cfg]);
      s.syncCampaign(cfg);
      expect(s.counters('home').offers.map(withoutCalibration)).toEqual([
        { offerId: 'a', impressions: 1, outcomes: 1, rewards: 1, deltaSum: 0.75 },
        { offerId: 'b', impressions: 2, outcomes: 1, rewards: 1, deltaSum: 0.75 },
      ]);
      expect(s.counters('home').treatment).toEqual({ decisions: 2, outcomes: 2, rewards: 2 });
      // Idempotency survives the restart.
      const dup = await s.applyOutcomes([{ decisionId: d1.id, offerId: 'a', reward: 1, timestampMs: 0 }]);
      expect(dup[0]!.status).toBe('DUPLICATE');
      // The due index survived: d1's offer b still gets its default reward, once.
      expect(await s.sweepExpired(t0 + 1000)).toBe(1);
      expect(await s.sweepExpired(t0 + 1000)).toBe(0);
      expect(e!.table.beta[e!.slots.get('b')!]).toBe(2);
    } finally {
      await s.close();
    }
    // Offers changed across restarts: a new offer gets a fresh slot, the old evidence stays.
    const s3 = await openLmdbStore({ dataDir: dir });
    try {
      s3.syncCampaign({ ...cfg, offers: [offer('a', 2, 2), offer('c', 5, 5)] });
      const e = s3.arms('home', 'all')!;
      expect([...e.slots.keys()]).toEqual(['a', 'c']);
      expect(e.table.alpha[e.slots.get('a')!]).toBe(3);
      expect(e.table.alpha[e.slots.get('c')!]).toBe(5);
      expect(e.table.k).toBe(3);
    } finally {
      await s3.close();
    }
  });
});
