/** What the suite measures: the main scenario and its variants, and the profiles that choose among them. */
import type { RequestSetOptions } from './loadgen/requests';
import { benchCampaignName } from './campaign-files';

export interface Scenario {
  readonly id: string;
  readonly label: string;
  /** Offers in the campaign the requests name. */
  readonly offers: number;
  /** true: customers c0000..c9999 (in LMDB from the demo data); false: ids with no stored record. */
  readonly features: boolean;
  /** NUDGE_* overrides for this scenario's Nudge process. */
  readonly env: Readonly<Record<string, string>>;
  /** Full sweep of rates, or only the rates of the variant list (usually 1,000 req/s). */
  readonly sweep: boolean;
}

/** Defaults of the main scenario: the target is judged on 100 offers with features from LMDB. */
export const MAIN_SCENARIO: Scenario = Object.freeze({
  id: 'main',
  label: '100 offers, features from LMDB, server defaults',
  offers: 100,
  features: true,
  env: Object.freeze({}),
  sweep: true,
});

export function variantScenarios(): Scenario[] {
  const v = (id: string, label: string, over: Partial<Scenario>): Scenario => ({ ...MAIN_SCENARIO, id, label, sweep: false, ...over });
  return [
    v('offers-10', '10 offers', { offers: 10 }),
    v('offers-1000', '1,000 offers', { offers: 1000 }),
    v('no-features', '100 offers, customers absent from LMDB', { features: false }),
    v('mode-inline', 'NUDGE_MODE=inline', { env: { NUDGE_MODE: 'inline' } }),
    v('mode-pool', 'NUDGE_MODE=pool', { env: { NUDGE_MODE: 'pool' } }),
    v('batch-1', 'NUDGE_MAX_BATCH=1', { env: { NUDGE_MAX_BATCH: '1' } }),
    v('batch-16', 'NUDGE_MAX_BATCH=16', { env: { NUDGE_MAX_BATCH: '16' } }),
    v('batch-64', 'NUDGE_MAX_BATCH=64', { env: { NUDGE_MAX_BATCH: '64' } }),
    v('kernel-fallback', 'NUDGE_NATIVE=0 (TypeScript kernel)', { env: { NUDGE_NATIVE: '0' } }),
  ];
}

/** Variants kept by --quick: one per question, the cheapest informative ones. */
export const QUICK_VARIANTS: readonly string[] = ['offers-1000', 'no-features', 'mode-inline', 'mode-pool', 'batch-1', 'kernel-fallback'];

export function requestsFor(s: Scenario): Partial<RequestSetOptions> {
  return {
    campaign: benchCampaignName(s.offers),
    // Demo customers are c0000..c9999; "x" ids are never in the feature store.
    customerPrefix: s.features ? 'c' : 'x',
    customers: 10_000,
    numOffers: 3,
  };
}
