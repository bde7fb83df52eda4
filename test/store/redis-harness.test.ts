import * as fs from 'node:fs';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisCommand, startRedis, startRedisCluster, type RedisClusterProc, type RedisProc } from '../support/redis';

// The harness the Redis store's tests stand on: if it lies about kill -9, restart or cluster state, they do too.

const clients: { disconnect(): void }[] = [];
const procs: { stop(): Promise<void> }[] = [];

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all(procs.map((p) => p.stop()));
});

function client(port: number): Redis {
  // No reconnect between tests' kill9 and restart: a fresh client per server life, like the store after a crash.
  const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  clients.push(c);
  return c;
}

describe('startRedis', () => {
  it('serves, and keeps a key written before kill -9 with appendfsync always', { timeout: 30_000 }, async () => {
    const r: RedisProc = await startRedis({ appendfsync: 'always' });
    procs.push(r);
    expect(r.url).toBe(`redis://127.0.0.1:${r.port}`);
    const before = client(r.port);
    expect(await before.set('k', 'v1')).toBe('OK');
    expect(await before.get('k')).toBe('v1');
    await before.incrby('n', 41);
    const pid = r.pid;

    await r.kill9();
    expect(r.pid).toBeUndefined();
    before.disconnect();
    await r.restart();
    expect(r.pid).not.toBe(pid);

    const after = client(r.port);
    expect(await after.get('k')).toBe('v1');
    expect(await after.incr('n')).toBe(42);
    const persistence = String(await redisCommand(r.port, ['INFO', 'persistence']));
    expect(persistence).toContain('aof_enabled:1');
    expect(persistence).toContain('loading:0');
  });

  it('restarts after a graceful shutdown; stop removes its temp dir', { timeout: 30_000 }, async () => {
    const r = await startRedis();
    procs.push(r);
    const c = client(r.port);
    await c.set('kept', 'yes');
    c.disconnect();
    await r.shutdown();
    await r.restart();
    const again = client(r.port);
    expect(await again.get('kept')).toBe('yes');
    again.disconnect();
    await r.stop();
    expect(fs.existsSync(r.dir)).toBe(false);
    await expect(r.restart()).rejects.toThrow(/stopped for good/);
  });

  it('refuses to restart a running server and names the log on a bad start', { timeout: 30_000 }, async () => {
    const r = await startRedis();
    procs.push(r);
    await expect(r.restart()).rejects.toThrow(/still running/);
    await expect(startRedis({ port: r.port })).rejects.toThrow(/exited with code 1[\s\S]*Address already in use/);
  });
});

describe('startRedisCluster', () => {
  let cluster: RedisClusterProc;

  const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);

  it('forms three masters that ioredis Cluster can use', { timeout: 30_000 }, async () => {
    cluster = await startRedisCluster({ appendfsync: 'always' });
    procs.push(cluster);
    expect(cluster.nodes).toHaveLength(3);
    expect(cluster.url).toBe(`redis://127.0.0.1:${cluster.nodes[0]!.port}`);
    for (const n of cluster.nodes) {
      const info = String(await redisCommand(n.port, ['CLUSTER', 'INFO']));
      expect(info).toContain('cluster_state:ok');
      expect(info).toContain('cluster_slots_assigned:16384');
    }

    const rc = new Redis.Cluster(cluster.seeds, { clusterRetryStrategy: () => null, redisOptions: { maxRetriesPerRequest: 0 } });
    clients.push(rc);
    // Enough keys to land on all three masters (checked below through the slot owners).
    for (const k of keys) expect(await rc.set(k, `v-${k}`)).toBe('OK');
    for (const k of keys) expect(await rc.get(k)).toBe(`v-${k}`);
    const owners = new Set<number>();
    for (const k of keys) {
      const slot = Number(await redisCommand(cluster.nodes[0]!.port, ['CLUSTER', 'KEYSLOT', k]));
      for (const n of cluster.nodes) {
        if (Number(await redisCommand(n.port, ['CLUSTER', 'COUNTKEYSINSLOT', String(slot)])) > 0) owners.add(n.port);
      }
    }
    expect(owners.size).toBe(3);
    rc.disconnect();
  });

  it('comes back after kill -9 of one node and of all three', { timeout: 30_000 }, async () => {
    // One node down and back: it re-reads its nodes conf (same id and slots) and the cluster is ok again.
    const victim = cluster.nodes[1]!;
    const myId = String(await redisCommand(victim.port, ['CLUSTER', 'MYID']));
    await victim.kill9();
    await victim.restart();
    expect(String(await redisCommand(victim.port, ['CLUSTER', 'MYID']))).toBe(myId);

    // The whole cluster down and back, and every acknowledged write still there (appendfsync always).
    await cluster.kill9All();
    await cluster.restartAll();
    const rc2 = new Redis.Cluster(cluster.seeds, { clusterRetryStrategy: () => null, redisOptions: { maxRetriesPerRequest: 0 } });
    clients.push(rc2);
    for (const k of keys) expect(await rc2.get(k)).toBe(`v-${k}`);
    rc2.disconnect();
  });
});
