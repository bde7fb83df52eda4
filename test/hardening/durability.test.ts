import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import type { DecideBatchResponse__Output } from '../../src/generated/nudge/v1/DecideBatchResponse';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { OutcomeAck__Output } from '../../src/generated/nudge/v1/OutcomeAck';
import { call, campaignFile, clients, tempDir, writeCampaigns } from '../server/helpers';
import { killAll, spawnServer, streamOutcomes, type StreamedOutcome } from './helpers';

afterEach(killAll);

type Out = StreamedOutcome;
const stream = streamOutcomes;

function totals(s: CampaignStats__Output): { outcomes: number; rewards: number } {
  return { outcomes: s.treatment!.outcomes + s.control!.outcomes, rewards: s.treatment!.rewards + s.control!.rewards };
}

const env = (dataDir: string, campaignsDir: string, extra: Record<string, string> = {}): Record<string, string> => ({
  NUDGE_DATA_DIR: dataDir,
  NUDGE_CAMPAIGNS: campaignsDir,
  NUDGE_METRICS_LISTEN: 'off',
  ...extra,
});

describe('kill -9 in the middle of a 100,000-outcome StreamOutcomes', () => {
  it('after a restart and a resend of everything, no acknowledged outcome is lost and none is counted twice', async () => {
    const dataDir = tempDir('k9-data');
    const campaignsDir = tempDir('k9-campaigns');
    writeCampaigns(campaignsDir, [campaignFile('k9', ['a', 'b', 'c'])]);
    const first = await spawnServer(env(dataDir, campaignsDir));
    let c = clients(first.address);

    const N = 100_000;
    const CHUNK = 10_000;
    const outcomes: Out[] = [];
    for (let b = 0; b < N / CHUNK; b++) {
      const ids = Array.from({ length: CHUNK }, (_, i) => `k9-${b}-${i}`);
      const res = await call<object, DecideBatchResponse__Output>(c.decisions.DecideBatch.bind(c.decisions), { campaign: 'k9', customerIds: ids });
      for (const d of res.decisions) outcomes.push({ decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: outcomes.length % 4 === 0 ? 1 : 0 });
    }
    expect(outcomes).toHaveLength(N);
    // One commit writes every decision queued before it: the decisions are durable from here on.
    await call<object, OutcomeAck__Output>(c.decisions.ReportOutcome.bind(c.decisions), { decisionId: 'flush', offerId: 'a', reward: 0 });

    let acked = 0;
    const KILL_IN_STREAM = 4;
    let killed = false;
    for (let b = 0; b < N / CHUNK && !killed; b++) {
      const part = outcomes.slice(b * CHUNK, (b + 1) * CHUNK);
      if (b < KILL_IN_STREAM) {
        const summary = await stream(c.decisions, part);
        expect(summary.applied).toBe(CHUNK);
        acked += CHUNK;
        continue;
      }
      const died = stream(c.decisions, part, (n) => {
        if (n === CHUNK / 2 && !killed) {
          killed = true;
          first.proc.kill('SIGKILL');
        }
      });
      await expect(died).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    }
    expect(await first.exited).toBeNull();
    c.decisions.close();
    c.admin.close();
    expect(acked).toBe(KILL_IN_STREAM * CHUNK);

    const second = await spawnServer(env(dataDir, campaignsDir));
    c = clients(second.address);
    try {
      const before = totals(await call<object, CampaignStats__Output>(c.admin.GetCampaignStats.bind(c.admin), { campaign: 'k9' }));
      // Every acknowledged outcome survived; outcomes of the killed stream may have (whole commits).
      expect(before.outcomes).toBeGreaterThanOrEqual(acked);
      expect(before.outcomes).toBeLessThanOrEqual(acked + CHUNK);
      // The client resends everything.
      let applied = 0;
      let duplicate = 0;
      for (let b = 0; b < N / CHUNK; b++) {
        const summary = await stream(c.decisions, outcomes.slice(b * CHUNK, (b + 1) * CHUNK));
        expect(summary.received).toBe(CHUNK);
        expect(summary.unknownDecision).toBe(0);
        applied += summary.applied;
        duplicate += summary.duplicate;
      }
      expect(applied + duplicate).toBe(N);
      expect(duplicate).toBe(before.outcomes);
      const after = totals(await call<object, CampaignStats__Output>(c.admin.GetCampaignStats.bind(c.admin), { campaign: 'k9' }));
      expect(after.outcomes).toBe(N);
      expect(after.rewards).toBe(N / 4);
    } finally {
      c.decisions.close();
      c.admin.close();
    }
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 300_000);
});

describe('SIGTERM under load', () => {
  it('drains in-flight calls, exits 0, and loses no acknowledged outcome', async () => {
    const dataDir = tempDir('term-data');
    const campaignsDir = tempDir('term-campaigns');
    writeCampaigns(campaignsDir, [campaignFile('term', ['a', 'b', 'c'])]);
    const first = await spawnServer(env(dataDir, campaignsDir, { NUDGE_MODE: 'pool' }));
    let c = clients(first.address);
    const acked: Out[] = [];
    let stop = false;
    let n = 0;

    const unaryLoop = async (w: number): Promise<void> => {
      while (!stop) {
        try {
          const d = await call<object, DecideResponse__Output>(c.decisions.Decide.bind(c.decisions), { campaign: 'term', customerId: `t${w}-${n++}` });
          const o = { decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: n % 2 };
          const ack = await call<object, OutcomeAck__Output>(c.decisions.ReportOutcome.bind(c.decisions), o);
          expect(ack.status).toBe('APPLIED');
          acked.push(o);
        } catch (err) {
          expect([grpc.status.UNAVAILABLE, grpc.status.CANCELLED]).toContain((err as grpc.ServiceError).code);
          return;
        }
      }
    };
    const streamLoop = async (): Promise<void> => {
      while (!stop) {
        try {
          const ids = Array.from({ length: 500 }, (_, i) => `s-${n++}-${i}`);
          const res = await call<object, DecideBatchResponse__Output>(c.decisions.DecideBatch.bind(c.decisions), { campaign: 'term', customerIds: ids });
          const part = res.decisions.map((d, i) => ({ decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: i % 3 === 0 ? 1 : 0 }));
          const summary = await stream(c.decisions, part);
          expect(summary.applied).toBe(part.length);
          acked.push(...part);
        } catch (err) {
          expect([grpc.status.UNAVAILABLE, grpc.status.CANCELLED]).toContain((err as grpc.ServiceError).code);
          return;
        }
      }
    };
    const loops = [...Array.from({ length: 8 }, (_, w) => unaryLoop(w)), streamLoop(), streamLoop()];
    while (acked.length < 3000) await new Promise((r) => setTimeout(r, 50));
    first.proc.kill('SIGTERM');
    const code = await first.exited;
    stop = true;
    await Promise.all(loops);
    expect(code).toBe(0);
    expect(first.output.some((l) => l.includes('shutting down'))).toBe(true);
    c.decisions.close();
    c.admin.close();

    const second = await spawnServer(env(dataDir, campaignsDir));
    c = clients(second.address);
    try {
      const s = totals(await call<object, CampaignStats__Output>(c.admin.GetCampaignStats.bind(c.admin), { campaign: 'term' }));
      expect(s.outcomes).toBeGreaterThanOrEqual(acked.length);
      // Each acknowledged outcome is there (DUPLICATE on resend), not counted again.
      const summary = await stream(c.decisions, acked);
      expect(summary.duplicate).toBe(acked.length);
      const again = totals(await call<object, CampaignStats__Output>(c.admin.GetCampaignStats.bind(c.admin), { campaign: 'term' }));
      expect(again.outcomes).toBe(s.outcomes);
    } finally {
      c.decisions.close();
      c.admin.close();
    }
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);
});
