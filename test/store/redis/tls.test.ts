import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecideResponse__Output } from '../../../src/generated/nudge/v1/DecideResponse';
import type { OutcomeAck__Output } from '../../../src/generated/nudge/v1/OutcomeAck';
import { makeCerts, type Certs } from '../../hardening/helpers';
import { call, campaignFile, startTestServer, type TestServer } from '../../server/helpers';
import { freePort, startRedis, type RedisProc } from '../../support/redis';

/** rediss://: Redis with TLS only as a real server, its certificate signed by a private CA (NUDGE_REDIS_TLS_CA). */
describe('a Redis store over TLS', () => {
  let certs: Certs;
  let redis: RedisProc;
  let tlsPort: number;
  beforeAll(async () => {
    certs = makeCerts();
    tlsPort = await freePort();
    redis = await startRedis({
      args: ['--tls-port', String(tlsPort), '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey, '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no'],
    });
  });
  afterAll(async () => redis?.stop());

  it('decides and applies an outcome through rediss:// with the private CA', async () => {
    let t: TestServer | null = null;
    try {
      t = await startTestServer([campaignFile('tls', ['a', 'b'])], { store: `rediss://127.0.0.1:${tlsPort}`, redisTlsCa: certs.ca, syncMs: 20 });
      const d = await call<object, DecideResponse__Output>(t.decisions.Decide.bind(t.decisions), { campaign: 'tls', customerId: 'c1' });
      const ack = await call<object, OutcomeAck__Output>(t.decisions.ReportOutcome.bind(t.decisions), { decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: 1 });
      expect(ack.status).toBe('APPLIED');
    } finally {
      await t?.stop();
    }
  });

  it('refuses to start when the server\'s certificate is not trusted', async () => {
    await expect(startTestServer([campaignFile('tls', ['a'])], { store: `rediss://127.0.0.1:${tlsPort}` })).rejects.toThrow(/NUDGE_STORE rediss:\/\/127\.0\.0\.1:\d+: cannot connect to Redis/);
  });
});
