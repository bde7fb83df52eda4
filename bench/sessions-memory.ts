/**
 * Memory and speed of the in-memory session store (issue 15; figures in docs/events-storage.md):
 * loads many customers' sessions into a MemorySessionStore bounded by --max-bytes and compares the
 * store's own byte account with what the process actually grew by.
 *
 *   npm run build && node --expose-gc dist/bench/sessions-memory.js [--customers 1000000]
 *     [--max-bytes 536870912] [--events 5] [--batch 5] [--max-events 64]
 *
 * Each customer gets --events events, --batch per append (appends go round the customers, so with
 * --batch 1 every event after a customer's first is merged into its record, as TrackEvent does),
 * cycling through three types: view_pricing with a
 * `plan` property, add_to_cart with a value, view_product with a `sku` property; ids are 12
 * characters. "Measured" is the growth of heapUsed + external after a full gc. Node counts every
 * ArrayBuffer in both `external` and `arrayBuffers`, so heapUsed + external + arrayBuffers counts
 * the table's typed arrays twice; that sum is printed too. Before the baseline, a throwaway store
 * runs the same code on a few thousand customers, so that the code V8 compiles for it is not
 * counted as the store's memory.
 */
import { performance } from 'node:perf_hooks';
import { sessionValues } from '../src/sessions/aggregate';
import { sessionInterest } from '../src/sessions/interest';
import { MemorySessionStore } from '../src/sessions/memory';
import type { SessionEvent, SessionPlan } from '../src/sessions/types';

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`--${name} must be a positive integer, got ${process.argv[i + 1]}`);
  return v;
}

const customers = flag('customers', 1_000_000);
const perCustomer = flag('events', 5);
const maxBytes = flag('max-bytes', 512 * 1024 * 1024);
const maxEvents = flag('max-events', 64);
const batch = Math.min(flag('batch', perCustomer), perCustomer);

const plan: SessionPlan = {
  timeoutMs: 30 * 60_000,
  features: [
    { name: 'pricing_views', eventTypes: ['view_pricing'], propertyFilter: {}, aggregate: 'count', property: '', windowMs: 600_000 },
    { name: 'cart_value', eventTypes: ['add_to_cart'], propertyFilter: {}, aggregate: 'sum', property: '', windowMs: 0 },
    { name: 'last_plan', eventTypes: ['view_pricing'], propertyFilter: {}, aggregate: 'last', property: 'plan', windowMs: 0 },
    { name: 'products', eventTypes: ['view_product'], propertyFilter: {}, aggregate: 'distinct_count', property: 'sku', windowMs: 0 },
  ],
};
const PLANS = ['basic', 'pro', 'team'];

type Gc = () => void;

function measure(): { all: number; once: number; rss: number } {
  const gc = (globalThis as { gc?: Gc }).gc!;
  gc();
  gc();
  const m = process.memoryUsage();
  return { all: m.heapUsed + m.external + m.arrayBuffers, once: m.heapUsed + m.external, rss: m.rss };
}

const id = (c: number): string => `cust-${String(c).padStart(7, '0')}`;

/** Events [from, to) of customer c's n. */
function eventsOf(c: number, n: number, now: number, from = 0, to = n): SessionEvent[] {
  const out: SessionEvent[] = [];
  for (let e = from; e < to; e++) {
    const ts = now - (n - e) * 7_000 - (c % 1000);
    const kind = (c + e) % 3;
    if (kind === 0) out.push({ type: 'view_pricing', ts, sessionId: '', value: 0, properties: { plan: PLANS[(c + e) % 3]! } });
    else if (kind === 1) out.push({ type: 'add_to_cart', ts, sessionId: '', value: 20 + (c % 50), properties: {} });
    else out.push({ type: 'view_product', ts, sessionId: '', value: 0, properties: { sku: `sku-${(c * 7 + e) % 5000}` } });
  }
  return out;
}

