import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, it } from 'vitest';
import { parseCampaign } from '../../../src/campaigns/schema';
import type { CampaignConfig } from '../../../src/campaigns/types';
import { openLmdbStore } from '../../../src/store/lmdb-store';
import { RedisStore } from '../../../src/store/redis/redis-store';
import type { DecisionRecord, LearningStore } from '../../../src/store/types';
import { startRedis, startRedisCluster } from '../../support/redis';

/**
 * The backends of the store contract suite (test/store/contract/*.contract.test.ts): every part of
 * LearningStore (src/store/types.ts) is checked with the same expectations against the embedded LMDB
 * store, which defines today's behaviour, and against the Redis store on a real single redis-server and
 * on a real 3-master Redis Cluster (test/support/redis.ts).
 *
 * Each test file does `describe.each(backends)` and `const env = useBackend(backend)`: the backend's
 * servers start once per file (beforeAll), every store a test opens is closed after it, and tests keep
 * apart by giving every campaign its own name (`uniqueName`), since all keys of a campaign carry its
 * name. The Redis registry (saved campaigns, models) is shared by all tests of a file: tests look only
 * at their own names in it.
 */

/** Options both stores take (LmdbStoreOptions and RedisStoreOptions share these names). */
export interface OpenOptions {
  /** Decisions one sweep takes (per campaign with Redis). */
  sweepLimit?: number;
  /** Redis only: how often the local copy is refreshed (ms). */
  syncMs?: number;
}

export interface Backend {
  readonly name: string;
  readonly kind: 'lmdb' | 'redis';
  /**
   * Whether a second store can open the same shared state while the first is open (two processes or
   * nodes on one Redis). The LMDB store serves one process: there is no second instance to check.
   */
  readonly shared: boolean;
  /** Starts what the backend needs (servers); once per file. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A fresh store with its own data dir (for Redis: on the shared server, its own node-local files). */
  open(dataDir: string, opts?: OpenOptions): Promise<LearningStore>;
  /**
   * Waits until the store's local view (arms, counters, savedCampaigns, models) reflects its own writes
   * and, for a shared backend, what other stores had written when it was called.
   */
  settle(store: LearningStore): Promise<void>;
}

function lmdbBackend(): Backend {
  return {
    name: 'lmdb',
    kind: 'lmdb',
    shared: false,
    start: async () => undefined,
    stop: async () => undefined,
    open: (dataDir, opts = {}) => openLmdbStore({ dataDir, ...(opts.sweepLimit !== undefined ? { sweepLimit: opts.sweepLimit } : {}) }),
    settle: (store) => store.flush(),
  };
}

function redisBackend(name: string, startServer: () => Promise<{ url: string; stop(): Promise<void> }>): Backend {
  let server: { url: string; stop(): Promise<void> } | null = null;
  return {
    name,
    kind: 'redis',
    shared: true,
    start: async () => {
      server = await startServer();
    },
    stop: async () => {
      await server?.stop();
      server = null;
    },
    open: (dataDir, opts = {}) => {
      if (server === null) throw new Error(`${name}: not started`);
      return RedisStore.open({ url: server.url, dataDir, syncMs: opts.syncMs ?? 50, ...(opts.sweepLimit !== undefined ? { sweepLimit: opts.sweepLimit } : {}) });
    },
    // flush(): sends the queued decision batch, then runs a refresh of the local copy (mirror) that
    // starts after it.
    settle: (store) => store.flush(),
  };
}

/** A fresh list per file: each backend holds the servers of the file that uses it. */
export function backends(): Backend[] {
  return [
    lmdbBackend(),
    redisBackend('redis (single server)', () => startRedis()),
    redisBackend('redis (3-master cluster)', () => startRedisCluster()),
  ];
}

export interface BackendEnv {
  /** A fresh store; closed after the test. */
  open(opts?: OpenOptions): Promise<LearningStore>;
  /**
   * Closes `store` and opens a store on the same state again (same data dir: for LMDB the same files,
   * for Redis the same server and node-local files): what a restart of the process sees.
   */
  reopen(store: LearningStore, opts?: OpenOptions): Promise<LearningStore>;
  settle(store: LearningStore): Promise<void>;
}

/** Registers the hooks of one backend in the current describe block. */
export function useBackend(b: Backend): BackendEnv {
  const open = new Set<LearningStore>();
  const dirs = new Map<LearningStore, string>();
  const allDirs: string[] = [];
  beforeAll(() => b.start(), 60_000);
  afterEach(async () => {
    const stores = [...open];
    open.clear();
    await Promise.all(stores.map((s) => s.close()));
  });
  afterAll(async () => {
    await b.stop();
    for (const d of allDirs) rmSync(d, { recursive: true, force: true });
  });
  const openIn = async (dir: string, opts?: OpenOptions): Promise<LearningStore> => {
    const s = await b.open(dir, opts);
    open.add(s);
    dirs.set(s, dir);
    return s;
  };
  return {
    open: (opts) => {
      const dir = mkdtempSync(join(tmpdir(), 'nudge-contract-'));
      allDirs.push(dir);
      return openIn(dir, opts);
    },
    reopen: async (store, opts) => {
      const dir = dirs.get(store);
      if (dir === undefined) throw new Error('reopen: not a store of this test');
      open.delete(store);
      await store.close();
      return openIn(dir, opts);
    },
    settle: (store) => b.settle(store),
  };
}

let seq = 0;
/** A campaign name no other test (or earlier run on the same server) uses. */
export function uniqueName(prefix: string): string {
  seq += 1;
  return `${prefix}-${process.pid}-${seq}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A campaign as AdminService or a YAML file gives it (snake_case keys), through the real parser. */
export function campaign(name: string, fields: Record<string, unknown> = {}): CampaignConfig {
  return parseCampaign(
    {
      name,
      offers: [
        { id: 'x', prior_alpha: 2, prior_beta: 3 },
        { id: 'y', prior_alpha: 1, prior_beta: 1 },
        { id: 'z', prior_alpha: 0.5, prior_beta: 4 },
      ],
      ...fields,
    },
    'contract-test',
  );
}

/** Predicted probability of every shown offer of `decision()`: delta = reward - PROBABILITY. */
export const PROBABILITY = 0.25;

export function decision(campaignName: string, offers: readonly string[], over: Partial<DecisionRecord> = {}): DecisionRecord {
  return baseDecision(campaignName, [...offers], {
    segment: '',
    offers: offers.map((offerId) => ({ offerId, score: 0.5, probability: PROBABILITY, propensity: 1 / offers.length })),
    ...over,
  });
}

/** alpha and beta of each current offer of (campaign, segment); priors when there is no table yet. */
export function posterior(store: LearningStore, c: CampaignConfig, segment = ''): Record<string, { alpha: number; beta: number }> {
  const entry = store.arms(c.name, segment);
  const out: Record<string, { alpha: number; beta: number }> = {};
  for (const o of c.offers) {
    const slot = entry?.slots.get(o.id);
    out[o.id] =
      entry === null || slot === undefined ? { alpha: o.priorAlpha, beta: o.priorBeta } : { alpha: entry.table.alpha[slot]!, beta: entry.table.beta[slot]! };
  }
  return out;
}

/** The priors of every offer, in posterior()'s shape. */
export function priors(c: CampaignConfig): Record<string, { alpha: number; beta: number }> {
  const out: Record<string, { alpha: number; beta: number }> = {};
  for (const o of c.offers) out[o.id] = { alpha: o.priorAlpha, beta: o.priorBeta };
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export { withoutCalibration } from '../helpers';
import { decision as baseDecision } from '../helpers';
