import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCampaign } from '../../../src/campaigns/schema';
import type { CampaignConfig } from '../../../src/campaigns/types';
import { CONTEXTUAL_SEGMENT, contextualName, weightSlotId } from '../../../src/contextual/layout';
import { mulberry32 } from '../../../src/shared/mulberry32';
import { openLmdbStore, type LmdbStore } from '../../../src/store/lmdb-store';
import { connectRedis, type ScriptedClient } from '../../../src/store/redis/connect';
import { keys } from '../../../src/store/redis/keys';
import { RedisStore } from '../../../src/store/redis/redis-store';
import { evidence, importStateIntoRedis, StateExistsError } from '../../../src/store/redis/state-import';
import type { StateDump } from '../../../src/store/state-dump';
import type { LearningStore } from '../../../src/store/types';
import { MAIN } from '../../hardening/helpers';
import { tempDir } from '../../server/helpers';
import { startRedis, startRedisCluster } from '../../support/redis';
import { campaign, decision, offer } from '../helpers';

/**
 * `nudge state export` from a real embedded store, `nudge state import --store redis://...` into a real
 * Redis (a single server, then a 3-master cluster), then a RedisStore opened on it serves the same
 * posteriors and counters as the embedded store did, and goes on learning from them.
 */
const run = promisify(execFile);

function nudge(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [MAIN, ...args], { env: { ...process.env, NUDGE_DATA_DIR: '', NUDGE_STORE: '', ...env } });
}

const SEGMENTS = ['all', 'vip', ''];

/** imp-a loses offer c after learning (c is retired in the layout); imp-b decays by time; imp-c is admin-defined. */
const A_FULL = campaign('imp-a', { offers: [offer('a'), offer('b', 2, 3), offer('c', 0.5, 0.7)], segmentBy: ['tier'] });
const A_NOW = { ...A_FULL, offers: A_FULL.offers.slice(0, 2), version: 2 };
const B = campaign('imp-b', { offers: [offer('x'), offer('y', 3, 1)], defaultOffer: 'x', decay: { halfLife: 3_600_000, unit: 'ms' } });
const C = campaign('imp-c', { offers: [offer('p'), offer('q')], defaultOffer: 'p', decay: { halfLife: 50, unit: 'events' } });
/** Contextual: its weights are a `~ctx~imp-d` table in LMDB, a weights hash in Redis. */
const D = parseCampaign(
  {
    name: 'imp-d',
    policy: 'logistic-thompson',
    policy_params: { batchSize: 1000, priorPrecision: 4 },
    features: [{ name: 'x', source: 'context' }],
    offers: [{ id: 'u' }, { id: 'v' }],
  },
  'test',
);

interface ArmsCopy {
  t: number;
  offers: Record<string, number[]>;
}

function armsOf(store: LearningStore, c: CampaignConfig, segment: string): ArmsCopy | null {
  const e = store.arms(c.name, segment);
  if (e === null) return null;
  const offers: Record<string, number[]> = {};
  for (const o of c.offers) {
    const s = e.slots.get(o.id);
    if (s === undefined) continue;
    offers[o.id] = [e.table.alpha[s]!, e.table.beta[s]!, e.table.priorAlpha[s]!, e.table.priorBeta[s]!];
  }
  return { t: e.table.meta[0]!, offers };
}

interface Snapshot {
  arms: Record<string, ArmsCopy | null>;
  counters: Record<string, unknown>;
}

function snapshot(store: LearningStore, configs: readonly CampaignConfig[]): Snapshot {
  const out: Snapshot = { arms: {}, counters: {} };
  for (const c of configs) {
    if (c.features !== undefined && c.features.length > 0) {
      const e = store.arms(contextualName(c.name), CONTEXTUAL_SEGMENT);
      const w: Record<string, number[]> = {};
      for (const o of c.offers) {
        for (const col of ['bias', 'x']) {
          const s = e?.slots.get(weightSlotId(o.id, col));
          if (e !== null && s !== undefined) w[`${o.id}/${col}`] = [e.table.alpha[s]!, e.table.beta[s]!, e.table.priorAlpha[s]!, e.table.priorBeta[s]!];
        }
      }
      out.arms[contextualName(c.name)] = { t: 0, offers: w };
    }
    out.counters[c.name] = store.counters(c.name);
    for (const s of SEGMENTS) {
      out.arms[`${c.name}/${s}`] = armsOf(store, c, s);
      out.counters[`${c.name}/${s}`] = store.counters(c.name, s);
    }
  }
  return out;
}

