import { afterEach, describe, expect, it } from 'vitest';
import { exportDecisionLog } from '../../src/store/export';
import { openLmdbStore } from '../../src/store/lmdb-store';
import type { ExportedDecision } from '../../src/store/export';
import { campaign, decision, tempDir } from './helpers';

describe('decision log export', () => {
  const t = tempDir();
  afterEach(() => undefined);

  it('reads every decision with its outcomes, in id order, filtered by campaign and start id', async () => {
    const store = await openLmdbStore({ dataDir: t.dir });
    store.syncCampaign(campaign('c1'));
    store.syncCampaign(campaign('c2'));
    const d1 = decision('c1', ['a', 'b']);
    const d2 = decision('c2', ['c']);
    const d3 = decision('c1', ['b']);
    for (const d of [d1, d2, d3]) store.logDecision(d);
    const acks = await store.applyOutcomes([
      { decisionId: d1.id, offerId: 'b', reward: 1, timestampMs: 0 },
      { decisionId: d3.id, offerId: 'b', reward: 0, timestampMs: 0 },
    ]);
    expect(acks.map((a) => a.status)).toEqual(['APPLIED', 'APPLIED']);
    await store.close();

    const all: ExportedDecision[] = [];
    expect(await exportDecisionLog(t.dir, {}, (d) => void all.push(d))).toBe(3);
    expect(all.map((d) => d.id)).toEqual([d1.id, d2.id, d3.id]);
    expect(all[0].outcomes).toEqual({ b: 1 });
    expect(all[1].outcomes).toEqual({});
    expect(all[0].offers.map((o) => o.offerId)).toEqual(['a', 'b']);

    const c1: string[] = [];
    await exportDecisionLog(t.dir, { campaign: 'c1', from: d2.id }, (d) => void c1.push(d.id));
    expect(c1).toEqual([d3.id]);
    t.cleanup();
  });

  it('names the directory when there is no learning state', async () => {
    await expect(exportDecisionLog('/nonexistent-nudge-dir', {}, () => undefined)).rejects.toThrow(/no learning state at/);
  });
});
