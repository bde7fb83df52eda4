import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { sessionInterest } from '../../src/sessions/interest';
import { MemorySessionStore } from '../../src/sessions/memory';
import type { SessionEvent, SessionPlan } from '../../src/sessions/types';

const plan: SessionPlan = {
  timeoutMs: 60_000,
  features: [
    { name: 'plan', eventTypes: ['view'], propertyFilter: { page: 'pricing' }, aggregate: 'last', property: 'plan', windowMs: 0 },
    { name: 'carts', eventTypes: ['cart'], propertyFilter: {}, aggregate: 'sum', property: '', windowMs: 0 },
  ],
};
const HORIZON = 60_000;
const ev = (ts: number, more: Partial<SessionEvent> = {}): SessionEvent => ({ type: 'view', ts, sessionId: '', value: 0, properties: {}, ...more });
const MiB = 1024 * 1024;
const T0 = 1_700_000_000_000;

function store(maxBytes = MiB, maxEventsPerCustomer = 8): MemorySessionStore {
  const s = new MemorySessionStore({ maxBytes, maxEventsPerCustomer });
  s.setInterest(sessionInterest([plan]));
  return s;
}
const ago = (s: MemorySessionStore, id: string, now: number): number[] => s.read(id, now).map((e) => now - e.ts);

describe('MemorySessionStore options', () => {
  it('refuses a wrong type with a TypeError and a bad value with a RangeError', () => {
    const make = (o: unknown) => () => new MemorySessionStore(o as { maxBytes: number; maxEventsPerCustomer: number });
    expect(make(null)).toThrow(new TypeError('options must be an object'));
    expect(make({ maxBytes: '1', maxEventsPerCustomer: 1 })).toThrow(new TypeError('options.maxBytes must be a number'));
    expect(make({ maxBytes: MiB })).toThrow(new TypeError('options.maxEventsPerCustomer must be a number'));
    expect(make({ maxBytes: 10, maxEventsPerCustomer: 1 })).toThrow(new RangeError('options.maxBytes must be an integer >= 1048576 (1 MiB), got 10'));
    expect(make({ maxBytes: MiB + 0.5, maxEventsPerCustomer: 1 })).toThrow(new RangeError('options.maxBytes must be an integer >= 1048576 (1 MiB), got 1048576.5'));
    expect(make({ maxBytes: Number.NaN, maxEventsPerCustomer: 1 })).toThrow(new RangeError('options.maxBytes must be an integer >= 1048576 (1 MiB), got NaN'));
    expect(make({ maxBytes: MiB, maxEventsPerCustomer: 0 })).toThrow(new RangeError('options.maxEventsPerCustomer must be an integer in [1, 65535], got 0'));
    expect(make({ maxBytes: MiB, maxEventsPerCustomer: 65536 })).toThrow(new RangeError('options.maxEventsPerCustomer must be an integer in [1, 65535], got 65536'));
    expect(make({ maxBytes: MiB, maxEventsPerCustomer: 2.5 })).toThrow(new RangeError('options.maxEventsPerCustomer must be an integer in [1, 65535], got 2.5'));
    expect(make({ maxBytes: MiB, maxEventsPerCustomer: 65535 })).not.toThrow();
  });
});