/** An embedded store that learned: decisions in three segments, control decisions, real and fractional rewards. */
async function learnInLmdb(dataDir: string): Promise<void> {
  const store = await openLmdbStore({ dataDir });
  try {
    for (const c of [A_FULL, B, C, D]) store.syncCampaign(c);
    await store.saveCampaign(C);
    const r = mulberry32(11);
    const outcomes = [];
    for (let i = 0; i < 300; i++) {
      const c = [A_FULL, B, C][i % 3]!;
      const ids = c.offers.map((o) => o.id);
      const shown = [ids[Math.floor(r() * ids.length)]!];
      if (r() < 0.3) shown.push(ids.find((id) => id !== shown[0])!);
      const d = decision(c.name, shown, { segment: SEGMENTS[Math.floor(i / 3) % SEGMENTS.length]!, control: r() < 0.1, customerId: `cust-${i}` });
      store.logDecision(d);
      for (const o of shown) if (r() < 0.8) outcomes.push({ decisionId: d.id, offerId: o, reward: r() < 0.2 ? 0.25 : r() < 0.4 ? 1 : 0, timestampMs: 0 });
    }
    for (let i = 0; i < 40; i++) {
      const d = decision('imp-d', [i % 2 === 0 ? 'u' : 'v'], { segment: '', policy: 'logistic-thompson', features: [1, i % 3] });
      store.logDecision(d);
      outcomes.push({ decisionId: d.id, offerId: d.offers[0]!.offerId, reward: i % 3 === 0 ? 1 : 0, timestampMs: 0 });
    }
    const acks = await store.applyOutcomes(outcomes);
    expect(acks.every((a) => a.status === 'APPLIED')).toBe(true);
    store.syncCampaign(A_NOW);
    await store.flush();
  } finally {
    await store.close();
  }
}

async function lmdbSnapshot(dataDir: string, configs: readonly CampaignConfig[]): Promise<Snapshot> {
  const store: LmdbStore = await openLmdbStore({ dataDir });
  try {
    for (const c of configs) store.syncCampaign(c);
    return snapshot(store, configs);
  } finally {
    await store.close();
  }
}

async function redisSnapshot(store: RedisStore, configs: readonly CampaignConfig[]): Promise<Snapshot> {
  for (const c of configs) store.syncCampaign(c);
  await store.flush();
  await store.flush();
  return snapshot(store, configs);
}

/** Every key the import may write, with its value, to show that a refused import wrote nothing. */
async function redisState(client: ScriptedClient, campaigns: readonly string[]): Promise<unknown> {
  const out: Record<string, unknown> = { rv: await client.get(keys.registryVersion), admin: await client.hgetall(keys.campaigns) };
  for (const c of campaigns) {
    out[c] = {
      v: await client.get(keys.version(c)),
      pv: await client.hgetall(keys.posteriorVersions(c)),
      n: await client.hgetall(keys.counters(c)),
      p: await Promise.all(SEGMENTS.map((s) => client.hgetall(keys.posterior(c, s)))),
      w: await client.hgetall(keys.weights(c)),
    };
  }
  return out;
}

