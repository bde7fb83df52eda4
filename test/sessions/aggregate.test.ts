import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyValues, sessionValues } from '../../src/sessions/aggregate';
import type { SessionEvent, SessionFeatureSpec, SessionPlan, SessionValues } from '../../src/sessions/types';

const NOW = 1_000_000_000;
const ev = (type: string, agoMs: number, more: Partial<SessionEvent> = {}): SessionEvent => ({ type, ts: NOW - agoMs, sessionId: '', value: 0, properties: {}, ...more });
const f = (name: string, aggregate: SessionFeatureSpec['aggregate'], more: Partial<SessionFeatureSpec> = {}): SessionFeatureSpec => ({
  name,
  eventTypes: ['view'],
  propertyFilter: {},
  aggregate,
  property: aggregate === 'last' || aggregate === 'distinct_count' ? 'plan' : '',
  windowMs: 0,
  ...more,
});
const plan = (features: SessionFeatureSpec[], timeoutMs = 30 * 60_000): SessionPlan => ({ timeoutMs, features });

describe('sessionValues by hand', () => {
  const features = [
    f('views', 'count'),
    f('recent', 'count', { windowMs: 60_000 }),
    f('spent', 'sum', { eventTypes: ['cart'] }),
    f('plan', 'last'),
    f('since', 'time_since_last_ms'),
    f('plans', 'distinct_count'),
    f('pro_views', 'count', { propertyFilter: { plan: 'pro' } }),
  ];
  const events = [
    ev('view', 300_000, { properties: { plan: 'basic' } }),
    ev('cart', 200_000, { value: 12.5 }),
    ev('view', 50_000, { properties: { plan: 'pro' } }),
    ev('cart', 40_000, { value: 7.5 }),
    ev('view', 10_000, { properties: {} }),
    ev('other', 5_000),
  ];

  it('computes every aggregate', () => {
    expect(sessionValues(plan(features), events, NOW)).toEqual({ views: 3, recent: 2, spent: 20, plan: null, since: 10_000, plans: 2, pro_views: 1 });
  });

  it('a timed-out session is empty', () => {
    expect(sessionValues(plan(features, 4_000), events, NOW)).toEqual(emptyValues(plan(features)));
    expect(emptyValues(plan(features))).toEqual({ views: 0, recent: 0, spent: 0, plan: null, since: null, plans: 0, pro_views: 0 });
  });

  it('a gap longer than the timeout starts the session after it', () => {
    // Timeout 100 s: the gap 200 s -> 50 s ends the earlier session.
    expect(sessionValues(plan(features, 100_000), events, NOW)).toMatchObject({ views: 2, spent: 7.5, plans: 1 });
  });

  it('a new session id starts a new session; an empty id does not', () => {
    const withIds = [ev('view', 30_000, { sessionId: 's1' }), ev('view', 20_000, { sessionId: 's2' }), ev('view', 10_000, { sessionId: '' })];
    expect(sessionValues(plan([f('views', 'count')]), withIds, NOW)).toEqual({ views: 2 });
  });

  it('an event slightly in the future counts as now', () => {
    expect(sessionValues(plan([f('since', 'time_since_last_ms'), f('recent', 'count', { windowMs: 1000 })]), [ev('view', -500)], NOW)).toEqual({ since: 0, recent: 1 });
  });
});

/** The definition, written the slow way: find the session, then filter per feature. */
function bruteForce(p: SessionPlan, events: readonly SessionEvent[], now: number): SessionValues {
  const out = emptyValues(p);
  if (events.length === 0 || now - events[events.length - 1]!.ts > p.timeoutMs) return out;
  let start = events.length - 1;
  while (start > 0) {
    const a = events[start - 1]!;
    const b = events[start]!;
    if (b.ts - a.ts > p.timeoutMs || (a.sessionId !== '' && b.sessionId !== '' && a.sessionId !== b.sessionId)) break;
    start--;
  }
  const session = events.slice(start);
  for (const spec of p.features) {
    const m = session.filter(
      (e) =>
        spec.eventTypes.includes(e.type) &&
        (spec.windowMs === 0 || Math.min(e.ts, now) > now - spec.windowMs) &&
        Object.entries(spec.propertyFilter).every(([k, v]) => e.properties[k] === v),
    );
    const newest = m[m.length - 1];
    if (spec.aggregate === 'count') out[spec.name] = m.length;
    else if (spec.aggregate === 'sum') out[spec.name] = m.reduce((s, e) => s + e.value, 0);
    else if (spec.aggregate === 'last') out[spec.name] = newest === undefined ? null : (newest.properties[spec.property] ?? null);
    else if (spec.aggregate === 'time_since_last_ms') out[spec.name] = newest === undefined ? null : now - Math.min(newest.ts, now);
    else out[spec.name] = new Set(m.map((e) => e.properties[spec.property]).filter((v) => v !== undefined)).size;
  }
  return out;
}

describe('sessionValues against the definition', () => {
  const eventArb = fc.record({
    type: fc.constantFrom('view', 'cart', 'other'),
    gap: fc.integer({ min: 0, max: 120_000 }),
    sessionId: fc.constantFrom('', '', 's1', 's2'),
    value: fc.integer({ min: 0, max: 100 }),
    plan: fc.option(fc.constantFrom('basic', 'pro', 'team'), { nil: undefined }),
  });
  const specArb = fc.record({
    aggregate: fc.constantFrom('count', 'sum', 'last', 'time_since_last_ms', 'distinct_count') as fc.Arbitrary<SessionFeatureSpec['aggregate']>,
    types: fc.subarray(['view', 'cart'], { minLength: 1 }),
    windowMs: fc.constantFrom(0, 30_000, 200_000),
    filter: fc.constantFrom({}, { plan: 'pro' }),
  });

  it('agrees on random event lists', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), fc.array(specArb, { minLength: 1, maxLength: 4 }), fc.constantFrom(60_000, 300_000), fc.integer({ min: -1000, max: 200_000 }), (raw, specs, timeoutMs, lastAgo) => {
        // Times from the gaps, oldest first, ending lastAgo before now.
        const total = raw.reduce((s, r) => s + r.gap, 0);
        let t = NOW - lastAgo - total;
        const events: SessionEvent[] = raw.map((r) => {
          t += r.gap;
          return { type: r.type, ts: t, sessionId: r.sessionId, value: r.value, properties: r.plan === undefined ? {} : { plan: r.plan } };
        });
        const p = plan(
          specs.map((s, i) => f(`f${i}`, s.aggregate, { eventTypes: s.types, windowMs: s.windowMs, propertyFilter: s.filter })),
          timeoutMs,
        );
        expect(sessionValues(p, events, NOW)).toEqual(bruteForce(p, events, NOW));
      }),
      { numRuns: 500, seed: 15 },
    );
  });
});
