import type { CampaignConfig } from '../campaigns/types';
import type { CampaignSource, EngineRequest } from '../engine/types';
import { sessionValues } from '../sessions/aggregate';
import type { SessionEvent, SessionPlan, SessionStore } from '../sessions/types';

/**
 * Session features are computed on the main thread, which owns the session store (as it owns the
 * contact history for fatigue): the values travel with the request to the engine, which reads them
 * as session.<name> in rules and as `source: session` features. A campaign without session
 * features costs one Map lookup.
 */
export interface SessionInput {
  readonly store: SessionStore;
  readonly campaigns: CampaignSource;
  /** Clock (ms since epoch); tests may fix it. */
  readonly now?: () => number;
}

const plans = new WeakMap<CampaignConfig, SessionPlan>();

export function planOf(c: CampaignConfig): SessionPlan {
  let p = plans.get(c);
  if (p === undefined) {
    p = { timeoutMs: c.sessionTimeoutMs, features: c.sessionFeatures };
    plans.set(c, p);
  }
  return p;
}

/** The request with its session values (synchronously from memory, a promise with Redis). */
export function withSession(si: SessionInput, req: EngineRequest): EngineRequest | Promise<EngineRequest> {
  const c = si.campaigns.get(req.campaign);
  if (c === undefined || c.sessionFeatures.length === 0) return req;
  const now = si.now?.() ?? Date.now();
  const plan = planOf(c);
  const events = si.store.read(req.customerId, now);
  const attach = (ev: readonly SessionEvent[]): EngineRequest => ({ ...req, session: sessionValues(plan, ev, now) });
  return events instanceof Promise ? events.then(attach) : attach(events);
}
