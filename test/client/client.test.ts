import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NudgeClient, NudgeError } from '../../src/client/index';
import { makeCerts } from '../hardening/helpers';
import { CAMPAIGNS, clientOf, countedOutcomes, startTestServer, type TestServer } from './helpers';

/** The unary calls of NudgeClient against a real server, and the errors they reject with. */

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

async function failure(p: Promise<unknown>): Promise<NudgeError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NudgeError);
  return err as NudgeError;
}

describe('NudgeClient calls', () => {
  it('decides and reports the outcome once: a second report is DUPLICATE and not counted', async () => {
    const d = await client.decide({ campaign: 'banner', customerId: 'u1', numOffers: 2 });
    expect(d.decisionId).not.toBe('');
    expect(d.offers).toHaveLength(2);
    expect(d.policy).toBe('thompson');
    const offerId = d.offers[0]!.offerId;
    const before = await countedOutcomes(ts, 'banner');
    const ack = await client.reportOutcome({ decisionId: d.decisionId, offerId, reward: 1 });
    expect(ack).toMatchObject({ status: 'APPLIED', attempts: 1 });
    expect(ack.delta).toBeCloseTo(1 - d.offers[0]!.probability, 9);
    const again = await client.reportOutcome({ decisionId: d.decisionId, offerId, reward: 1 });
    expect(again.status).toBe('DUPLICATE');
    expect(await countedOutcomes(ts, 'banner')).toEqual({ outcomes: before.outcomes + 1, rewards: before.rewards + 1 });
  });

  it('answers an outcome of an unknown decision with UNKNOWN_DECISION, not an error', async () => {
    const ack = await client.reportOutcome({ decisionId: '01900000-0000-7000-8000-000000000000', offerId: 'a', reward: 1 });
    expect(ack.status).toBe('UNKNOWN_DECISION');
  });

  it('decides for a batch of customers in their order', async () => {
    const customerIds = ['b1', 'b2', 'b3', 'b4'];
    const r = await client.decideBatch({ campaign: 'banner', customerIds, numOffers: 1 });
    expect(r.decisions).toHaveLength(4);
    expect(new Set(r.decisions.map((d) => d.decisionId)).size).toBe(4);
    for (const d of r.decisions) expect(d.offers).toHaveLength(1);
  });

  it('tracks an event that the next Decide sees, and says IGNORED for a type no campaign reads', async () => {
    expect(await client.trackEvent({ customerId: 'ev1', type: 'view' })).toEqual({ status: 'ACCEPTED', detail: '' });
    expect(await client.trackEvent({ customerId: 'ev1', type: 'view' })).toMatchObject({ status: 'ACCEPTED' });
    // The server lists session features in the answer when asked to explain it.
    const d = await client.decide({ campaign: 'moments', customerId: 'ev1', explain: true });
    expect(d.session['views']).toBe('2');
    expect((await client.trackEvent({ customerId: 'ev1', type: 'unread' })).status).toBe('IGNORED');
    expect((await client.trackEvent({ customerId: 'ev1' })).status).toBe('INVALID');
  });

  it('sends the request id as x-request-id and accepts a per-call deadline', async () => {
    const d = await client.decide({ campaign: 'banner', customerId: 'rid' }, { requestId: 'req-42', deadlineMs: 5000 });
    expect(d.offers).toHaveLength(1);
  });
});

