import { afterEach, describe, expect, it } from 'vitest';
import { openLmdbStore, type LmdbStore } from '../../src/store/lmdb-store';
import { BUCKET_MS, bucketStart } from '../../src/store/series';
import { SeriesWindows } from '../../src/server/series-window';
import { campaign, decision, tempDir } from '../store/helpers';

/** The sliding sum over a real store's buckets equals a fresh sum over the same minutes. */
describe('SeriesWindows', () => {
  const cleanups: Array<() => void> = [];
  const stores: LmdbStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const c of cleanups.splice(0)) c();
  });

  it('adds the minutes that enter the window and subtracts those that leave it', async () => {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const store = await openLmdbStore({ dataDir: dir.dir });
    stores.push(store);
    const c = campaign('win');
    store.syncCampaign(c);
    const t0 = bucketStart(Date.now()) - 30 * BUCKET_MS;
    // Decisions count in the minute of their own time: 1 at t0, 2 at t0 + 3 min, 4 at t0 + 6 min.
    const at = (minute: number, n: number): void => {
      for (let i = 0; i < n; i++) store.logDecision(decision(c.name, ['x'], { ts: t0 + minute * BUCKET_MS + 1000 }));
    };
    at(0, 1);
    at(3, 2);
    at(6, 4);
    await store.flush();
    const windows = new SeriesWindows(store);
    const decisionsAt = async (minute: number, windowMin: number): Promise<number> =>
      (await windows.sum(c.name, windowMin * BUCKET_MS, t0 + minute * BUCKET_MS + 5000)).bucket.treatment.decisions;
    const fresh = async (minute: number, windowMin: number): Promise<number> =>
      (await new SeriesWindows(store).sum(c.name, windowMin * BUCKET_MS, t0 + minute * BUCKET_MS + 5000)).bucket.treatment.decisions;

    expect(await decisionsAt(0, 5)).toBe(1);
    expect(await decisionsAt(3, 5)).toBe(3);
    expect(await decisionsAt(5, 5)).toBe(2); // minute 0 left the window [1, 5]
    expect(await decisionsAt(6, 5)).toBe(6);
    expect(await decisionsAt(9, 5)).toBe(4);
    expect(await decisionsAt(20, 5)).toBe(0);
    for (const m of [0, 3, 5, 6, 9, 20]) expect(await fresh(m, 5), `minute ${m}`).toBe([1, 3, 2, 6, 4, 0][[0, 3, 5, 6, 9, 20].indexOf(m)]);
    // Another window length is kept apart.
    expect(await decisionsAt(6, 60)).toBe(7);
  });
});
