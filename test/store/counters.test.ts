import { describe, expect, it } from 'vitest';
import { CounterBook } from '../../src/store/counters';
import { SeriesBook } from '../../src/store/series';
import type { ShownOffer } from '../../src/store/types';

const shown = (...ids: string[]): ShownOffer[] => ids.map((offerId) => ({ offerId, score: 0.5, probability: 0.2, propensity: 0.5 }));

describe('CounterBook offer lookups (an index beside the stored record)', () => {
  it('counts into a restored record, not into a second copy of its offers', () => {
    const book = new CounterBook();
    book.decision('c', '', false, shown('a', 'constructor'));
    const [{ record }] = book.drainDirty();
    const restored = new CounterBook();
    restored.restore('c', '', record);
    restored.decision('c', '', false, shown('a', 'constructor', 'b'));
    restored.outcome('c', '', false, 'a', 1, 0.8);
    const snap = restored.snapshot('c', '', ['a', 'b', 'constructor']);
    expect(snap.offers.map((o) => [o.offerId, o.impressions, o.outcomes])).toEqual([
      ['a', 2, 1],
      ['b', 1, 0],
      ['constructor', 2, 0],
    ]);
    // What is stored holds plain own data properties only: no index inside it.
    const [{ record: stored }] = restored.drainDirty();
    expect(Object.keys(stored.offers).sort()).toEqual(['a', 'b', 'constructor']);
    expect(Object.keys(stored)).toEqual(['offers', 'control', 'treatment']);
  });
});

describe('SeriesBook offer lookups', () => {
  it('adds requeued deltas and new decisions into one offer entry', () => {
    const book = new SeriesBook();
    book.decision('c', false, shown('a', 'toString'), 60_000);
    const drained = book.drain();
    book.decision('c', false, shown('a'), 60_001);
    // A failed commit puts the drained deltas back into the pending bucket.
    book.requeue(drained);
    book.decision('c', false, shown('a', 'toString'), 60_002);
    const [{ bucket }] = book.drain();
    expect(Object.keys(bucket.offers).sort()).toEqual(['a', 'toString']);
    expect(bucket.offers['a']!.impressions).toBe(3);
    expect(bucket.offers['toString']!.impressions).toBe(2);
    expect(bucket.treatment.decisions).toBe(3);
  });
});