/** sessionValues alone over a fixed list (no store): the Decide-path cost of the aggregation. */
function aggregateUs(events: readonly SessionEvent[], now: number): number {
  const three: SessionPlan = { timeoutMs: plan.timeoutMs, features: plan.features.slice(0, 3) };
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += sessionValues(three, events, now)['pricing_views'] as number;
  const rounds = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) sink += sessionValues(three, events, now)['pricing_views'] as number;
  const us = ((performance.now() - t0) * 1000) / rounds;
  if (sink < 0) throw new Error('unreachable');
  return us;
}

function warmUp(now: number): void {
  const s = new MemorySessionStore({ maxBytes: 1024 * 1024, maxEventsPerCustomer: maxEvents });
  s.setInterest(sessionInterest([plan]));
  for (let c = 0; c < 20_000; c++) s.appendNow(id(c), eventsOf(c, perCustomer, now), now);
  for (let c = 0; c < 20_000; c++) sessionValues(plan, s.read(id(c), now), now);
  void s.close();
}

function main(): void {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') throw new Error('run with node --expose-gc');
  const now = Date.now();
  warmUp(now);
  const store = new MemorySessionStore({ maxBytes, maxEventsPerCustomer: maxEvents });
  store.setInterest(sessionInterest([plan]));
  const before = measure();
  const t0 = performance.now();
  let appends = 0;
  for (let from = 0; from < perCustomer; from += batch) {
    for (let c = 0; c < customers; c++) {
      store.appendNow(id(c), eventsOf(c, perCustomer, now, from, Math.min(perCustomer, from + batch)), now);
      appends++;
    }
  }
  const appendSeconds = (performance.now() - t0) / 1000;
  const after = measure();
  const st = store.stats();
  const grewAll = after.all - before.all;
  const grewOnce = after.once - before.once;

  const reads = Math.min(customers, 200_000);
  let sink = 0;
  const r0 = performance.now();
  for (let i = 0; i < reads; i++) {
    const c = customers - 1 - ((i * 7919) % Math.max(1, st.customers));
    sink += sessionValues(plan, store.read(id(c), now), now)['pricing_views'] as number;
  }
  const readUs = ((performance.now() - r0) * 1000) / reads;
  const agg = aggregateUs(eventsOf(1, 64, now), now);

  const mib = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MiB`;
  const int = (n: number): string => Math.round(n).toLocaleString('en-US');
  const rows: [string, string][] = [
    ['customers appended', int(customers)],
    ['events per customer, per append', `${perCustomer}, ${batch}`],
    ['customers kept', int(st.customers)],
    ['evictions', int(st.evictions)],
    ['configured bound (--max-bytes)', mib(maxBytes)],
    ['store account (stats().bytes)', mib(st.bytes)],
    ['measured: heapUsed + external growth, after gc', mib(grewOnce)],
    ['account / measured', `${(st.bytes / grewOnce).toFixed(3)} (measured - account: ${int(grewOnce - st.bytes)} B)`],
    ['measured <= bound', grewOnce <= maxBytes ? 'yes' : 'NO'],
    ['measured per kept customer', `${int(grewOnce / Math.max(1, st.customers))} B`],
    ['heapUsed + external + arrayBuffers growth (typed arrays counted twice)', `${mib(grewAll)} (account / it ${(st.bytes / grewAll).toFixed(2)})`],
    ['rss growth (for reference)', mib(after.rss - before.rss)],
    ['append rate', `${int((customers * perCustomer) / appendSeconds)} events/s (${int(appends / appendSeconds)} appends/s)`],
    ['read + 4 aggregates per customer', `${readUs.toFixed(2)} us${sink >= 0 ? '' : ''}`],
    ['sessionValues alone, 3 features over 64 events', `${agg.toFixed(2)} us`],
  ];
  process.stdout.write(`| figure | value |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`);
  if (grewOnce > maxBytes) process.exitCode = 1;
}

main();
