/**
 * Part 5: Redis memory per decision in flight. A clean Redis and one Nudge on it; used_memory (INFO
 * memory) once the server has synced, then N decisions through DecideBatch on the bench campaign
 * (reward_wait_ms 1 h: every join record and due entry stays), then, once every join record is in
 * Redis (DBSIZE grew by N) and the count held still for a second, used_memory again. Bytes per
 * decision = the growth / N; per 1M decisions in flight = that x 1e6. MEMORY USAGE of one join record
 * and of the campaign's due set break the figure down.
 */
import { benchCampaignName } from '../campaign-files';
import { benchWorkDir } from '../workdir';
import { loadAverage, type ScaleContext } from './context';
import { round } from './figures';
import { clients, collectDecisions } from './rpc';

export interface MemoryResult {
  readonly decisions: number;
  readonly decideErrors: number;
  readonly decideSeconds: number;
  readonly keysAdded: number;
  readonly usedMemoryBefore: number;
  readonly usedMemoryAfter: number;
  readonly bytesPerDecision: number;
  readonly mbPer1M: number;
  readonly rssBytesPerDecision: number;
  /** MEMORY USAGE of one join record key (bytes), its TTL (ms) and of the due sorted set per decision. */
  readonly joinRecordBytes: number | null;
  readonly joinRecordTtlMs: number | null;
  readonly dueSetBytesPerDecision: number | null;
  readonly flushWaitMs: number;
  readonly loadAverage: number[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function measureMemory(ctx: ScaleContext): Promise<MemoryResult> {
  const n = ctx.s.memoryDecisions;
  const campaign = benchCampaignName(100);
  const serverCpus = ctx.plan.invalid === null ? [ctx.plan.server[0]!] : ctx.plan.all;
  const redis = await ctx.redis('everysec');
  const w = benchWorkDir('scale-memory', [100]);
  try {
    const srv = await ctx.nudge('nudge-memory', { ...w.nudgeEnv, NUDGE_STORE: redis.url }, serverCpus);
    const c = clients(srv.address);
    try {
      // One decision makes the campaign's keys (counters, posteriors, due set) exist before the baseline.
      await collectDecisions(c, { campaign, n: 1, batch: 1, concurrency: 1, seed: 1, keep: false });
      await sleep(1000);
      const mem0 = await redis.info('memory');
      const keys0 = await redis.client.dbsize();
      const d = await collectDecisions(c, { campaign, n, batch: 1000, concurrency: 4, seed: 2, keep: false });
      const t0 = performance.now();
      let keys = keys0;
      let lastChange = performance.now();
      while (performance.now() - t0 < 120_000) {
        const k = await redis.client.dbsize();
        if (k !== keys) {
          keys = k;
          lastChange = performance.now();
        }
        if (keys - keys0 >= n - d.errors && performance.now() - lastChange > 1000) break;
        await sleep(100);
      }
      const flushWaitMs = Math.round(performance.now() - t0);
      const mem1 = await redis.info('memory');
      const used0 = Number(mem0.used_memory);
      const used1 = Number(mem1.used_memory);
      const made = n - d.errors;
      const [sample] = (await redis.client.scan('0', 'MATCH', 'nudge:d:*', 'COUNT', 1000))[1];
      const joinRecordBytes = sample ? Number(await redis.client.call('MEMORY', 'USAGE', sample)) : null;
      const joinRecordTtlMs = sample ? Number(await redis.client.pttl(sample)) : null;
      const dueKey = `nudge:{c:${campaign}}:due`;
      const dueBytes = Number(await redis.client.call('MEMORY', 'USAGE', dueKey, 'SAMPLES', '0'));
      const dueCard = await redis.client.zcard(dueKey);
      const bytesPerDecision = (used1 - used0) / made;
      const result: MemoryResult = {
        decisions: made,
        decideErrors: d.errors,
        decideSeconds: round(d.seconds, 2),
        keysAdded: keys - keys0,
        usedMemoryBefore: used0,
        usedMemoryAfter: used1,
        bytesPerDecision: Math.round(bytesPerDecision),
        mbPer1M: round((bytesPerDecision * 1e6) / 2 ** 20, 1),
        rssBytesPerDecision: Math.round((Number(mem1.used_memory_rss) - Number(mem0.used_memory_rss)) / made),
        joinRecordBytes,
        joinRecordTtlMs,
        dueSetBytesPerDecision: dueCard > 0 && Number.isFinite(dueBytes) ? Math.round(dueBytes / dueCard) : null,
        flushWaitMs,
        loadAverage: loadAverage(),
      };
      ctx.log(`memory: ${made} decisions (${d.seconds.toFixed(1)} s), ${result.keysAdded} keys, ${result.bytesPerDecision} B/decision = ${result.mbPer1M} MB per 1M in flight; join record ${joinRecordBytes} B, due set ${result.dueSetBytesPerDecision} B/decision`);
      return result;
    } finally {
      c.close();
    }
  } finally {
    await ctx.cleanup();
    w.remove();
  }
}
