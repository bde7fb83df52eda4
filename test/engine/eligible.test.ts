import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCampaign } from '../../src/campaigns/schema';
import type { CampaignConfig } from '../../src/campaigns/types';
import { EligibleOffers } from '../../src/engine/eligible';

/** A campaign of n offers o0..o(n-1); with `ruled`, offer o1 is eligible only for tier "gold". */
function config(n: number, ruled: boolean): CampaignConfig {
  const offers = Array.from({ length: n }, (_, i) => ({
    id: `o${i}`,
    ...(ruled && i === 1 ? { eligibility: { '==': [{ var: 'tier' }, 'gold'] } } : {}),
  }));
  return parseCampaign({ name: `c${n}${ruled ? 'r' : ''}`, offers }, 'test');
}

/** The plain pass over the offers that EligibleOffers must agree with. */
function reference(c: CampaignConfig, exclude: string[], fatigued: Record<string, string> | null, tier: string): number[] {
  return c.offers.flatMap((o, i) => {
    if (exclude.includes(o.id)) return [];
    if (fatigued !== null && Object.hasOwn(fatigued, o.id)) return [];
    if (o.eligibility !== null && tier !== 'gold') return [];
    return [i];
  });
}

const configs = [1, 3, 8, 20, 40].flatMap((n) => [config(n, false), config(n, true)]);

describe('EligibleOffers', () => {
  it('agrees with a plain pass over the offers across any sequence of calls, also after compaction', () => {
    const call = fc.record({
      c: fc.integer({ min: 0, max: configs.length - 1 }),
      // Mostly nothing excluded or fatigued: the every-offer case, whose scratch carries over.
      exclude: fc.oneof(fc.constant([]), fc.constant([]), fc.array(fc.integer({ min: 0, max: 45 }).map((i) => `o${i}`), { maxLength: 12 })),
      fatigued: fc.option(fc.array(fc.integer({ min: 0, max: 45 }).map((i) => `o${i}`), { maxLength: 3 }), { nil: null, freq: 2 }),
      tier: fc.constantFrom('gold', 'basic'),
      compact: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 30 }), (calls) => {
        const set = new EligibleOffers();
        for (const x of calls) {
          const c = configs[x.c]!;
          const fatigued = x.fatigued === null ? null : Object.fromEntries(x.fatigued.map((id) => [id, 'cap']));
          const k = set.fill(c, x.exclude, fatigued, () => ({ tier: x.tier }));
          expect(Array.from(set.indices.subarray(0, k))).toEqual(reference(c, x.exclude, fatigued, x.tier));
          if (x.compact && k > 1) {
            // What applyThresholds does: drop the first index, move the rest down.
            set.indices.copyWithin(0, 1, k);
            set.compacted();
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
