import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecideResponse__Output } from '../../../src/generated/nudge/v1/DecideResponse';
import type { Event } from '../../../src/generated/nudge/v1/Event';
import type { EventAck__Output } from '../../../src/generated/nudge/v1/EventAck';
import type { EventSummary__Output } from '../../../src/generated/nudge/v1/EventSummary';
import { call, campaignFile, startTestServer, tempDir, type TestServer } from '../../server/helpers';
import { startRedis, startRedisCluster } from '../../support/redis';

/**
 * Issue 15 with the Redis store: a session is in Redis, so an event sent to one replica is seen by a
 * Decide on another, and it outlives a restart of Nudge; ForgetCustomer erases it.
 */
interface Backend {
  url: string;
  stop(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  ['single Redis server', async () => startRedis()],
  ['3-master Redis Cluster', async () => startRedisCluster()],
];

const ADMIN_TOKEN = 'admin-token-for-the-session-test';

const pricing = campaignFile('pricing', ['discount', 'trial'], {
  session_features: [
    { name: 'pricing_views', event_types: ['view_pricing'], aggregate: 'count', window_ms: 600_000 },
    { name: 'last_plan', event_types: ['view_pricing'], aggregate: 'last', property: 'plan' },
  ],
  trigger: { '>=': [{ var: 'session.pricing_views' }, 3] },
});

describe.each(backends)('sessions on a %s', (_name, start) => {
  let redis: Backend;
  let a: TestServer;
  let b: TestServer;
  let campaignsDir: string;
  const opts = (): { store: string; syncMs: number; adminToken: string } => ({ store: redis.url, syncMs: 50, adminToken: ADMIN_TOKEN });

  beforeAll(async () => {
    redis = await start();
    campaignsDir = tempDir('campaigns');
    a = await startTestServer([pricing], opts(), { campaignsDir });
    b = await startTestServer([], opts(), { campaignsDir });
  }, 60_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
  });

  const decide = (t: TestServer, customerId: string): Promise<DecideResponse__Output> =>
    call(t.decisions.Decide.bind(t.decisions), { campaign: 'pricing', customerId, explain: true });
  const track = (t: TestServer, e: Event): Promise<EventAck__Output> => call(t.decisions.TrackEvent.bind(t.decisions), e);
  const stream = (t: TestServer, events: Event[]): Promise<EventSummary__Output> =>
    new Promise((resolve, reject) => {
      const s = t.decisions.StreamEvents((err: grpc.ServiceError | null, res?: EventSummary__Output) => (err ? reject(err) : resolve(res!)));
      for (const e of events) s.write(e);
      s.end();
    });

  it('counts events sent to A in a Decide on B, and events streamed to B in a Decide on A', async () => {
    for (let i = 0; i < 2; i++) expect((await track(a, { customerId: 'r1', type: 'view_pricing', properties: { plan: 'basic' } })).status).toBe('ACCEPTED');
    const before = await decide(b, 'r1');
    expect(before.noAction).toBe(true);
    expect(before.noActionReason).toBe('trigger');
    expect(before.session.pricing_views).toBe('2');
    expect((await track(a, { customerId: 'r1', type: 'view_pricing', properties: { plan: 'pro' } })).status).toBe('ACCEPTED');
    const after = await decide(b, 'r1');
    expect(after.noAction).toBe(false);
    expect(after.offers).toHaveLength(1);
    expect(after.session).toMatchObject({ pricing_views: '3', last_plan: 'pro' });

    const sum = await stream(b, [0, 1, 2].map(() => ({ customerId: 'r2', type: 'view_pricing', properties: { plan: 'team' } })));
    expect(sum).toMatchObject({ received: 3, accepted: 3, invalid: 0 });
    const onA = await decide(a, 'r2');
    expect(onA.noAction).toBe(false);
    expect(onA.session).toMatchObject({ pricing_views: '3', last_plan: 'team' });
  });

  it('keeps open sessions across a restart of Nudge', async () => {
    for (let i = 0; i < 3; i++) await track(a, { customerId: 'r3', type: 'view_pricing', properties: { plan: 'basic' } });
    await a.stop();
    a = await startTestServer([], opts(), { campaignsDir });
    const r = await decide(a, 'r3');
    expect(r.noAction).toBe(false);
    expect(r.session.pricing_views).toBe('3');
  }, 30_000);

  it('erases the session with ForgetCustomer', async () => {
    for (let i = 0; i < 3; i++) await track(b, { customerId: 'r4', type: 'view_pricing', properties: { plan: 'basic' } });
    expect((await decide(a, 'r4')).session.pricing_views).toBe('3');
    const { Metadata } = await import('@grpc/grpc-js');
    const md = new Metadata();
    md.set('authorization', `Bearer ${ADMIN_TOKEN}`);
    await new Promise<void>((resolve, reject) => {
      a.admin.ForgetCustomer({ customerId: 'r4' }, md, (err: grpc.ServiceError | null) => (err ? reject(err) : resolve()));
    });
    const r = await decide(b, 'r4');
    expect(r.noAction).toBe(true);
    expect(r.session.pricing_views).toBe('0');
  });
});
