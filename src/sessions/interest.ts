import type { SessionEvent, SessionInterest, SessionPlan } from './types';

/** What is worth keeping: the union over every campaign's session features. */
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

/** The event with only the properties some campaign reads for its type (memory is spent on nothing else). */
export function keepProperties(e: SessionEvent, interest: SessionInterest): SessionEvent {
  const keys = interest.types.get(e.type);
  if (keys === undefined || keys.size === 0) return e.properties === NONE ? e : { ...e, properties: NONE };
  let kept: Record<string, string> | null = null;
  for (const k of keys) {
    if (Object.prototype.hasOwnProperty.call(e.properties, k)) (kept ??= {})[k] = e.properties[k]!;
  }
  return { ...e, properties: kept ?? NONE };
}
