import type { ServerOptions } from '../config';
import { openLmdbStore } from './lmdb-store';
import { RedisStore } from './redis/redis-store';
import type { LearningStore } from './types';

/**
 * The store NUDGE_STORE names: the embedded LMDB store, or the Redis store shared by every process
 * and node. The only place that knows which implementations exist.
 */
export async function openStore(o: ServerOptions, processIndex: number): Promise<LearningStore> {
  if (o.store === 'lmdb') return openLmdbStore({ dataDir: o.dataDir, decisionRetentionMs: o.decisionRetentionMs, seriesRetentionMs: o.seriesRetentionMs });
  return RedisStore.open({
    url: o.store,
    username: o.redisUsername,
    password: o.redisPassword,
    tlsCa: o.redisTlsCa,
    dataDir: o.dataDir,
    processIndex,
    syncMs: o.syncMs,
    graceMs: o.redisGraceMs,
    decisionTtlMs: o.redisDecisionTtlMs,
    spoolMax: o.spoolMax,
    decisionRetentionMs: o.decisionRetentionMs,
    seriesRetentionMs: o.seriesRetentionMs,
  });
}

/** NUDGE_PROCESS_INDEX, set by the supervisor for each serving process (0 when there is one). */
export function processIndexFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['NUDGE_PROCESS_INDEX'];
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`NUDGE_PROCESS_INDEX must be an integer >= 0 (got "${raw}")`);
  return n;
}
