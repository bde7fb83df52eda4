import type { EngineRequest } from '../engine/types';
import type { LearningStore } from '../store/types';

/**
 * Fatigue is decided on the main thread, which owns the contact history: the offers the customer must
 * not see now travel with the request to the worker, which treats them like exclusions (and can say
 * why). Costs one Map lookup per Decide when the customer has history (an LMDB read on a cache miss).
 */
export function withFatigue(store: LearningStore, req: EngineRequest, now: number = Date.now()): EngineRequest {
  const f = store.fatigue?.(req.campaign, req.customerId, now) ?? null;
  return f === null ? req : { ...req, fatigued: f };
}
