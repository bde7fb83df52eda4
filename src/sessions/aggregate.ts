import type { SessionAggregate, SessionEvent, SessionPlan, SessionValues } from './types';

/**
 * A campaign's session features from a customer's kept events (oldest first), at time `now`
 * (docs/events-storage.md, "When a session ends").
 *
 * Times are first capped at now: an event stamped slightly in the future counts as happening now,
 * for gaps and windows alike.
 *
 * The current session is the run of newest events with no gap longer than `timeoutMs` between
 * neighbours nor between the newest event and now, and at most one non-empty session id: walking
 * back from the newest event, the session ends before the first event whose non-empty session id
 * differs from the nearest newer non-empty one (events without an id belong to the session around
 * them). When now - newest > timeoutMs the session is over and every feature is empty: count, sum
 * and distinct_count 0, last and time_since_last_ms null.
 *
 * Within the session a feature reads the events whose type is in its eventTypes, whose properties
 * equal every entry of its propertyFilter and, with windowMs > 0, whose time is > now - windowMs:
 * count = how many; sum = their values (added oldest first); last = `property` of the newest (null
 * when it lacks it); time_since_last_ms = now - the newest's time; distinct_count = distinct values
 * of `property` (events without it do not count). Empty selections give the empty values above.
 *
 * On the Decide path: one backward pass finds the session, then each feature scans only its part;
 * besides the result it allocates nothing (one Set is reused for distinct_count; a plan is compiled
 * once, on its first use).
 */
export function sessionValues(plan: SessionPlan, events: readonly SessionEvent[], now: number): SessionValues {
  const compiled = compile(plan);
  const out: SessionValues = { ...compiled.empty };
  const n = events.length;
  const features = compiled.features;
  if (n === 0 || features.length === 0) return out;
  const timeout = plan.timeoutMs;
  let later = at(events[n - 1]!, now);
  if (now - later > timeout) return out;
  let sid = events[n - 1]!.sessionId;
  let start = n - 1;
  for (let i = n - 2; i >= 0; i--) {
    const e = events[i]!;
    const ts = at(e, now);
    if (later - ts > timeout) break;
    if (e.sessionId !== '') {
      if (sid === '') sid = e.sessionId;
      else if (e.sessionId !== sid) break;
    }
    start = i;
    later = ts;
  }
  for (let f = 0; f < features.length; f++) {
    const c = features[f]!;
    let lo = start;
    if (c.windowMs > 0) {
      const after = now - c.windowMs;
      lo = n;
      while (lo > start && at(events[lo - 1]!, now) > after) lo--;
    }
    switch (c.aggregate) {
      case 'count': {
        let k = 0;
        for (let i = lo; i < n; i++) if (matches(c, events[i]!)) k++;
        out[c.name] = k;
        break;
      }
      case 'sum': {
        let s = 0;
        for (let i = lo; i < n; i++) {
          const e = events[i]!;
          if (matches(c, e)) s += e.value;
        }
        out[c.name] = s;
        break;
      }
      case 'last':
      case 'time_since_last_ms': {
        for (let i = n - 1; i >= lo; i--) {
          const e = events[i]!;
          if (!matches(c, e)) continue;
          if (c.aggregate === 'time_since_last_ms') out[c.name] = now - at(e, now);
          else out[c.name] = Object.hasOwn(e.properties, c.property) ? e.properties[c.property]! : null;
          break;
        }
        break;
      }
      case 'distinct_count': {
        const seen = distinct;
        for (let i = lo; i < n; i++) {
          const e = events[i]!;
          if (matches(c, e) && Object.hasOwn(e.properties, c.property)) seen.add(e.properties[c.property]!);
        }
        out[c.name] = seen.size;
        seen.clear();
        break;
      }
    }
  }
  return out;
}

/** A feature spec laid out for the scan: the filter as parallel arrays, one type without a search. */
interface Compiled {
  readonly name: string;
  readonly aggregate: SessionAggregate;
  readonly property: string;
  readonly windowMs: number;
  /** The only event type, or null when there are several (then `types`). */
  readonly type: string | null;
  readonly types: readonly string[];
  readonly filterKeys: readonly string[];
  readonly filterValues: readonly string[];
}

interface CompiledPlan {
  readonly features: readonly Compiled[];
  /** emptyValues(plan), copied for each result (a copy keeps the template's shape). */
  readonly empty: SessionValues;
}

/** Plans and specs are immutable and long-lived (one per campaign version): compile each once. */
const compiledPlans = new WeakMap<SessionPlan, CompiledPlan>();

function compile(plan: SessionPlan): CompiledPlan {
  let c = compiledPlans.get(plan);
  if (c === undefined) {
    c = {
      features: plan.features.map((f) => ({
        name: f.name,
        aggregate: f.aggregate,
        property: f.property,
        windowMs: f.windowMs,
        type: f.eventTypes.length === 1 ? f.eventTypes[0]! : null,
        types: [...f.eventTypes],
        filterKeys: Object.keys(f.propertyFilter),
        filterValues: Object.values(f.propertyFilter),
      })),
      empty: emptyValues(plan),
    };
    compiledPlans.set(plan, c);
  }
  return c;
}

/** Reused by every distinct_count (sessionValues does not re-enter). */
const distinct = new Set<string>();

function at(e: SessionEvent, now: number): number {
  return e.ts > now ? now : e.ts;
}

function matches(c: Compiled, e: SessionEvent): boolean {
  if (c.type !== null ? e.type !== c.type : !c.types.includes(e.type)) return false;
  const keys = c.filterKeys;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (!Object.hasOwn(e.properties, k) || e.properties[k] !== c.filterValues[i]) return false;
  }
  return true;
}

/** The values of a session with no matching event. */
export function emptyValues(plan: SessionPlan): SessionValues {
  const out: SessionValues = {};
  for (const f of plan.features) out[f.name] = f.aggregate === 'last' || f.aggregate === 'time_since_last_ms' ? null : 0;
  return out;
}
