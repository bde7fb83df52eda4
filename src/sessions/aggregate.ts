import type { SessionEvent, SessionFeatureSpec, SessionPlan, SessionValues } from './types';

/**
 * A campaign's session features from a customer's kept events (oldest first), at time `now`.
 *
 * The current session is the run of newest events with no gap longer than `timeoutMs` between
 * neighbours, none between the newest event and now, and no change of a non-empty session id (an
 * event whose id differs from the next newer one's, both non-empty, belongs to an earlier session).
 * A session that has timed out is empty: counts, sums and distinct counts 0, `last` and
 * `time_since_last_ms` null. Within it a feature reads the events of its types whose properties
 * match its filter and, with windowMs > 0, that happened after now - windowMs. An event stamped
 * slightly in the future counts as happening now.
 */
export function sessionValues(plan: SessionPlan, events: readonly SessionEvent[], now: number): SessionValues {
  const out = emptyValues(plan);
  const n = events.length;
  if (n === 0 || plan.features.length === 0) return out;
  const timeout = plan.timeoutMs;
  if (now - events[n - 1]!.ts > timeout) return out;
  const features = plan.features;
  const distinct: (Set<string> | null)[] = features.map((f) => (f.aggregate === 'distinct_count' ? new Set<string>() : null));
  const seenLast: boolean[] = features.map(() => false);
  for (let i = n - 1; i >= 0; i--) {
    const e = events[i]!;
    if (i < n - 1) {
      const newer = events[i + 1]!;
      if (newer.ts - e.ts > timeout) break;
      if (e.sessionId !== '' && newer.sessionId !== '' && e.sessionId !== newer.sessionId) break;
    }
    const ts = e.ts > now ? now : e.ts;
    for (let f = 0; f < features.length; f++) {
      const spec = features[f]!;
      if (!matches(spec, e, ts, now)) continue;
      switch (spec.aggregate) {
        case 'count':
          (out[spec.name] as number)++;
          break;
        case 'sum':
          out[spec.name] = (out[spec.name] as number) + e.value;
          break;
        case 'last':
          if (!seenLast[f]) {
            seenLast[f] = true;
            out[spec.name] = Object.prototype.hasOwnProperty.call(e.properties, spec.property) ? e.properties[spec.property]! : null;
          }
          break;
        case 'time_since_last_ms':
          if (!seenLast[f]) {
            seenLast[f] = true;
            out[spec.name] = now - ts;
          }
          break;
        case 'distinct_count': {
          const v = Object.prototype.hasOwnProperty.call(e.properties, spec.property) ? e.properties[spec.property] : undefined;
          if (v !== undefined) distinct[f]!.add(v);
          break;
        }
      }
    }
  }
  for (let f = 0; f < features.length; f++) if (distinct[f] !== null) out[features[f]!.name] = distinct[f]!.size;
  return out;
}

function matches(spec: SessionFeatureSpec, e: SessionEvent, ts: number, now: number): boolean {
  if (!spec.eventTypes.includes(e.type)) return false;
  if (spec.windowMs > 0 && ts <= now - spec.windowMs) return false;
  for (const k in spec.propertyFilter) {
    if (!Object.prototype.hasOwnProperty.call(e.properties, k) || e.properties[k] !== spec.propertyFilter[k]) return false;
  }
  return true;
}

/** The values of a session with no matching event. */
export function emptyValues(plan: SessionPlan): SessionValues {
  const out: SessionValues = {};
  for (const f of plan.features) out[f.name] = f.aggregate === 'last' || f.aggregate === 'time_since_last_ms' ? null : 0;
  return out;
}
