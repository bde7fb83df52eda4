import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionLogPaths, exportDecisionLog, type ExportedDecision } from '../../src/store/export';
import { openLmdbStore } from '../../src/store/lmdb-store';
import { RedisStore } from '../../src/store/redis/redis-store';
import type { DecisionRecord, LearningStore } from '../../src/store/types';
import { MAIN } from '../hardening/helpers';
import { tempDir } from '../server/helpers';
import { startRedis, type RedisProc } from '../support/redis';
import { campaign, decision } from './helpers';

/**
 * `nudge decisions export` over several nodes: two nodes of a Redis store (node A with two serving
 * processes, node B with one) and an embedded store's directory. Each process logs its own decisions;
 * an outcome is applied (and recorded) by whichever process received it. The export is one stream in
 * decision id (= time) order with every outcome joined to its decision.
 */
const run = promisify(execFile);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('decision export merged across nodes', () => {
  let redis: RedisProc;
  const nodeA = tempDir('merge-node-a');
  const nodeB = tempDir('merge-node-b');
  const embedded = tempDir('merge-embedded');
  const made: DecisionRecord[] = [];
  const c = campaign('merge');
  const solo = campaign('solo');

  beforeAll(async () => {
    redis = await startRedis();
    const a0 = await RedisStore.open({ url: redis.url, dataDir: nodeA, processIndex: 0, syncMs: 20 });
    const a1 = await RedisStore.open({ url: redis.url, dataDir: nodeA, processIndex: 1, syncMs: 20 });
    const b0 = await RedisStore.open({ url: redis.url, dataDir: nodeB, processIndex: 0, syncMs: 20 });
    const lm = await openLmdbStore({ dataDir: embedded });
    const redisStores = [a0, a1, b0];
    try {
      for (const s of redisStores) s.syncCampaign(c);
      lm.syncCampaign(solo);
      // Decisions a few ms apart, each on another process: every log holds an interleaved part of the timeline.
      const where: LearningStore[] = [a0, b0, a1, lm, a0, b0, a1, a0];
      for (const [i, s] of where.entries()) {
        const d = decision(s === lm ? 'solo' : 'merge', ['a', 'b'], { customerId: `m-${i}`, ts: Date.now() });
        s.logDecision(d);
        made.push(d);
        await sleep(3);
      }
      await Promise.all([...redisStores, lm].map((s) => s.flush()));
      const ack = async (s: LearningStore, d: DecisionRecord, offerId: string, reward: number): Promise<void> => {
        expect((await s.applyOutcomes([{ decisionId: d.id, offerId, reward, timestampMs: 0 }]))[0]!.status).toBe('APPLIED');
      };
      await ack(b0, made[0]!, 'a', 1); // logged on A/0, applied on B
      await ack(a1, made[1]!, 'b', 0.5); // logged on B, applied on A/1
      await ack(a0, made[1]!, 'a', 0); // the other offer of the same decision, on A/0
      await ack(a0, made[2]!, 'a', 1); // logged on A/1, applied on A/0 (same node, other process)
      await ack(lm, made[3]!, 'b', 1); // embedded store
      await ack(b0, made[7]!, 'b', 0.25);
      // Sent again to another replica: DUPLICATE, not a second record.
      expect((await a1.applyOutcomes([{ decisionId: made[0]!.id, offerId: 'a', reward: 0, timestampMs: 0 }]))[0]!.status).toBe('DUPLICATE');
    } finally {
      for (const s of [...redisStores, lm]) await s.close();
    }
  }, 60_000);

  afterAll(async () => {
    await redis?.stop();
    for (const t of [nodeA, nodeB, embedded]) fs.rmSync(t, { recursive: true, force: true });
  });

  const expected = (): Array<{ id: string; campaign: string; outcomes: Record<string, number> }> => {
    const outcomes: Array<Record<string, number>> = made.map(() => ({}));
    outcomes[0] = { a: 1 };
    outcomes[1] = { a: 0, b: 0.5 };
    outcomes[2] = { a: 1 };
    outcomes[3] = { b: 1 };
    outcomes[7] = { b: 0.25 };
    return made.map((d, i) => ({ id: d.id, campaign: d.campaign, outcomes: outcomes[i]! }));
  };

  it('finds the embedded log and every process log of a directory', () => {
    expect(decisionLogPaths(nodeA)).toEqual([path.join(nodeA, 'node-0', 'state'), path.join(nodeA, 'node-1', 'state')]);
    expect(decisionLogPaths(embedded)).toEqual([path.join(embedded, 'state')]);
  });

  it('writes one stream in id order with every outcome joined, whichever node applied it', async () => {
    expect([...made.map((d) => d.id)].sort()).toEqual(made.map((d) => d.id));
    const all: ExportedDecision[] = [];
    // The same directory twice does not duplicate anything.
    expect(await exportDecisionLog([nodeB, nodeA, embedded, nodeA], {}, (d) => void all.push(d))).toBe(8);
    expect(all.map((d) => ({ id: d.id, campaign: d.campaign, outcomes: d.outcomes }))).toEqual(expected());
    expect(all[0]).toMatchObject({ customerId: 'm-0', offers: made[0]!.offers });
    // Each node alone has only its part.
    const onlyA: ExportedDecision[] = [];
    await exportDecisionLog(nodeA, {}, (d) => void onlyA.push(d));
    expect(onlyA.map((d) => d.id)).toEqual([0, 2, 4, 6, 7].map((i) => made[i]!.id));
    expect(onlyA[0]!.outcomes).toEqual({});
    expect(onlyA[1]!.outcomes).toEqual({ a: 1 });
  });

  it('nudge decisions export takes several --data-dir values; --from and --campaign apply to the merge', async () => {
    const env = { ...process.env, NUDGE_DATA_DIR: '' };
    const out = path.join(tempDir('merge-out'), 'decisions.ndjson');
    const r = await run(process.execPath, [MAIN, 'decisions', 'export', '--data-dir', nodeA, nodeB, '--data-dir', embedded, '--out', out], { env });
    expect(r.stderr).toMatch(/exported 8 decisions/);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ExportedDecision);
    expect(lines.map((d) => ({ id: d.id, campaign: d.campaign, outcomes: d.outcomes }))).toEqual(expected());

    // The form docs/scaling.md shows: the file first, one --data-dir per node.
    const out2 = path.join(tempDir('merge-out'), 'all.ndjson');
    await run(process.execPath, [MAIN, 'decisions', 'export', out2, '--data-dir', nodeA, '--data-dir', nodeB, '--data-dir', embedded], { env });
    expect(fs.readFileSync(out2, 'utf8')).toBe(fs.readFileSync(out, 'utf8'));

    const part = await run(process.execPath, [MAIN, 'decisions', 'export', '--data-dir', nodeA, nodeB, embedded, '--campaign', 'merge', '--from', made[2]!.id], { env });
    const ids = part.stdout.trim().split('\n').map((l) => (JSON.parse(l) as ExportedDecision).id);
    expect(ids).toEqual([2, 4, 5, 6, 7].map((i) => made[i]!.id));

    await expect(run(process.execPath, [MAIN, 'decisions', 'export', '--data-dir', nodeA, tempDir('merge-empty')], { env })).rejects.toMatchObject({
      stderr: expect.stringMatching(/no learning state at .*merge-empty.*state or .*node-\*.*state/),
    });
  });
});
