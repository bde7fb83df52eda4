import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionValues } from '../../src/sessions/aggregate';
import { sessionInterest } from '../../src/sessions/interest';
import { MemorySessionStore } from '../../src/sessions/memory';
import { RedisSessionStore, sessionKey } from '../../src/sessions/redis';
import type { SessionEvent, SessionPlan, SessionStore } from '../../src/sessions/types';
import { connectRedis, type RedisClient } from '../../src/store/redis/connect';
import { startRedis, startRedisCluster } from '../support/redis';

/**
 * The contract both session stores keep (src/sessions/types.ts), on real servers: the memory store,
 * and the Redis store on a single redis-server and on a 3-master Redis Cluster, connected the way
 * the server connects (connectRedis: auto-pipelining, cluster detection).
 */

const HORIZON = 60_000;
const MAX_EVENTS = 4;
const plan: SessionPlan = {
  timeoutMs: HORIZON,
  features: [
    { name: 'views', eventTypes: ['view'], propertyFilter: {}, aggregate: 'count', property: '', windowMs: 0 },
    { name: 'plan', eventTypes: ['view'], propertyFilter: {}, aggregate: 'last', property: 'plan', windowMs: 0 },
    { name: 'spent', eventTypes: ['cart'], propertyFilter: {}, aggregate: 'sum', property: '', windowMs: 30_000 },
  ],
};
const ev = (ts: number, more: Partial<SessionEvent> = {}): SessionEvent => ({ type: 'view', ts, sessionId: '', value: 0, properties: {}, ...more });

interface Backend {
  readonly name: string;
  /** Whether a second store sees the first one's data (two replicas on one Redis). */
  readonly shared: boolean;
  setup(): Promise<void>;
  open(): Promise<SessionStore>;
  /** A plain client on the backend's Redis, for looking at keys (null for memory). */
  inspect(): Promise<RedisClient | null>;
  teardown(): Promise<void>;
}

function redisBackend(name: string, start: () => Promise<{ url: string; stop(): Promise<void> }>): Backend {
  let server: { url: string; stop(): Promise<void> } | null = null;
  const clients: RedisClient[] = [];
  const connect = async (): Promise<RedisClient> => {
    const { client } = await connectRedis({ url: server!.url, username: null, password: null, commandTimeoutMs: 5000, connectTimeoutMs: 10_000 });
    clients.push(client);
    return client;
  };
  return {
    name,
    shared: true,
    async setup() {
      server = await start();
    },
    async open() {
      return new RedisSessionStore(await connect(), { maxEventsPerCustomer: MAX_EVENTS });
    },
    inspect: connect,
    async teardown() {
      // Stores quit their own clients in close(); quitting twice is harmless.
      await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
      await server?.stop();
    },
  };
}

const backends: Backend[] = [
  {
    name: 'memory',
    shared: false,
    async setup() {},
    open: async () => new MemorySessionStore({ maxBytes: 16 * 1024 * 1024, maxEventsPerCustomer: MAX_EVENTS }),
    inspect: async () => null,
    async teardown() {},
  },
  redisBackend('redis (single server)', () => startRedis()),
  redisBackend('redis (3-master cluster)', () => startRedisCluster()),
];

