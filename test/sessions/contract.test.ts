import Redis, { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionInterest } from '../../src/sessions/interest';
import { MemorySessionStore } from '../../src/sessions/memory';
import { RedisSessionStore } from '../../src/sessions/redis';
import type { SessionEvent, SessionPlan, SessionStore } from '../../src/sessions/types';
import { startRedis, startRedisCluster } from '../support/redis';

/** The contract both session stores keep (src/sessions/types.ts), on real servers. */

const plan: SessionPlan = {
  timeoutMs: 60_000,
  features: [
    { name: 'views', eventTypes: ['view'], propertyFilter: {}, aggregate: 'count', property: '', windowMs: 0 },
    { name: 'plan', eventTypes: ['view'], propertyFilter: {}, aggregate: 'last', property: 'plan', windowMs: 0 },
  ],
};
const ev = (ts: number, more: Partial<SessionEvent> = {}): SessionEvent => ({ type: 'view', ts, sessionId: '', value: 0, properties: {}, ...more });

interface Backend {
  name: string;
  setup(): Promise<void>;
  /** A new store on the same backing data (a second replica for Redis). */
  open(): SessionStore;
  teardown(): Promise<void>;
  shared: boolean;
}

function redisBackend(name: string, start: () => Promise<{ url: string; stop(): Promise<void>; seeds?: { host: string; port: number }[] }>): Backend {
  let server: Awaited<ReturnType<typeof start>> | null = null;
  const opened: SessionStore[] = [];
  return {
    name,
    shared: true,
    async setup() {
      server = await start();
    },
    open() {
      const client = server!.seeds !== undefined ? new Cluster(server!.seeds) : new Redis(server!.url);
      const s = new RedisSessionStore(client, { maxEventsPerCustomer: 4 });
      opened.push(s);
      return s;
    },
    async teardown() {
      for (const s of opened) await s.close();
      await server?.stop();
    },
  };
}

const backends: Backend[] = [
  {
    name: 'memory',
    shared: false,
    async setup() {},
    open: () => new MemorySessionStore({ maxBytes: 16 * 1024 * 1024, maxEventsPerCustomer: 4 }),
    async teardown() {},
  },
  redisBackend('redis (single server)', () => startRedis()),
  redisBackend('redis (3-master cluster)', () => startRedisCluster()),
];

for (const b of backends) {
  describe(`session store contract: ${b.name}`, () => {
    let s: SessionStore;
    beforeAll(async () => {
      await b.setup();
      s = b.open();
      s.setInterest(sessionInterest([plan]));
    }, 60_000);
    afterAll(async () => {
      await b.teardown();
    });

    it('reads back what was appended, oldest first, only the properties campaigns read', async () => {
      const now = Date.now();
      await s.append('c1', [ev(now - 3000, { properties: { plan: 'basic', noise: 'x' } }), ev(now - 1000, { properties: { plan: 'pro' }, sessionId: 's1', value: 2 })]);
      expect(await s.read('c1', now)).toEqual([ev(now - 3000, { properties: { plan: 'basic' } }), ev(now - 1000, { properties: { plan: 'pro' }, sessionId: 's1', value: 2 })]);
    });

    it('keeps the newest maxEventsPerCustomer', async () => {
      const now = Date.now();
      for (let i = 6; i >= 1; i--) await s.append('c2', [ev(now - i * 100)]);
      expect((await s.read('c2', now)).map((e) => now - e.ts)).toEqual([400, 300, 200, 100]);
    });

    it('ignores types no campaign reads, and reads nothing older than the horizon', async () => {
      const now = Date.now();
      expect(s.wants('scroll')).toBe(false);
      await s.append('c3', [ev(now, { type: 'scroll' })]);
      expect(await s.read('c3', now)).toEqual([]);
      await s.append('c4', [ev(now - 1000)]);
      expect(await s.read('c4', now + 60_000)).toEqual([]);
    });

    it('forget erases the customer', async () => {
      const now = Date.now();
      await s.append('c5', [ev(now)]);
      await s.forget('c5');
      expect(await s.read('c5', now)).toEqual([]);
    });

    it.runIf(b.shared)('a second replica sees the first one’s appends at once', async () => {
      const other = b.open();
      other.setInterest(sessionInterest([plan]));
      const now = Date.now();
      await s.append('c6', [ev(now - 20)]);
      await other.append('c6', [ev(now - 10, { properties: { plan: 'team' } })]);
      const seen = await other.read('c6', now);
      expect(seen.map((e) => now - e.ts)).toEqual([20, 10]);
      expect(await s.read('c6', now)).toEqual(seen);
    });
  });
}
