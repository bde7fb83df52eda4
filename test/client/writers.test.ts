import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NudgeError, type NudgeClient, type Outcome } from '../../src/client/index';
import { CAMPAIGNS, clientOf, countedOutcomes, startTestServer, type TestServer } from './helpers';

/** Outcome and event writers: batching, the bounded buffer, flush and close, failure. */

let ts: TestServer;
let client: NudgeClient;
beforeAll(async () => {
  ts = await startTestServer(CAMPAIGNS, { metricsListen: 'off' });
  client = clientOf(ts.server.address);
});
afterAll(async () => {
  client?.close();
  await ts?.stop();
});

/** One outcome (reward 1) for the top offer of each of n fresh decisions. */
async function outcomesFor(prefix: string, n: number): Promise<Outcome[]> {
  const customerIds = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const { decisions } = await client.decideBatch({ campaign: 'banner', customerIds });
  return decisions.map((d) => ({ decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: 1 }));
}

/** Lets every queued callback and timer of this turn run, so a promise that can settle has. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** An interceptor that holds every StreamOutcomes call until open() is called. */
function gate(): { interceptor: grpc.Interceptor; open: () => void; held: () => number } {
  let release!: () => void;
  const opened = new Promise<void>((r) => (release = r));
  let held = 0;
  const interceptor: grpc.Interceptor = (options, nextCall) => {
    if (!options.method_definition.path.endsWith('/StreamOutcomes')) return new grpc.InterceptingCall(nextCall(options));
    return new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        held++;
        void opened.then(() => next(metadata, listener));
      },
    });
  };
  return { interceptor, open: release, held: () => held };
}

describe('outcome writer', () => {
  it('sends full batches as they fill, the rest on close, and returns the summaries added up', async () => {
    const outcomes = await outcomesFor('batch', 25);
    const before = await countedOutcomes(ts, 'banner');
    // A flush interval longer than the test: only full batches and close() send anything.
    const w = client.outcomeWriter({ batchSize: 10, maxBuffered: 20, flushIntervalMs: 600_000 });
    for (const o of outcomes) await w.write(o);
    const summary = await w.close();
    expect(summary).toEqual({ applied: 25, duplicate: 0, unknownDecision: 0, expired: 0, invalid: 0, received: 25, batches: 3, retries: 0 });
    expect((await countedOutcomes(ts, 'banner')).outcomes).toBe(before.outcomes + 25);
    await expect(w.write(outcomes[0]!)).rejects.toThrow('outcome writer is closed');
  });

  it('flush() resolves once everything written so far is applied', async () => {
    const outcomes = await outcomesFor('flush', 3);
    const before = await countedOutcomes(ts, 'banner');
    const w = client.outcomeWriter({ batchSize: 100, flushIntervalMs: 600_000 });
    for (const o of outcomes) await w.write(o);
    await w.flush();
    expect((await countedOutcomes(ts, 'banner')).outcomes).toBe(before.outcomes + 3);
    // Written again: the server keeps one outcome per decision and offer.
    for (const o of outcomes) await w.write(o);
    expect(await w.close()).toMatchObject({ applied: 3, duplicate: 3, received: 6, batches: 2 });
    expect((await countedOutcomes(ts, 'banner')).outcomes).toBe(before.outcomes + 3);
  });

  it('makes write() wait while maxBuffered outcomes are unacknowledged', async () => {
    const outcomes = await outcomesFor('bp', 5);
    const g = gate();
    const gated = clientOf(ts.server.address, { interceptors: [g.interceptor] });
    try {
      const w = gated.outcomeWriter({ batchSize: 4, maxBuffered: 4, flushIntervalMs: 600_000 });
      // Four fit; the fourth fills a batch, which is sent and held by the gate.
      for (const o of outcomes.slice(0, 4)) await w.write(o);
      let fifth = false;
      const p = w.write(outcomes[4]!).then(() => (fifth = true));
      await settle();
      expect(g.held()).toBe(1);
      expect(fifth).toBe(false);
      g.open();
      await p;
      expect(fifth).toBe(true);
      expect(await w.close()).toMatchObject({ applied: 5, received: 5, batches: 2, retries: 0 });
    } finally {
      gated.close();
    }
  });

  it('fails for good after its tries: close() rejects with the NudgeError and unsent() keeps the outcomes', async () => {
    const down = clientOf('127.0.0.1:1', { writer: { retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 2 } } });
    try {
      const w = down.outcomeWriter({ batchSize: 2, maxBuffered: 2 });
      const items: Outcome[] = [1, 2, 3].map((i) => ({ decisionId: `d${i}`, offerId: 'a', reward: 1 }));
      await w.write(items[0]!);
      await w.write(items[1]!);
      const third = w.write(items[2]!);
      const err = await w.close().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NudgeError);
      expect(err).toMatchObject({ code: grpc.status.UNAVAILABLE, method: 'StreamOutcomes', attempts: 2, nudgeCode: null });
      await expect(third).rejects.toBe(err);
      expect(w.retries).toBe(1);
      expect(w.unsent()).toEqual(items);
      await expect(w.write(items[0]!)).rejects.toThrow('outcome writer is closed');
    } finally {
      down.close();
    }
  });
});

describe('event writer', () => {
  it('streams events in batches, numbers problems writer-wide, and the next Decide sees the events', async () => {
    const w = client.eventWriter({ batchSize: 5, flushIntervalMs: 600_000 });
    for (let i = 0; i < 13; i++) {
      // The event at position 7 has no type: counted INVALID, the rest go on.
      await w.write(i === 7 ? { customerId: 'ew1' } : { customerId: 'ew1', type: 'view' });
    }
    const summary = await w.close();
    expect(summary).toMatchObject({ received: 13, accepted: 12, ignored: 0, invalid: 1, batches: 3, retries: 0 });
    expect(summary.problems).toHaveLength(1);
    expect(summary.problems[0]!.index).toBe(7);
    expect(summary.problems[0]!.detail).toMatch(/type/);
    const d = await client.decide({ campaign: 'moments', customerId: 'ew1', explain: true });
    expect(d.session['views']).toBe('12');
  });
});
