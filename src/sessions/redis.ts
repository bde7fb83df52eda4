import type { RedisClient } from '../store/redis/connect';
import { Decoder, Encoder } from './codec';
import { keepProperties, sessionInterest } from './interest';
import { MAX_EVENTS_PER_CUSTOMER } from './memory';
import type { SessionEvent, SessionInterest, SessionStore, SessionStoreStats } from './types';

export interface RedisSessionOptions {
  /** Newest events kept per customer. */
  readonly maxEventsPerCustomer: number;
}

/**
 * One key per customer; the hash tag is the whole id, so a customer is one Redis Cluster slot and
 * customers spread over the cluster. Kept here, not in store/redis/keys.ts: only this file reads it.
 */
export const sessionKey = (customerId: string): string => `nudge:s:{${customerId}}`;

/**
 * Appends, trims to the newest N and keeps the key alive for the horizon, in one atomic step.
 * KEYS[1] the customer's list; ARGV[1] = N, ARGV[2] = time to live (ms), ARGV[3..] = encoded events.
 * RPUSH in chunks: Lua's unpack fails beyond a few thousand values. The expiry only ever lengthens:
 * an earlier append may have carried an event stamped a little in the future.
 */
const APPEND_LUA = `
local key = KEYS[1]
local n = #ARGV
for i = 3, n, 1000 do
  redis.call('RPUSH', key, unpack(ARGV, i, math.min(i + 999, n)))
end
redis.call('LTRIM', key, -tonumber(ARGV[1]), -1)
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
return 1`;

/** Beyond the horizon, so that the newest event outlives the longest window it can fall in. */
const TTL_GRACE_MS = 1000;

type SessionClient = RedisClient & {
  nudgeSessionAppend(key: string, max: number, ttlMs: number, ...events: Buffer[]): Promise<number>;
};

/**
 * Sessions in Redis beside the Redis store (docs/events-storage.md): every replica reads the same
 * events, and they survive a restart of Nudge. The key is a list with one encoded event per element
 * (codec.ts, names inline: dictionary ids would differ between processes), so LTRIM drops whole
 * events. Appends from several replicas interleave in the list; read orders by time.
 *
 * Memory is Redis's, bounded per customer by the trim and overall by the expiry (the horizon): this
 * process keeps nothing, and counting customers would take a scan, so stats() reports zeros.
 * The store owns the client it is given: close() quits it.
 */
export class RedisSessionStore implements SessionStore {
  private readonly client: SessionClient;
  private readonly maxEvents: number;
  private readonly encoder = new Encoder(null);
  private readonly decoder = new Decoder(null);
  private interest: SessionInterest = sessionInterest([]);

  constructor(client: RedisClient, options: RedisSessionOptions) {
    if (typeof client !== 'object' || client === null || typeof client.defineCommand !== 'function') {
      throw new TypeError('client must be an ioredis client (Redis or Cluster)');
    }
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const max = options.maxEventsPerCustomer;
    if (typeof max !== 'number') throw new TypeError('options.maxEventsPerCustomer must be a number');
    if (!Number.isInteger(max) || max < 1 || max > MAX_EVENTS_PER_CUSTOMER) {
      throw new RangeError(`options.maxEventsPerCustomer must be an integer in [1, ${MAX_EVENTS_PER_CUSTOMER}], got ${max}`);
    }
    this.maxEvents = max;
    // A fixed key count: ioredis then routes the script (auto-pipelined too) by its key.
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
    const now = Date.now();
    const horizon = this.interest.horizonMs;
    const kept: SessionEvent[] = [];
    for (const e of events) if (e.ts >= now - horizon && this.wants(e.type)) kept.push(e);
    if (kept.length === 0) return;
    // In time order within one append, so that the trim keeps the newest of a late batch.
    kept.sort((a, b) => a.ts - b.ts);
    const from = Math.max(0, kept.length - this.maxEvents);
    const encoded: Buffer[] = [];
    for (let i = from; i < kept.length; i++) {
      encoded.push(this.encoder.begin().event(keepProperties(kept[i]!, this.interest)).bytes());
    }
    const ahead = Math.max(0, kept[kept.length - 1]!.ts - now);
    await this.client.nudgeSessionAppend(sessionKey(customerId), this.maxEvents, Math.ceil(horizon + ahead + TTL_GRACE_MS), ...encoded);
  }

  async read(customerId: string, now: number): Promise<readonly SessionEvent[]> {
    const raw = await this.client.lrangeBuffer(sessionKey(customerId), 0, -1);
    const oldest = now - this.interest.horizonMs;
    const out: SessionEvent[] = [];
    const d = this.decoder;
    for (const b of raw) {
      d.begin(b.toString('latin1'), false);
      if (d.ts() >= oldest) out.push(d.rest());
    }
    // Stable: events of equal time keep the order Redis has them in.
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
