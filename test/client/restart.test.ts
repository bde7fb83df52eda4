import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { NudgeClient, Outcome } from '../../src/client/index';
import { CAMPAIGNS, clientOf, countedOutcomes, startTestServer, tempDir, waitFor, type TestServer } from './helpers';

/**
 * Retries that must not count an outcome twice: a batch resent after the server applied it but its
 * answer was lost, and a writer that keeps retrying while the server restarts on the same port and
 * data directory. The server's own counters (GetCampaignStats) are the judge.
 */

const STREAM_OUTCOMES = '/nudge.v1.DecisionService/StreamOutcomes';

// Patient enough for a restart on a loaded machine: hundreds of tries, at most 200 ms apart.
const PATIENT = { maxAttempts: 1000, initialBackoffMs: 20, maxBackoffMs: 200 };

async function outcomesFor(client: NudgeClient, prefix: string, n: number): Promise<Outcome[]> {
  const customerIds = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const { decisions } = await client.decideBatch({ campaign: 'banner', customerIds });
  return decisions.map((d, i) => ({ decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: i % 2 }));
}

/**
 * Lets the first StreamOutcomes call reach the server (which applies and commits it) but replaces
 * its answer with UNAVAILABLE, as a connection lost just before the reply would.
 */
function loseFirstReply(): grpc.Interceptor {
  let lost = false;
  return (options, nextCall) => {
    if (lost || options.method_definition.path !== STREAM_OUTCOMES) return new grpc.InterceptingCall(nextCall(options));
    lost = true;
    return new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        // The summary passes (holding it would stall the call); with a failed status, grpc-js
        // drops it and hands the caller the error.
        next(metadata, {
          onReceiveStatus: (status, nextStatus) => nextStatus({ ...status, code: grpc.status.UNAVAILABLE, details: 'test: the reply was lost' }),
        });
      },
    });
  };
}

describe('retries count no outcome twice', () => {
  it('resends a batch whose answer was lost; the server says DUPLICATE and counts each outcome once', async () => {
    const ts = await startTestServer(CAMPAIGNS, { metricsListen: 'off' });
    const client = clientOf(ts.server.address, { interceptors: [loseFirstReply()], writer: { retry: PATIENT } });
    try {
      const outcomes = await outcomesFor(client, 'lost', 10);
      const before = await countedOutcomes(ts, 'banner');
      const w = client.outcomeWriter({ batchSize: 10 });
      for (const o of outcomes) await w.write(o);
      const summary = await w.close();
      // The first try applied all ten; only its answer was lost. The resend finds them applied.
      expect(summary).toMatchObject({ applied: 0, duplicate: 10, received: 10, batches: 1, retries: 1 });
      expect(await countedOutcomes(ts, 'banner')).toEqual({ outcomes: before.outcomes + 10, rewards: before.rewards + 5 });
    } finally {
      client.close();
      await ts.stop();
    }
  });

  it('keeps an outcome writer retrying across a server restart (same port, same data) and counts each outcome once', async () => {
    const dataDir = tempDir('client-restart-data');
    const campaignsDir = tempDir('client-restart-campaigns');
    let ts: TestServer | null = await startTestServer(CAMPAIGNS, { metricsListen: 'off' }, { dataDir, campaignsDir });
    const port = ts.server.port;
    const client = clientOf(ts.server.address, { writer: { retry: PATIENT } });
    try {
      const outcomes = await outcomesFor(client, 'restart', 60);
      const w = client.outcomeWriter({ batchSize: 10, maxBuffered: 20, flushIntervalMs: 5 });
      for (const o of outcomes.slice(0, 20)) await w.write(o);
      await w.flush();

      await ts.stop();
      ts = null;
      // With the server gone, batches fail with UNAVAILABLE and are retried; writes wait once 20
      // are held. The first ten outcomes are written again, as a job that restarts from a checkpoint.
      const writing = (async () => {
        for (const o of [...outcomes.slice(20), ...outcomes.slice(0, 10)]) await w.write(o);
      })();
      await waitFor(() => w.retries > 0);
      ts = await startTestServer(CAMPAIGNS, { metricsListen: 'off', listen: `127.0.0.1:${port}` }, { dataDir, campaignsDir });
      await writing;
      const summary = await w.close();

      expect(summary.retries).toBeGreaterThan(0);
      expect(summary.received).toBe(70);
      expect(summary.applied + summary.duplicate).toBe(70);
      expect(summary.unknownDecision + summary.expired + summary.invalid).toBe(0);
      // Sixty distinct outcomes (thirty with reward 1), whatever was resent.
      expect(await countedOutcomes(ts, 'banner')).toEqual({ outcomes: 60, rewards: 30 });
    } finally {
      client.close();
      await ts?.stop();
    }
  });
});