describe('MemorySessionStore', () => {
  it('keeps only wanted types and the properties campaigns read', () => {
    const s = store();
    const now = T0;
    s.appendNow('a', [ev(now, { properties: { plan: 'pro', page: 'pricing', noise: 'x'.repeat(100) } }), ev(now, { type: 'scroll' }), ev(now, { type: 'cart', value: 2.5, properties: { plan: 'x' } })], now);
    expect(s.read('a', now)).toEqual([ev(now, { properties: { plan: 'pro', page: 'pricing' } }), ev(now, { type: 'cart', value: 2.5 })]);
    expect(s.wants('scroll')).toBe(false);
    expect(s.wants('cart')).toBe(true);
  });

  it('follows a new interest: types it adds are kept from then on', () => {
    const s = store();
    s.appendNow('a', [ev(T0, { type: 'search' })], T0);
    expect(s.read('a', T0)).toEqual([]);
    s.setInterest(sessionInterest([{ timeoutMs: HORIZON, features: [{ ...plan.features[0]!, name: 's', eventTypes: ['search'] }] }]));
    s.appendNow('a', [ev(T0, { type: 'search' })], T0);
    expect(s.read('a', T0)).toEqual([ev(T0, { type: 'search' })]);
  });

  it('keeps the newest maxEventsPerCustomer, by time', () => {
    const s = store(MiB, 3);
    const now = T0;
    s.appendNow('a', [ev(now - 50), ev(now - 40), ev(now - 30), ev(now - 20)], now);
    expect(ago(s, 'a', now)).toEqual([40, 30, 20]);
    s.appendNow('a', [ev(now - 5), ev(now - 45)], now);
    expect(ago(s, 'a', now)).toEqual([30, 20, 5]);
  });

  it('keeps time order when events arrive out of order (within and across appends); equal times keep arrival order', () => {
    const s = store(MiB, 16);
    const now = T0;
    s.appendNow('a', [ev(now - 10), ev(now - 50), ev(now - 30)], now);
    expect(ago(s, 'a', now)).toEqual([50, 30, 10]);
    s.appendNow('a', [ev(now - 40), ev(now - 1), ev(now - 60)], now);
    expect(ago(s, 'a', now)).toEqual([60, 50, 40, 30, 10, 1]);
    s.appendNow('a', [ev(now - 30, { type: 'cart', value: 1 }), ev(now - 30, { type: 'cart', value: 2 })], now);
    expect(s.read('a', now).filter((e) => e.ts === now - 30).map((e) => e.value)).toEqual([0, 1, 2]);
  });

  it('drops events older than the horizon on append and on read; a customer with none left is gone', () => {
    const s = store();
    const now = T0;
    s.appendNow('a', [ev(now - HORIZON - 1), ev(now - HORIZON), ev(now - 1000)], now);
    expect(ago(s, 'a', now)).toEqual([HORIZON, 1000]);
    expect(ago(s, 'a', now + 1)).toEqual([1000 + 1]);
    const before = s.stats();
    expect(before.customers).toBe(1);
    expect(s.read('a', now + HORIZON)).toEqual([]);
    expect(s.stats().customers).toBe(0);
    expect(s.stats().bytes).toBeLessThan(before.bytes);
    expect(s.stats().evictions).toBe(0);
  });

  it('sweeps expired customers from the least recently used end as others append', () => {
    const s = store();
    for (let i = 0; i < 4; i++) s.appendNow(`old${i}`, [ev(T0)], T0);
    const later = T0 + HORIZON + 1;
    s.appendNow('new0', [ev(later)], later);
    s.appendNow('new1', [ev(later)], later);
    expect(s.stats()).toMatchObject({ customers: 2, evictions: 0 });
  });

  it('tells customers apart: prefixes, non-ASCII and long ids', () => {
    const s = store();
    const ids = ['a', 'ab', 'b', 'é', 'ée', '日本', '😀', 'x'.repeat(300), 'x'.repeat(299), ''];
    ids.forEach((id, i) => s.appendNow(id, [ev(T0 - i, { properties: { page: 'pricing', plan: `p-${id}-é` } })], T0));
    ids.forEach((id, i) => expect(s.read(id, T0)).toEqual([ev(T0 - i, { properties: { page: 'pricing', plan: `p-${id}-é` } })]));
    expect(s.read('x'.repeat(298), T0)).toEqual([]);
    expect(s.stats().customers).toBe(ids.length);
  });

  it('evicts the least recently used customers beyond the bound, counts them, and never passes the bound', () => {
    const s = store(MiB);
    const props = { page: 'pricing', plan: 'p'.repeat(900) };
    const id = (i: number): string => `c${String(i).padStart(4, '0')}`;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      s.appendNow(id(i), [ev(T0, { properties: props })], T0);
      if (i % 100 === 0) expect(s.read(id(0), T0)).toHaveLength(1); // c0000 keeps being used: it outlives c0001...
      expect(s.stats().bytes).toBeLessThanOrEqual(MiB);
    }
    const st = s.stats();
    expect(st.evictions).toBeGreaterThan(0);
    expect(st.evictions).toBe(n - st.customers);
    // Kept: c0000 (read every 100 appends) and the newest customers - 1; gone: everything between.
    const firstKept = n - (st.customers - 1);
    const kept = Array.from({ length: n }, (_, i) => i).filter((i) => s.read(id(i), T0).length === 1);
    expect(kept).toEqual([0, ...Array.from({ length: st.customers - 1 }, (_, k) => firstKept + k)]);
  });

  it('evicts the least recently used first when a new customer comes in at the bound', () => {
    const s = store(MiB);
    const props = { page: 'pricing', plan: 'p'.repeat(900) };
    let i = 0;
    while (s.stats().evictions === 0) s.appendNow(`c${String(i++).padStart(4, '0')}`, [ev(T0, { properties: props })], T0);
    const full = s.stats().customers;
    // Recency now: c0001 oldest ... newest. Touch c0001 and c0002 (c0002 last), then add two.
    s.read('c0002', T0);
    s.read('c0001', T0);
    s.appendNow('n1', [ev(T0, { properties: props })], T0);
    s.appendNow('n2', [ev(T0, { properties: props })], T0);
    expect(s.stats()).toMatchObject({ customers: full, evictions: 3 });
    expect(['c0003', 'c0004', 'c0005', 'c0001', 'c0002'].map((c) => s.read(c, T0).length)).toEqual([0, 0, 1, 1, 1]);
  });

  it('a single customer larger than the bound is not kept, and the bound holds', () => {
    const s = store(MiB, 2000);
    const big = Array.from({ length: 1500 }, (_, k) => ev(T0 - k, { properties: { page: 'pricing', plan: 'v'.repeat(1000) } }));
    s.appendNow('small', [ev(T0)], T0);
    s.appendNow('huge', big, T0);
    expect(s.stats().bytes).toBeLessThanOrEqual(MiB);
    expect(s.read('huge', T0)).toEqual([]);
  });

  it('forget and close give the bytes back', async () => {
    const s = store();
    const empty = s.stats().bytes;
    s.appendNow('a', [ev(T0)], T0);
    const one = s.stats().bytes;
    s.appendNow('b', [ev(T0)], T0);
    expect(s.stats().bytes).toBeGreaterThan(one);
    await s.forget('b');
    expect(s.read('b', T0)).toEqual([]);
    expect(s.stats()).toEqual({ customers: 1, evictions: 0, bytes: one });
    await s.forget('nobody');
    await s.close();
    expect(s.stats().customers).toBe(0);
    // The names dictionary ('view') outlives close: it is what remains beside the fixed part.
    expect(s.stats().bytes).toBeLessThan(one);
    expect(s.stats().bytes - empty).toBeLessThan(200);
  });

  it('append resolves once kept (with the current clock)', async () => {
    const s = store();
    const now = Date.now();
    await s.append('a', [ev(now - 10)]);
    expect(s.read('a', now)).toHaveLength(1);
  });
});

