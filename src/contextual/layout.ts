import type { CampaignConfig, RouteConfig } from '../campaigns/types';
import { CONTEXTUAL_POLICIES } from '../policies/names';
import { readContextualParams } from '../policies/logistic-thompson';
import { columnNames } from './vector';

/**
 * Where a campaign's contextual weights live in the learning store: a companion entry of the
 * posterior arena named `~ctx~<campaign>` (never a campaign name: those cannot contain "~"), segment
 * "", one slot per (offer, column) keyed `<offer>\u0000<column>`, with alpha = weight mean m and
 * beta = weight precision q (priorAlpha / priorBeta: the prior). Reusing the arena gives workers
 * zero-copy reads and LMDB persistence in the outcome transactions without a second mechanism.
 */
export const CONTEXTUAL_PREFIX = '~ctx~';
export const CONTEXTUAL_SEGMENT = '';

export function contextualName(campaign: string): string {
  return CONTEXTUAL_PREFIX + campaign;
}

export function weightSlotId(offerId: string, column: string): string {
  return `${offerId}\u0000${column}`;
}

/** The route whose parameters configure the contextual weights (first logistic-thompson route). */
export function contextualRoute(c: CampaignConfig): RouteConfig | null {
  for (const r of c.routing) if (CONTEXTUAL_POLICIES.includes(r.policy)) return r;
  return null;
}

export interface ContextualSettings {
  readonly columns: readonly string[];
  readonly priorPrecision: number;
  readonly batchSize: number;
}

/** Null when no route of the campaign runs a contextual policy. */
export function contextualSettings(c: CampaignConfig): ContextualSettings | null {
  const r = contextualRoute(c);
  if (r === null) return null;
  const params = r.policy === c.policy ? { ...c.policyParams, ...r.params } : r.params;
  const { priorPrecision, batchSize } = readContextualParams(params);
  return { columns: columnNames(c.features ?? []), priorPrecision, batchSize };
}
