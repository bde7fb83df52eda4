import { describe, expect, it } from 'vitest';
import { sessionInterest } from '../../src/sessions/interest';
import { MemorySessionStore } from '../../src/sessions/memory';
import type { SessionEvent, SessionPlan } from '../../src/sessions/types';

const plan: SessionPlan = {
  timeoutMs: 60_000,
  features: [{ name: 'views', eventTypes: ['view'], propertyFilter: { page: 'pricing' }, aggregate: 'last', property: 'plan', windowMs: 0 }],
};
const ev = (ts: number, more: Partial<SessionEvent> = {}): SessionEvent => ({ type: 'view', ts, sessionId: '', value: 0, properties: {}, ...more });
const MiB = 1024 * 1024;

function store(maxBytes = MiB, maxEventsPerCustomer = 8): MemorySessionStore {
  const s = new MemorySessionStore({ maxBytes, maxEventsPerCustomer });
  s.setInterest(sessionInterest([plan]));
  return s;
}

describe('MemorySessionStore', () => {
  it('checks its options', () => {
    expect(() => new MemorySessionStore({ maxBytes: '1' as unknown as number, maxEventsPerCustomer: 1 })).toThrow(new TypeError('options.maxBytes must be a number'));
    expect(() => new MemorySessionStore({ maxBytes: 10, maxEventsPerCustomer: 1 })).toThrow(new RangeError('options.maxBytes must be an integer >= 1048576 (1 MiB)'));
    expect(() => new MemorySessionStore({ maxBytes: MiB, maxEventsPerCustomer: 0 })).toThrow(new RangeError('options.maxEventsPerCustomer must be an integer in [1, 65535]'));
  });

  it('keeps only wanted types and the properties campaigns read', () => {
    const s = store();
    const now = Date.now();
    s.appendNow('a', [ev(now, { properties: { plan: 'pro', page: 'pricing', noise: 'x'.repeat(100) } }), ev(now, { type: 'scroll' })], now);
    expect(s.read('a', now)).toEqual([ev(now, { properties: { plan: 'pro', page: 'pricing' } })]);
    expect(s.wants('scroll')).toBe(false);
  });

  it('keeps the newest N in time order, inserting late arrivals in place', () => {
    const s = store(MiB, 3);
    const now = Date.now();
    s.appendNow('a', [ev(now - 50), ev(now - 10)], now);
    s.appendNow('a', [ev(now - 30)], now);
    expect(s.read('a', now).map((e) => now - e.ts)).toEqual([50, 30, 10]);
    s.appendNow('a', [ev(now - 5), ev(now - 1)], now);
    expect(s.read('a', now).map((e) => now - e.ts)).toEqual([10, 5, 1]);
  });

  it('drops events older than the horizon', () => {
    const s = store();
    const now = Date.now();
    s.appendNow('a', [ev(now - 120_000), ev(now - 1000)], now);
    expect(s.read('a', now)).toHaveLength(1);
    expect(s.read('a', now + 61_000)).toHaveLength(0);
  });

  it('evicts the least recently used customers beyond the bound, and counts them', () => {
    const s = store(MiB);
    const now = Date.now();
    const props = { page: 'pricing', plan: 'p'.repeat(1000) };
    for (let i = 0; i < 2000; i++) {
      s.appendNow(`c${i}`, [ev(now, { properties: props })], now);
      if (i === 10) s.read('c0', now); // c0 is used: it outlives c1..c9
    }
    const st = s.stats();
    expect(st.bytes).toBeLessThanOrEqual(MiB);
    expect(st.evictions).toBe(2000 - st.customers);
    expect(st.evictions).toBeGreaterThan(0);
    expect(s.read('c1', now)).toEqual([]);
    expect(s.read('c1999', now)).toHaveLength(1);
  });

  it('forget removes the customer and its bytes', async () => {
    const s = store();
    const now = Date.now();
    s.appendNow('a', [ev(now)], now);
    expect(s.stats().bytes).toBeGreaterThan(0);
    await s.forget('a');
    expect(s.read('a', now)).toEqual([]);
    expect(s.stats()).toEqual({ customers: 0, evictions: 0, bytes: 0 });
  });
});