interface Backend {
  url: string;
  stop(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  ['single Redis server', async () => startRedis()],
  ['3-master Redis Cluster', async () => startRedisCluster()],
];

describe('evidence', () => {
  it('is a difference the mirror adds back to the prior exactly', () => {
    const r = mulberry32(5);
    for (let i = 0; i < 10_000; i++) {
      const prior = [1, 0.3, 2, 0.1, 7.77][i % 5]!;
      const value = prior + r() * 10 ** (r() * 8 - 2) * (r() < 0.1 ? -0.5 : 1);
      expect(prior + evidence(value, prior)).toBe(value);
    }
  });
});

describe.each(backends)('nudge state import into a %s', (_name, start) => {
  let redis: Backend;
  let client: ScriptedClient;
  let lmdbDir: string;
  let file: string;

  beforeAll(async () => {
    redis = await start();
    client = (await connectRedis({ url: redis.url, username: null, password: null, commandTimeoutMs: 5000, connectTimeoutMs: 5000 })).client;
    lmdbDir = tempDir('import-lmdb');
    await learnInLmdb(lmdbDir);
    file = path.join(tempDir('import-file'), 'state.json');
    await nudge(['state', 'export', file, '--data-dir', lmdbDir]);
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('loads an LMDB export; a RedisStore then serves the same posteriors and counters, and learns on from them', async () => {
    const dump = JSON.parse(fs.readFileSync(file, 'utf8')) as StateDump;
    expect(dump.arms.length).toBe(11);
    // The file names the target through NUDGE_STORE on the cluster, --store on the single server.
    const viaEnv = _name.includes('Cluster');
    const r = await nudge(['state', 'import', file, ...(viaEnv ? [] : ['--store', redis.url])], viaEnv ? { NUDGE_STORE: redis.url } : {});
    expect(r.stderr).toMatch(/imported 1 campaigns, 10 posterior tables, 10 counter records, contextual weights of 1 campaigns from .* into redis:\/\//);
    expect(await client.get(keys.registryVersion)).toBe('1');
    for (const c of ['imp-a', 'imp-b', 'imp-c']) {
      expect(await client.get(keys.version(c))).toBe('1');
      expect(await client.hgetall(keys.posteriorVersions(c))).toEqual({ all: '1', vip: '1', '': '1' });
    }
    // A time-decayed table keeps its last decay time; c (retired) keeps its evidence under its id.
    expect(Number((await client.hgetall(keys.posterior('imp-b', 'all')))['t'])).toBeGreaterThan(0);
    expect(Object.keys(await client.hgetall(keys.posterior('imp-a', 'vip')))).toEqual(expect.arrayContaining(['a:a', 'b:b', 'a:c', 'b:c']));

    expect(Object.keys(await client.hgetall(keys.weights('imp-d'))).sort()).toEqual(['u\0bias', 'u\0x', 'v\0bias', 'v\0x']);
    const lmdb = await lmdbSnapshot(lmdbDir, [A_NOW, B, C, D]);
    const store = await RedisStore.open({ url: redis.url, dataDir: tempDir('import-node'), syncMs: 20 });
    try {
      expect(store.savedCampaigns()).toEqual([C]);
      const got = await redisSnapshot(store, [A_NOW, B, C, D]);
      expect(got).toEqual(lmdb);
      expect(got.arms['~ctx~imp-d']!.offers['u/x']![0]).not.toBe(0);
      // Spot checks that the comparison compares something.
      expect(got.arms['imp-a/vip']!.offers['b']![2]).toBe(2);
      expect(got.arms['imp-b/all']!.t).toBeGreaterThan(0);
      expect((got.counters['imp-a'] as { treatment: { outcomes: number } }).treatment.outcomes).toBeGreaterThan(20);
      expect((got.counters['imp-a/all'] as { control: { decisions: number } }).control.decisions).toBeGreaterThan(0);

      // The retired offer comes back with what it learned, on both stores.
      const lmdbFull = await lmdbSnapshot(lmdbDir, [A_FULL]);
      const full = await redisSnapshot(store, [A_FULL]);
      expect(full.arms).toEqual(lmdbFull.arms);
      expect(full.arms['imp-a/vip']!.offers['c']![0]).not.toBe(0.5);

      // Learning goes on from the imported evidence as it would have in LMDB.
      const d = decision('imp-c', ['q'], { segment: 'vip' });
      store.logDecision(d);
      await store.flush();
      expect((await store.applyOutcomes([{ decisionId: d.id, offerId: 'q', reward: 1, timestampMs: 0 }]))[0]!.status).toBe('APPLIED');
      await store.flush();
      const copy = tempDir('import-lmdb-copy');
      fs.cpSync(lmdbDir, copy, { recursive: true });
      const embedded = await openLmdbStore({ dataDir: copy });
      try {
        embedded.syncCampaign(C);
        embedded.logDecision(d);
        expect((await embedded.applyOutcomes([{ decisionId: d.id, offerId: 'q', reward: 1, timestampMs: 0 }]))[0]!.status).toBe('APPLIED');
        const want = armsOf(embedded, C, 'vip')!;
        const have = armsOf(store, C, 'vip')!;
        for (const o of ['p', 'q']) for (let i = 0; i < 4; i++) expect(have.offers[o]![i]).toBeCloseTo(want.offers[o]![i]!, 10);
        expect(store.counters('imp-c', 'vip')).toEqual(embedded.counters('imp-c', 'vip'));
      } finally {
        await embedded.close();
      }
    } finally {
      await store.close();
    }
  });

  it('refuses, writing nothing, when the store already holds state for a campaign of the file; --force replaces it', async () => {
    const names = ['imp-a', 'imp-b', 'imp-c', 'imp-d'];
    const before = await redisState(client, names);
    await expect(nudge(['state', 'import', file, '--store', redis.url])).rejects.toMatchObject({
      stderr: expect.stringMatching(/already holds state for campaigns "imp-a", "imp-b", "imp-c", "imp-d"; nothing was imported \(use --force/),
    });
    expect(await redisState(client, names)).toEqual(before);

    // Only an admin campaign of the same name is state too; a file without it is refused for the rest.
    const dump = JSON.parse(fs.readFileSync(file, 'utf8')) as StateDump;
    const onlyB = { ...dump, campaigns: [], layouts: dump.layouts.filter((l) => l.campaign === 'imp-b'), arms: dump.arms.filter((a) => a.campaign === 'imp-b'), counters: [] };
    await expect(importStateIntoRedis(client, onlyB)).rejects.toThrow(StateExistsError);
    await expect(importStateIntoRedis(client, { ...dump, layouts: [], arms: [], counters: [] })).rejects.toThrow(/campaign "imp-c"/);
    expect(await redisState(client, names)).toEqual(before);

    // A state of the file that grew since: --force replaces each (campaign, segment) of the file.
    await client.hset(keys.posterior('imp-a', 'all'), 'a:zz', '5');
    await client.hset(keys.counters('imp-a'), 'i\u001fall\u001fzz', '9', 'i\u001fother\u001fzz', '4');
    await client.hset(keys.weights('imp-d'), 'zz\0bias', '1 1');
    const r = await nudge(['state', 'import', file, '--store', redis.url, '--force']);
    expect(r.stderr).toMatch(/imported 1 campaigns/);
    const after = (await redisState(client, names)) as Record<string, { v: string; pv: Record<string, string>; n: Record<string, string>; p: unknown[]; w: unknown }>;
    const was = before as typeof after;
    expect(after['imp-a']!.v).toBe(String(Number(was['imp-a']!.v) + 1));
    expect(after['imp-a']!.pv['all']).toBe(String(Number(was['imp-a']!.pv['all']) + 1));
    expect(after['imp-a']!.p).toEqual(was['imp-a']!.p);
    // The file's segment is replaced; a segment the file does not have stays.
    expect(after['imp-a']!.n).toEqual({ ...was['imp-a']!.n, 'i\u001fother\u001fzz': '4' });
    // The file's weights replace the campaign's weights hash.
    expect(after['imp-d']!.w).toEqual(was['imp-d']!.w);
    expect(await client.get(keys.registryVersion)).toBe(String(Number((before as { rv: string }).rv) + 1));
  });

  it('checks the file and the target before writing', async () => {
    await expect(nudge(['state', 'import', file, '--store', 'http://nowhere'])).rejects.toMatchObject({ stderr: expect.stringMatching(/--store: must be "lmdb" or a redis/) });
    await expect(nudge(['state', 'import', file, '--store', redis.url, '--data-dir', lmdbDir])).rejects.toMatchObject({
      stderr: expect.stringMatching(/give one of them/),
    });
    const bad = path.join(tempDir('import-bad'), 'bad.json');
    const dump = JSON.parse(fs.readFileSync(file, 'utf8')) as StateDump;
    fs.writeFileSync(bad, JSON.stringify({ ...dump, layouts: [] }));
    await expect(nudge(['state', 'import', bad, '--store', redis.url, '--force'])).rejects.toMatchObject({ stderr: expect.stringMatching(/no slot layout for campaign "imp-a"/) });
    // LMDB stays the default target, and NUDGE_STORE=redis does not make export read an empty directory.
    const fresh = tempDir('import-lmdb-target');
    expect((await nudge(['state', 'import', file, '--data-dir', fresh])).stderr).toMatch(/imported 1 campaigns, 11 posterior tables, 10 counter records from/);
    await expect(nudge(['state', 'export', '-'], { NUDGE_STORE: redis.url })).rejects.toMatchObject({ stderr: expect.stringMatching(/pass --data-dir/) });
  });
});
