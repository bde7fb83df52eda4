/** Campaign YAML files for the offer-count variants, written into a temporary campaigns directory. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';

export const benchCampaignName = (offers: number): string => `bench-${offers}`;

/** A Thompson campaign with `offers` offers and nothing that would add per-request state (no fatigue). */
export function benchCampaign(offers: number): Record<string, unknown> {
  if (!Number.isInteger(offers) || offers <= 0) throw new RangeError('offers must be a positive integer');
  const framings = ['gain', 'urgency', 'neutral', 'loss'];
  return {
    name: benchCampaignName(offers),
    description: `Benchmark campaign with ${offers} offers`,
    policy: 'thompson',
    offers: Array.from({ length: offers }, (_, i) => ({
      id: `offer-${String(i).padStart(4, '0')}`,
      attributes: { framing: framings[i % framings.length], channel: 'web,app' },
    })),
    control_share: 0,
    reward_wait_ms: 3_600_000,
    default_reward: 0,
  };
}

/** bench-<offers> plus three session features (issue 15) and no trigger: every Decide pays the aggregation. */
export function benchSessionCampaign(offers: number): Record<string, unknown> {
  return {
    ...benchCampaign(offers),
    name: `bench-session-${offers}`,
    description: `Benchmark campaign with ${offers} offers and three session features`,
    session_features: [
      { name: 'pricing_views', event_types: ['view_pricing'], aggregate: 'count', window_ms: 600_000 },
      { name: 'cart_value', event_types: ['add_to_cart'], aggregate: 'sum' },
      { name: 'last_plan', event_types: ['view_pricing'], aggregate: 'last', property: 'plan' },
    ],
  };
}

/** Writes one file per offer count; returns the directory. */
export function writeBenchCampaigns(dir: string, offerCounts: readonly number[]): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const n of offerCounts) {
    fs.writeFileSync(path.join(dir, `${benchCampaignName(n)}.yaml`), stringify(benchCampaign(n)));
  }
  fs.writeFileSync(path.join(dir, 'bench-session-100.yaml'), stringify(benchSessionCampaign(100)));
  return dir;
}