describe('MemorySessionStore byte account', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const used = (): { once: number; all: number } => {
    gc();
    gc();
    const m = process.memoryUsage();
    return { once: m.heapUsed + m.external, all: m.heapUsed + m.external + m.arrayBuffers };
  };
  const load = (s: MemorySessionStore, from: number, n: number): void => {
    for (let c = from; c < from + n; c++) {
      const events = Array.from({ length: 5 }, (_, k) => ev(T0 - (5 - k) * 7000, k % 2 === 0 ? { properties: { page: 'pricing', plan: ['basic', 'pro', 'team'][c % 3]! } } : { type: 'cart', value: 20 + (c % 50) }));
      s.appendNow(`cust-${String(c).padStart(7, '0')}`, events, T0);
    }
  };

  it('is what the process grows by (heapUsed + external within 10%; with arrayBuffers counted again within 25%)', () => {
    // Warm up first, so the code V8 compiles for the store is not counted as its memory.
    const warm = store(64 * MiB);
    load(warm, 0, 20_000);
    void warm.close();
    const s = store(512 * MiB);
    const b0 = s.stats().bytes;
    const m0 = used();
    load(s, 0, 150_000);
    const m1 = used();
    const account = s.stats().bytes - b0;
    expect(s.stats().customers).toBe(150_000);
    expect(account / (m1.once - m0.once)).toBeGreaterThan(0.9);
    expect(account / (m1.once - m0.once)).toBeLessThan(1.1);
    expect(account / (m1.all - m0.all)).toBeGreaterThan(0.75);
    // A few hundred MB for a million such customers: about 130 B each.
    expect(account / 150_000).toBeLessThan(200);
  });

  it('stays within a small bound while evicting', () => {
    const s = store(8 * MiB);
    const m0 = used();
    load(s, 0, 200_000);
    const m1 = used();
    expect(s.stats().evictions).toBeGreaterThan(100_000);
    expect(s.stats().bytes).toBeLessThanOrEqual(8 * MiB);
    expect(m1.once - m0.once).toBeLessThanOrEqual(8 * MiB);
  });
});