for (const b of backends) {
  describe(`session store contract: ${b.name}`, () => {
    let s: SessionStore;
    const opened: SessionStore[] = [];
    const open = async (): Promise<SessionStore> => {
      const store = await b.open();
      store.setInterest(sessionInterest([plan]));
      opened.push(store);
      return store;
    };
    beforeAll(async () => {
      await b.setup();
      s = await open();
    }, 60_000);
    afterAll(async () => {
      await Promise.all(opened.map((o) => o.close()));
      await b.teardown();
    });

    it('reads back what was appended, oldest first, with only the properties campaigns read', async () => {
      const now = Date.now();
      const id = 'c1-é日本';
      await s.append(id, [
        ev(now - 3000, { properties: { plan: 'basic', noise: 'x'.repeat(50) } }),
        ev(now - 1000, { properties: { plan: 'pro-é😀' }, sessionId: 's1', value: -2.25 }),
        ev(now - 500, { type: 'cart', value: 19.99, sessionId: 's1', properties: { plan: 'not read for carts' } }),
      ]);
      expect(await s.read(id, now)).toEqual([
        ev(now - 3000, { properties: { plan: 'basic' } }),
        ev(now - 1000, { properties: { plan: 'pro-é😀' }, sessionId: 's1', value: -2.25 }),
        ev(now - 500, { type: 'cart', value: 19.99, sessionId: 's1' }),
      ]);
    });

    it('orders events that arrived out of order', async () => {
      const now = Date.now();
      await s.append('c2', [ev(now - 100), ev(now - 300)]);
      await s.append('c2', [ev(now - 200), ev(now - 50)]);
      expect((await s.read('c2', now)).map((e) => now - e.ts)).toEqual([300, 200, 100, 50]);
    });

    it('keeps the newest maxEventsPerCustomer', async () => {
      const now = Date.now();
      for (let i = 6; i >= 1; i--) await s.append('c3', [ev(now - i * 100)]);
      expect((await s.read('c3', now)).map((e) => now - e.ts)).toEqual([400, 300, 200, 100]);
      await s.append('c3b', [1, 2, 3, 4, 5, 6, 7].map((i) => ev(now - i * 10)));
      expect((await s.read('c3b', now)).map((e) => now - e.ts)).toEqual([40, 30, 20, 10]);
    });

    it('keeps no type that no campaign reads, and nothing older than the horizon', async () => {
      const now = Date.now();
      expect(s.wants('scroll')).toBe(false);
      expect(s.wants('view')).toBe(true);
      await s.append('c4', [ev(now, { type: 'scroll' })]);
      expect(await s.read('c4', now)).toEqual([]);
      await s.append('c5', [ev(now - HORIZON - 5000), ev(now - 1000)]);
      expect((await s.read('c5', now)).map((e) => now - e.ts)).toEqual([1000]);
      expect(await s.read('c5', now + HORIZON)).toEqual([]);
      expect(await s.read('nobody', now)).toEqual([]);
    });

    it('forget erases the customer', async () => {
      const now = Date.now();
      await s.append('c6', [ev(now)]);
      await s.append('c6-other', [ev(now)]);
      await s.forget('c6');
      await s.forget('never-seen');
      expect(await s.read('c6', now)).toEqual([]);
      expect(await s.read('c6-other', now)).toHaveLength(1);
    });

    it('gives the session features the aggregation computes', async () => {
      const now = Date.now();
      await s.append('c7', [ev(now - 40_000, { type: 'cart', value: 5 }), ev(now - 20_000, { properties: { plan: 'team' } }), ev(now - 10_000, { type: 'cart', value: 7 })]);
      expect(sessionValues(plan, await s.read('c7', now), now)).toEqual({ views: 1, plan: 'team', spent: 7 });
    });

    it('reports stats of the right shape', () => {
      const st = s.stats();
      expect(Object.keys(st).sort()).toEqual(['bytes', 'customers', 'evictions']);
      if (b.shared) expect(st).toEqual({ customers: 0, evictions: 0, bytes: 0 });
      else expect(st.customers).toBeGreaterThan(0);
    });

    it.runIf(b.shared)('a second replica sees the first one’s appends once they resolved, in time order', async () => {
      const other = await open();
      const now = Date.now();
      await s.append('c8', [ev(now - 20)]);
      expect((await other.read('c8', now)).map((e) => now - e.ts)).toEqual([20]);
      await other.append('c8', [ev(now - 30, { properties: { plan: 'team' } }), ev(now - 10)]);
      const seen = await s.read('c8', now);
      expect(seen.map((e) => now - e.ts)).toEqual([30, 20, 10]);
      expect(await other.read('c8', now)).toEqual(seen);
      await other.forget('c8');
      expect(await s.read('c8', now)).toEqual([]);
    });

    it.runIf(b.shared)('keeps one list per customer under nudge:s:{id}, expiring after the horizon', async () => {
      const redis = (await b.inspect())!;
      const now = Date.now();
      await s.append('c9', [ev(now - 10), ev(now - 5)]);
      expect(sessionKey('c9')).toBe('nudge:s:{c9}');
      expect(await redis.type('nudge:s:{c9}')).toBe('list');
      expect(await redis.llen('nudge:s:{c9}')).toBe(2);
      const ttl = await redis.pttl('nudge:s:{c9}');
      expect(ttl).toBeGreaterThan(HORIZON - 5000);
      expect(ttl).toBeLessThanOrEqual(HORIZON + 1000);
      // An event stamped a minute ahead keeps the key a minute longer; a later append does not shorten it.
      await s.append('c9', [ev(now + 60_000)]);
      await s.append('c9', [ev(now)]);
      expect(await redis.pttl('nudge:s:{c9}')).toBeGreaterThan(HORIZON + 50_000);
      await s.forget('c9');
      expect(await redis.exists('nudge:s:{c9}')).toBe(0);
    });
  });
}
