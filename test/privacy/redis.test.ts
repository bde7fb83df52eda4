import Redis, { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/features/loader';
import { openFeatureReader } from '../../src/features/store';
import { decodeJoin } from '../../src/store/redis/join-codec';
import { keys } from '../../src/store/redis/keys';
import type { RedisStore } from '../../src/store/redis/redis-store';
import { tempDir, waitFor } from '../server/helpers';
import { startRedis, startRedisCluster } from '../support/redis';
import {
  CAMPAIGN,
  campaignsDirWith,
  decide,
  exportDecisions,
  forget,
  privacyCampaign,
  report,
  startPrivacyServer,
  writeFeatures,
  X,
  type PrivacyServer,
} from './helpers';

interface Backend {
  readonly url: string;
  client(): Redis | Cluster;
  stop(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'a single redis-server',
    async () => {
      const r = await startRedis();
      return { url: r.url, client: () => new Redis(r.url), stop: () => r.stop() };
    },
  ],
  [
    'a 3-master Redis Cluster',
    async () => {
      const c = await startRedisCluster();
      return { url: c.url, client: () => new Cluster(c.seeds), stop: () => c.stop() };
    },
  ],
];

function storedRow(dataDir: string, customerId: string): boolean {
  const reader = openFeatureReader(dataDir, { checkIntervalMs: 0 });
  try {
    return reader.read(customerId, new Float64Array(reader.schema.fields.length));
  } finally {
    reader.close();
  }
}

describe.each(backends)('ForgetCustomer with the Redis store on %s', (_name, start) => {
  let backend: Backend;
  let redis: Redis | Cluster;
  const running: PrivacyServer[] = [];
  beforeAll(async () => {
    backend = await start();
    redis = backend.client();
  });
  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop();
  });
  afterAll(async () => {
    redis.disconnect();
    await backend.stop();
  });

  it('erases shared state at once and each node\'s own state (log, join records, features) within a sync', async () => {
    const files = tempDir('privacy-redis-files');
    const original = writeFeatures(files, 'customers.csv');
    const campaignsDir = campaignsDirWith([privacyCampaign()]);
    // Two nodes: each its own data directory (features, node log), one Redis.
    const nodes: PrivacyServer[] = [];
    for (const name of ['a', 'b']) {
      const dataDir = tempDir(`privacy-redis-${name}`);
      await loadSnapshot({ dataDir, file: original });
      nodes.push(await startPrivacyServer(dataDir, campaignsDir, { store: backend.url, syncMs: 50 }));
    }
    running.push(...nodes);
    const [a, b] = nodes as [PrivacyServer, PrivacyServer];

    const onA = await decide(a, X);
    expect(onA.segment).toBe('tier=gold');
    // An outcome through the other node joins through A's join record in Redis.
    await waitFor(async () => (await report(b, onA.decisionId, onA.offers[0]!.offerId, 0)).status === 'APPLIED');
    const onB = await decide(b, X);
    expect(onB.segment).toBe('tier=gold');
    const contactKey = keys.contacts(CAMPAIGN, X);
    await waitFor(async () => (await redis.exists(contactKey)) === 1);
    await waitFor(async () => (await redis.exists(keys.decision(onB.decisionId))) === 1);

    const res = await forget(a.admin, X);
    expect(res.token).toMatch(/^forgotten:[0-9a-f]{32}$/);
    // What A removed: its feature row, the shared contact record, its own decision.
    expect(res).toMatchObject({ featuresRemoved: true, contactRecordsRemoved: 1, decisionsTokenized: 1, tombstoneRecorded: true });
    expect(await redis.hexists(keys.forgotten, res.token)).toBe(1);
    const joinA = await redis.getBuffer(keys.decision(onA.decisionId));
    expect(decodeJoin(onA.decisionId, joinA!).customerId).toBe(res.token);

    // B applies the tombstone to what only it holds, knowing the token only.
    await (b.server.store as RedisStore).privacyIdle();
    // B's copy of the contact record may have reached Redis after A's DEL: B deletes what it cached.
    expect(await redis.exists(contactKey)).toBe(0);
    const joinB = await redis.getBuffer(keys.decision(onB.decisionId));
    expect(decodeJoin(onB.decisionId, joinB!).customerId).toBe(res.token);
    expect(await redis.pttl(keys.decision(onB.decisionId))).toBeGreaterThan(0);
    for (const node of nodes) {
      const exported = await exportDecisions(node.dataDir);
      expect(exported.text).not.toContain(X);
      expect(exported.decisions.map((d) => d.customerId)).toEqual([res.token]);
      expect(storedRow(node.dataDir, X)).toBe(false);
      expect(storedRow(node.dataDir, 'other-3')).toBe(true);
    }

    // Decide on either node: stored features gone, no fatigue from the history before.
    for (const node of nodes) {
      const d = await decide(node, X);
      expect(d.segment).toBe('tier=');
      expect(d.offers[0]!.explanation!.fatigue).toBe('ok');
    }

    // B's features directory holds the shared secret and the tombstone: a reload there skips X.
    const reload = await loadSnapshot({ dataDir: b.dataDir, file: original });
    expect(reload.forgotten).toBe(1);
    expect(storedRow(b.dataDir, X)).toBe(false);

    for (const node of nodes) expect(node.logs.join('\n')).not.toContain(X);
    expect(a.logs.join('\n')).toContain(res.token);
  });

  it('a node that starts after the ForgetCustomer applies the tombstone to its own features', async () => {
    const files = tempDir('privacy-redis-late');
    const original = writeFeatures(files, 'customers.csv');
    const campaignsDir = campaignsDirWith([privacyCampaign()]);
    const first = tempDir('privacy-redis-first');
    await loadSnapshot({ dataDir: first, file: original });
    const a = await startPrivacyServer(first, campaignsDir, { store: backend.url, syncMs: 50 });
    running.push(a);
    const res = await forget(a.admin, X);

    const late = tempDir('privacy-redis-late-node');
    await loadSnapshot({ dataDir: late, file: original });
    expect(storedRow(late, X)).toBe(true);
    const b = await startPrivacyServer(late, campaignsDir, { store: backend.url, syncMs: 50 });
    running.push(b);
    await (b.server.store as RedisStore).privacyIdle();
    expect(storedRow(late, X)).toBe(false);
    expect((await decide(b, X)).segment).toBe('tier=');
    expect((await loadSnapshot({ dataDir: late, file: original })).forgotten).toBe(1);
    expect(res.token).toMatch(/^forgotten:/);
  });
});