describe('NudgeError', () => {
  it('carries INVALID_ARGUMENT with NUDGE_INVALID_ARGUMENT and the field', async () => {
    const err = await failure(client.decide({ campaign: 'banner', customerId: '' }));
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.codeName).toBe('INVALID_ARGUMENT');
    expect(err.nudgeCode).toBe('NUDGE_INVALID_ARGUMENT');
    expect(err.details).toMatch(/^NUDGE_INVALID_ARGUMENT: customer_id/);
    expect(err.reason).toMatch(/^customer_id/);
    expect(err.method).toBe('Decide');
    expect(err.attempts).toBe(1);
    expect(err.message).toBe(`Decide failed: INVALID_ARGUMENT: ${err.details}`);
  });

  it('carries NOT_FOUND with NUDGE_CAMPAIGN_NOT_FOUND', async () => {
    const err = await failure(client.decide({ campaign: 'nope', customerId: 'u1' }));
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    expect(err.nudgeCode).toBe('NUDGE_CAMPAIGN_NOT_FOUND');
    expect(err.reason).toBe('campaign "nope" does not exist');
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const mine = await failure(client.decide({ campaign: 'nope', customerId: 'u1' }, { requestId: 'req-nope-1' }));
    expect(mine.requestId).toBe('req-nope-1');
  });

  it('has no Nudge code when the server cannot be reached; Decide is tried once unless retryDecide', async () => {
    // Port 1 on loopback: nothing listens there, so every try fails at once with UNAVAILABLE.
    const retry = { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 2 };
    const once = new NudgeClient({ address: '127.0.0.1:1', retry });
    const retried = new NudgeClient({ address: '127.0.0.1:1', retry, retryDecide: true });
    try {
      const a = await failure(once.decide({ campaign: 'banner', customerId: 'u1' }));
      expect(a.code).toBe(grpc.status.UNAVAILABLE);
      expect(a.nudgeCode).toBeNull();
      expect(a.attempts).toBe(1);
      expect((await failure(retried.decide({ campaign: 'banner', customerId: 'u1' }))).attempts).toBe(3);
      // Outcomes retry by default (idempotent); a call can turn that off.
      expect((await failure(once.reportOutcome({ decisionId: 'd', offerId: 'a', reward: 1 }))).attempts).toBe(3);
      expect((await failure(once.reportOutcome({ decisionId: 'd', offerId: 'a', reward: 1 }, { retry: false }))).attempts).toBe(1);
      expect((await failure(once.decide({ campaign: 'banner', customerId: 'u1' }, { retry: true }))).attempts).toBe(3);
    } finally {
      once.close();
      retried.close();
    }
  });

  it('rejects calls on a closed client with CANCELLED', async () => {
    const c = clientOf(ts.server.address);
    c.close();
    const err = await failure(c.decide({ campaign: 'banner', customerId: 'u1' }));
    expect(err.code).toBe(grpc.status.CANCELLED);
  });
});

describe('tokens and TLS', () => {
  const DECIDE_TOKEN = 'decide-token-0123456789abcdef';

  it('sends the bearer token; without it the server answers UNAUTHENTICATED (NUDGE_UNAUTHENTICATED)', async () => {
    const t = await startTestServer(CAMPAIGNS, { metricsListen: 'off', decideToken: DECIDE_TOKEN });
    const good = clientOf(t.server.address, { token: DECIDE_TOKEN });
    const none = clientOf(t.server.address);
    const wrong = clientOf(t.server.address, { token: 'not-the-token-0123456789' });
    try {
      expect((await good.decide({ campaign: 'banner', customerId: 'tok' })).offers).toHaveLength(1);
      for (const c of [none, wrong]) {
        const err = await failure(c.decide({ campaign: 'banner', customerId: 'tok' }));
        expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
        expect(err.nudgeCode).toBe('NUDGE_UNAUTHENTICATED');
      }
    } finally {
      for (const c of [good, none, wrong]) c.close();
      await t.stop();
    }
  });

  it('speaks mutual TLS from PEM options, or from ready-made credentials', async () => {
    const certs = makeCerts();
    const t = await startTestServer(CAMPAIGNS, {
      metricsListen: 'off',
      tlsCert: certs.serverCert,
      tlsKey: certs.serverKey,
      tlsCa: certs.ca,
      tlsClientAuth: 'require',
    });
    const address = `localhost:${t.server.port}`;
    const ca = fs.readFileSync(certs.ca);
    const tls = { rootCerts: ca, certChain: fs.readFileSync(certs.clientCert), privateKey: fs.readFileSync(certs.clientKey, 'utf8') };
    const fromPem = clientOf(address, { tls });
    const fromCreds = clientOf(address, { credentials: grpc.credentials.createSsl(ca, fs.readFileSync(certs.clientKey), fs.readFileSync(certs.clientCert)) });
    const noCert = clientOf(address, { tls: { rootCerts: ca }, retry: { maxAttempts: 1 } });
    try {
      expect((await fromPem.decide({ campaign: 'banner', customerId: 'tls' })).decisionId).not.toBe('');
      expect((await fromCreds.reportOutcome({ decisionId: 'x', offerId: 'a', reward: 1 })).status).toBe('UNKNOWN_DECISION');
      expect((await failure(noCert.decide({ campaign: 'banner', customerId: 'tls' }))).code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      for (const c of [fromPem, fromCreds, noCert]) c.close();
      await t.stop();
    }
  });
});
