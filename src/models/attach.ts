import type { CampaignConfig, OfferConfig } from '../campaigns/types';
import { VectorBuilder } from '../contextual/vector';
import { ModelScorer } from './scorer';
import type { ActiveModel, StoredModel } from './types';

/**
 * The campaign with a model attached (or detached: model null). With model_use: prior, offers start
 * from the model's predicted reward probability p as a Beta prior worth `modelPriorWeight` virtual
 * observations: alpha = p w, beta = (1 - p) w. p is the model's score for a customer with every
 * feature at its default (a prior is per offer, not per customer). The store keeps learned evidence
 * when priors change (arena.syncOffers shifts alpha/beta by the prior's difference).
 */
export function withModel(c: CampaignConfig, stored: StoredModel | null): CampaignConfig {
  const base: readonly (readonly [number, number])[] =
    c.model?.basePriors ?? c.offers.map((o) => [o.priorAlpha, o.priorBeta] as const);
  let offers: OfferConfig[] = c.offers.map((o, i) => {
    const b = base[i] ?? [o.priorAlpha, o.priorBeta];
    return { ...o, priorAlpha: b[0], priorBeta: b[1] };
  });
  if (stored === null) return { ...c, offers, model: null };
  let model: ActiveModel = { version: stored.version, spec: stored.spec };
  if (c.modelUse === 'prior' && c.modelPriorWeight > 0) {
    const builder = new VectorBuilder(c.features ?? [], null);
    const x = builder.buildFrom({}, new Float64Array(builder.dim));
    const scorer = new ModelScorer(stored.spec, builder.names, c.offers);
    const idx = Int32Array.from(c.offers.keys());
    const p = new Float64Array(c.offers.length);
    scorer.scoreOffers(x, idx, idx.length, p);
    const w = c.modelPriorWeight;
    // Clamped away from 0 and 1: a Beta shape must be > 0.
    offers = offers.map((o, i) => {
      const q = Math.min(Math.max(p[i]!, 1e-6), 1 - 1e-6);
      return { ...o, priorAlpha: q * w, priorBeta: (1 - q) * w };
    });
    model = { ...model, basePriors: base.map((b) => [b[0], b[1]] as const) };
  }
  return { ...c, offers, model };
}
