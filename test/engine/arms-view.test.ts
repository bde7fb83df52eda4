import { describe, expect, it } from 'vitest';
import { parseCampaign } from '../../src/campaigns/schema';
import type { CampaignConfig } from '../../src/campaigns/types';
import { ScratchArmsView } from '../../src/engine/arms-view';
import { armTableWords, createArmTable } from '../../src/policies/arm-table';
import type { ArmsEntry } from '../../src/store/types';

function config(ids: string[], version = 1): CampaignConfig {
  return { ...parseCampaign({ name: 'c', offers: ids.map((id) => ({ id, prior_alpha: 2, prior_beta: 3 })) }, 'test'), version };
}

/** A table entry with `alphas[id]` as each listed offer's alpha, in the order listed. */
function entry(alphas: Record<string, number>): ArmsEntry {
  const ids = Object.keys(alphas);
  const table = createArmTable(new Float64Array(armTableWords(8)), ids.length, 8);
  ids.forEach((id, slot) => {
    table.alpha[slot] = alphas[id]!;
    table.beta[slot] = 10 + slot;
    table.priorAlpha[slot] = 2;
    table.priorBeta[slot] = 3;
  });
  return { table, slots: new Map(ids.map((id, slot) => [id, slot])) };
}

const all = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

describe('ScratchArmsView', () => {
  it('reads each offer from its slot, and a new offer at its prior', () => {
    const c = config(['a', 'b', 'new']);
    const v = new ScratchArmsView().fill(c, all(3), 3, entry({ b: 7, a: 5 }), 'k');
    expect([...v.alpha]).toEqual([5, 7, 2]);
    expect([...v.beta]).toEqual([11, 10, 3]);
  });

  it('follows a new entry of the same campaign (an offer got a slot) and a new config (offers reordered)', () => {
    const view = new ScratchArmsView();
    const c1 = config(['a', 'b', 'c']);
    const e1 = entry({ a: 5, b: 7 });
    expect([...view.fill(c1, all(3), 3, e1, 'k').alpha]).toEqual([5, 7, 2]);
    const e2 = entry({ a: 5, b: 7, c: 9 });
    expect([...view.fill(c1, all(3), 3, e2, 'k').alpha]).toEqual([5, 7, 9]);
    // The old entry is still read right after the new one was (one cache per entry).
    expect([...view.fill(c1, all(3), 3, e1, 'k').alpha]).toEqual([5, 7, 2]);
    const c2 = config(['c', 'a'], 2);
    expect([...view.fill(c2, all(2), 2, e2, 'k').alpha]).toEqual([9, 5]);
  });

  it('fills only the eligible offers, in their order', () => {
    const c = config(['a', 'b', 'c', 'd']);
    const v = new ScratchArmsView().fill(c, Int32Array.from([3, 1]), 2, entry({ a: 1, b: 2, c: 3, d: 4 }), 'k');
    expect([...v.alpha]).toEqual([4, 2]);
    expect(v.k).toBe(2);
  });

  it('says its boosts are all 1 after every fill, also a refill of the view the engine boosted', () => {
    const c = config(['a', 'b']);
    const view = new ScratchArmsView();
    const v = view.fill(c, all(2), 2, null, 'k');
    expect(v.unboosted).toBe(true);
    v.writableBoosts()[1] = 2;
    expect(v.unboosted).toBe(false);
    const again = view.fill(c, all(2), 2, null, 'k');
    expect(again.unboosted).toBe(true);
    expect([...again.boosts]).toEqual([1, 1]);
  });

  it('puts every offer at its prior without a table', () => {
    const v = new ScratchArmsView().fill(config(['a', 'b']), all(2), 2, null, 'k');
    expect([...v.alpha]).toEqual([2, 2]);
    expect([...v.beta]).toEqual([3, 3]);
    expect(v.version).toBe(0);
  });

  it('refills every offer again only where something changed: the version, the entry, the config, the order, a partial fill between', () => {
    const c = config(['a', 'b', 'c']);
    const e = entry({ a: 5, b: 6, c: 7 });
    const v = new ScratchArmsView();
    v.fill(c, all(3), 3, e, 'k');
    v.boosts[1] = 4; // the engine's boosts and levers write here after a fill
    e.table.alpha[0] = 50; // a write without a new version is not seen (the table's writers bump it)
    v.fill(c, all(3), 3, e, 'k2');
    expect([...v.alpha]).toEqual([5, 6, 7]);
    expect([...v.boosts]).toEqual([1, 1, 1]);
    expect(v.cacheKey).toBe('k2');
    e.table.meta[1]! += 1;
    v.fill(c, all(3), 3, e, 'k');
    expect([...v.alpha]).toEqual([50, 6, 7]);
    expect(v.version).toBe(e.table.meta[1]);
    e.table.alpha[1] = 60;
    v.fill(c, Int32Array.from([1]), 1, e, 'k'); // a partial fill overwrites the start of the buffers
    expect([...v.alpha]).toEqual([60]);
    v.fill(c, all(3), 3, e, 'k');
    expect([...v.alpha]).toEqual([50, 60, 7]);
    const e2 = entry({ a: 1, b: 2, c: 3 });
    v.fill(c, all(3), 3, e2, 'k');
    expect([...v.alpha]).toEqual([1, 2, 3]);
    const c2 = config(['c', 'b', 'a'], 2);
    v.fill(c2, all(3), 3, e2, 'k');
    expect([...v.alpha]).toEqual([3, 2, 1]);
    v.fill(c2, Int32Array.from([2, 1, 0]), 3, e2, 'k'); // every offer, another order
    expect([...v.alpha]).toEqual([1, 2, 3]);
    v.fill(c2, all(3), 3, null, 'k');
    expect([...v.alpha]).toEqual([2, 2, 2]);
  });
});
