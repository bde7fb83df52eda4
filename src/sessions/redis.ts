import type { Cluster, Redis } from 'ioredis';
import { EventCodec } from './codec';
import { keepProperties, sessionInterest } from './interest';
import type { SessionEvent, SessionInterest, SessionStore, SessionStoreStats } from './types';

export interface RedisSessionOptions {
  /** Newest events kept per customer. */
  readonly maxEventsPerCustomer: number;
}

/** One key per customer, so a customer is one Redis Cluster slot and customers spread over the cluster. */
export const sessionKey = (customerId: string): string => `nudge:s:{${customerId}}`;

/**
 * Appends, trims to the newest N and renews the expiry in one atomic step: ARGV[1] = N,
 * ARGV[2] = expiry (ms), ARGV[3..] = encoded events.
 */
const APPEND_LUA = `
redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

type SessionClient = (Redis | Cluster) & {
  nudgeSessionAppend(key: string, max: number, ttlMs: number, ...events: Buffer[]): Promise<number>;
};

/**
 * Sessions in Redis beside the Redis store (docs/events.md): every replica reads the same events, and
 * they survive a restart of Nudge. Memory is Redis's, bounded per customer by the trim and overall by
 * the expiry (the longest session timeout or window of any campaign): this process keeps nothing, so
 * stats() reports zeros.
 */
export class RedisSessionStore implements SessionStore {
  private readonly client: SessionClient;
  private readonly maxEvents: number;
  private readonly codec = new EventCodec(null);
  private interest: SessionInterest = sessionInterest([]);

  constructor(client: Redis | Cluster, options: RedisSessionOptions) {
    if (typeof client !== 'object' || client === null) throw new TypeError('client must be an ioredis client');
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const max = options.maxEventsPerCustomer;
    if (typeof max !== 'number') throw new TypeError('options.maxEventsPerCustomer must be a number');
    if (!Number.isInteger(max) || max < 1 || max > 65535) throw new RangeError('options.maxEventsPerCustomer must be an integer in [1, 65535]');
    this.maxEvents = max;
    client.defineCommand('nudgeSessionAppend', { numberOfKeys: 1, lua: APPEND_LUA });
    this.client = client as SessionClient;
  }

  setInterest(interest: SessionInterest): void {
    this.interest = interest;
  }

  wants(type: string): boolean {
    return this.interest.types.has(type);
  }

  async append(customerId: string, events: readonly SessionEvent[]): Promise<void> {
    const kept = events.filter((e) => this.wants(e.type));
    if (kept.length === 0) return;
    // Each event its own list element: a trim then drops whole events.
    const encoded = kept.map((e) => this.codec.encode([keepProperties(e, this.interest)]));
    // A second over the horizon: the newest event must outlive the longest window it can fall in.
    await this.client.nudgeSessionAppend(sessionKey(customerId), this.maxEvents, this.interest.horizonMs + 1000, ...encoded);
  }

  async read(customerId: string, now: number): Promise<readonly SessionEvent[]> {
    const raw = await this.client.lrangeBuffer(sessionKey(customerId), 0, -1);
    const oldest = now - this.interest.horizonMs;
    const out: SessionEvent[] = [];
    for (const b of raw) for (const e of this.codec.decode(b)) if (e.ts >= oldest) out.push(e);
    // Appends from several replicas interleave: order by time (stable for equal times).
    return out.sort((a, b) => a.ts - b.ts);
  }

  async forget(customerId: string): Promise<void> {
    await this.client.del(sessionKey(customerId));
  }

  stats(): SessionStoreStats {
    return { customers: 0, evictions: 0, bytes: 0 };
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => undefined);
  }
}
