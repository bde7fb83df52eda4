/**
 * Memory and speed of the in-memory session store (issue 15): one million customers' sessions, each
 * a few events, against the configured bound. Run with --expose-gc so the heap figures are after a
 * collection:
 *
 *   node --expose-gc dist/bench/micro/sessions.js [--customers 1000000] [--events 5] [--max-bytes 536870912]
 *
 * Prints customers kept, evictions, the store's own account, the measured growth of the process
 * (heapUsed + external + arrayBuffers) and whether it stayed within the bound, and the append and
 * aggregate rates.
 */
import { performance } from 'node:perf_hooks';
import { sessionValues } from '../../src/sessions/aggregate';
import { sessionInterest } from '../../src/sessions/interest';
import { MemorySessionStore } from '../../src/sessions/memory';
import type { SessionEvent, SessionPlan } from '../../src/sessions/types';

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`--${name} must be a positive integer`);
  return v;
}

const customers = flag('customers', 1_000_000);
const perCustomer = flag('events', 5);
const maxBytes = flag('max-bytes', 512 * 1024 * 1024);

const plan: SessionPlan = {
  timeoutMs: 30 * 60_000,
  features: [
    { name: 'pricing_views', eventTypes: ['view_pricing'], propertyFilter: {}, aggregate: 'count', property: '', windowMs: 600_000 },
    { name: 'cart_value', eventTypes: ['add_to_cart'], propertyFilter: {}, aggregate: 'sum', property: '', windowMs: 0 },
    { name: 'last_plan', eventTypes: ['view_pricing'], propertyFilter: {}, aggregate: 'last', property: 'plan', windowMs: 0 },
  ],
};

function used(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

function main(): void {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') throw new Error('run with node --expose-gc');
  const store = new MemorySessionStore({ maxBytes, maxEventsPerCustomer: 64 });
  store.setInterest(sessionInterest([plan]));
  const plans = ['basic', 'pro', 'team'];
  const before = used();
  const now = Date.now();
  const t0 = performance.now();
  for (let c = 0; c < customers; c++) {
    const events: SessionEvent[] = [];
    for (let e = 0; e < perCustomer; e++) {
      const cart = e % 3 === 2;
      events.push({
        type: cart ? 'add_to_cart' : 'view_pricing',
        ts: now - (perCustomer - e) * 1000,
        sessionId: '',
        value: cart ? 20 + (c % 50) : 0,
        properties: cart ? {} : { plan: plans[(c + e) % 3]! },
      });
    }
    store.appendNow(`c${String(c).padStart(7, '0')}`, events, now);
  }
  const appendSeconds = (performance.now() - t0) / 1000;
  const after = used();
  const st = store.stats();
  const measured = after - before;

  const reads = Math.min(customers, 200_000);
  const r0 = performance.now();
  let sink = 0;
  for (let i = 0; i < reads; i++) {
    const id = `c${String((i * 7919) % customers).padStart(7, '0')}`;
    const v = sessionValues(plan, store.read(id, now), now);
    sink += v['pricing_views'] as number;
  }
  const readUs = ((performance.now() - r0) * 1000) / reads;

  const mib = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MiB`;
  const rows = [
    ['customers appended', customers.toLocaleString('en-US')],
    ['events per customer', String(perCustomer)],
    ['customers kept', st.customers.toLocaleString('en-US')],
    ['evictions', st.evictions.toLocaleString('en-US')],
    ['configured bound (NUDGE_SESSION_MEMORY)', mib(maxBytes)],
    ['store account (nudge_session_bytes)', mib(st.bytes)],
    ['measured growth (heap + external + arrayBuffers, after gc)', mib(measured)],
    ['measured per kept customer', `${Math.round(measured / Math.max(1, st.customers))} B`],
    ['within the bound', measured <= maxBytes ? 'yes' : 'NO'],
    ['append rate', `${Math.round((customers * perCustomer) / appendSeconds).toLocaleString('en-US')} events/s`],
    ['read + 3 aggregates', `${readUs.toFixed(2)} us per customer (${sink > 0 ? 'ok' : 'no data'})`],
  ];
  process.stdout.write(`| figure | value |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`);
}

main();
