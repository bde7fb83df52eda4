import type { CampaignConfig } from '../campaigns/types';
import type { FeatureView } from '../features/store';
import type { CompiledSchema } from '../features/types';
import type { SessionValues } from '../sessions/types';
import type { ContextCache } from './contextual';
import type { CampaignSource } from './types';

/**
 * The data a trigger reads besides features and context: `model.<campaign>`, the probability the
 * active model of that campaign gives this customer (its best offer's; a propensity model imported
 * into a one-offer campaign such as `abandonment` is the usual case). null when the campaign does
 * not exist or has no active model, so a rule can test for it. Only the models the trigger names
 * are scored (CampaignConfig.triggerModels), and only when a trigger is evaluated.
 */
export function triggerModelScores(
  c: CampaignConfig,
  campaigns: CampaignSource,
  contexts: ContextCache,
  schema: CompiledSchema,
  view: FeatureView,
  context: Readonly<Record<string, string>>,
  session: SessionValues | null,
): Record<string, number | null> {
  const out: Record<string, number | null> = Object.create(null) as Record<string, number | null>;
  for (const name of c.triggerModels) {
    const mc = name === c.name ? c : campaigns.get(name);
    if (mc === undefined || mc.model === null || mc.model === undefined) {
      out[name] = null;
      continue;
    }
    const cc = contexts.get(mc, schema);
    if (cc.scorer === null) {
      out[name] = null;
      continue;
    }
    cc.buildX(view, context, session);
    const all = allOffers(mc.offers.length);
    const scores = cc.scoreModel(all, all.length);
    let best = 0;
    for (let j = 0; j < scores.length; j++) if (scores[j]! > best) best = scores[j]!;
    out[name] = best;
  }
  return out;
}

const identity = new Map<number, Int32Array>();

function allOffers(n: number): Int32Array {
  let a = identity.get(n);
  if (a === undefined) {
    a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    if (identity.size < 64) identity.set(n, a);
  }
  return a;
}
