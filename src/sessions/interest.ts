import type { SessionEvent, SessionInterest, SessionPlan } from './types';

/**
 * What is worth keeping: the union over every campaign's session features. A plan without features
 * reads no events, so its timeout does not lengthen the horizon.
 */
export function sessionInterest(plans: Iterable<SessionPlan>): SessionInterest {
  const types = new Map<string, Set<string>>();
  let horizonMs = 0;
  for (const p of plans) {
    if (p.features.length === 0) continue;
    horizonMs = Math.max(horizonMs, p.timeoutMs);
    for (const f of p.features) {
      horizonMs = Math.max(horizonMs, f.windowMs);
      const keys = Object.keys(f.propertyFilter);
      if (f.property !== '') keys.push(f.property);
      for (const t of f.eventTypes) {
        let set = types.get(t);
        if (set === undefined) types.set(t, (set = new Set()));
        for (const k of keys) set.add(k);
      }
    }
  }
  return { types, horizonMs };
}

const NONE: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The event with only the properties some campaign reads for its type: memory (and Redis) is spent
 * on nothing else. Both stores apply it in append, so callers hand events over as validated; an
 * event whose properties are all kept is returned as it is.
 */
export function keepProperties(e: SessionEvent, interest: SessionInterest): SessionEvent {
  const keys = interest.types.get(e.type);
  let kept: Record<string, string> | null = null;
  let all = true;
  for (const k in e.properties) {
    if (keys !== undefined && keys.has(k)) (kept ??= {})[k] = e.properties[k]!;
    else all = false;
  }
  if (all) return e;
  return { type: e.type, ts: e.ts, sessionId: e.sessionId, value: e.value, properties: kept ?? NONE };
}
