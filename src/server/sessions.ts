import type { CampaignRegistry } from '../campaigns/registry';
import type { ServerOptions } from '../config';
import { sessionInterest } from '../sessions/interest';
import { MemorySessionStore } from '../sessions/memory';
import { RedisSessionStore } from '../sessions/redis';
import type { SessionInterest, SessionStore } from '../sessions/types';
import { connectRedis } from '../store/redis/connect';
import { planOf } from './session-input';

/**
 * The session store the options name: in memory beside the embedded store (one process), in Redis
 * beside the Redis store, so that every replica sees a customer's session. Its interest (which event
 * types and properties are kept) follows the campaigns.
 */
export interface OpenSessions {
  readonly store: SessionStore;
  readonly interest: () => SessionInterest;
}

export async function openSessions(options: ServerOptions, registry: CampaignRegistry): Promise<OpenSessions> {
  let store: SessionStore;
  if (options.store === 'lmdb') {
    store = new MemorySessionStore({ maxBytes: options.sessionMemoryBytes, maxEventsPerCustomer: options.sessionMaxEvents });
  } else {
    const { client } = await connectRedis({
      url: options.store,
      username: options.redisUsername,
      password: options.redisPassword,
      tlsCa: options.redisTlsCa,
      commandTimeoutMs: 2000,
      connectTimeoutMs: 5000,
    });
    store = new RedisSessionStore(client, { maxEventsPerCustomer: options.sessionMaxEvents });
  }
  let interest = sessionInterest(registry.list().map(planOf));
  store.setInterest(interest);
  registry.on('change', () => {
    interest = sessionInterest(registry.list().map(planOf));
    store.setInterest(interest);
  });
  return { store, interest: () => interest };
}
