import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsFromEnv, resolveOptions } from '../../src/config';
import type { AdminServiceClient } from '../../src/generated/nudge/v1/AdminService';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { DecisionServiceClient } from '../../src/generated/nudge/v1/DecisionService';
import type { ListCampaignsResponse__Output } from '../../src/generated/nudge/v1/ListCampaignsResponse';
import { loadNudgeProto } from '../../src/proto';
import { bearerAuth } from '../../src/security/auth';
import { resolveInside } from '../../src/security/paths';
import { isLoopback } from '../../src/security/tls';
import { startServer } from '../../src/server/server';
import { callError, campaignFile, startTestServer, tempDir, writeCampaigns, type TestServer } from '../server/helpers';
import { makeCerts, type Certs } from './helpers';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const DECIDE_TOKEN = 'decide-token-0123456789abcdef';

function tlsClients(address: string, creds: grpc.ChannelCredentials): { decisions: DecisionServiceClient; admin: AdminServiceClient } {
  const proto = loadNudgeProto();
  return { decisions: new proto.nudge.v1.DecisionService(address, creds), admin: new proto.nudge.v1.AdminService(address, creds) };
}

function bearer(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

function unary<Res>(method: (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: Res) => void) => unknown, req: object, md = new grpc.Metadata()): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(req, md, { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

let certs: Certs;
beforeAll(() => {
  certs = makeCerts();
});

describe('TLS', () => {
  it('serves over TLS to a client that trusts the CA, and refuses plaintext', async () => {
    const ts = await startTestServer([campaignFile('tls', ['a', 'b'])], { tlsCert: certs.serverCert, tlsKey: certs.serverKey });
    const c = tlsClients(`localhost:${ts.server.port}`, grpc.credentials.createSsl(fs.readFileSync(certs.ca)));
    try {
      const r = await unary<DecideResponse__Output>(c.decisions.Decide.bind(c.decisions), { campaign: 'tls', customerId: 'x' });
      expect(r.offers.length).toBe(1);
      // A plaintext client cannot talk to a TLS port.
      const err = await callError(ts.decisions.Decide.bind(ts.decisions), { campaign: 'tls', customerId: 'x' }, { deadline: Date.now() + 3000 });
      expect(err.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      c.decisions.close();
      c.admin.close();
      await ts.stop();
    }
  });

  it('mutual TLS: a client certificate signed by the CA is accepted; none, or a rogue one, is refused', async () => {
    const ts = await startTestServer([campaignFile('mtls', ['a', 'b'])], {
      tlsCert: certs.serverCert,
      tlsKey: certs.serverKey,
      tlsCa: certs.ca,
      tlsClientAuth: 'require',
    });
    const address = `localhost:${ts.server.port}`;
    const ca = fs.readFileSync(certs.ca);
    const good = tlsClients(address, grpc.credentials.createSsl(ca, fs.readFileSync(certs.clientKey), fs.readFileSync(certs.clientCert)));
    const none = tlsClients(address, grpc.credentials.createSsl(ca));
    const rogue = tlsClients(address, grpc.credentials.createSsl(ca, fs.readFileSync(certs.rogueKey), fs.readFileSync(certs.rogueCert)));
    try {
      const r = await unary<DecideResponse__Output>(good.decisions.Decide.bind(good.decisions), { campaign: 'mtls', customerId: 'x' });
      expect(r.decisionId).not.toBe('');
      for (const bad of [none, rogue]) {
        const err = await unary(bad.decisions.Decide.bind(bad.decisions), { campaign: 'mtls', customerId: 'x' }).catch((e: grpc.ServiceError) => e);
        expect((err as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
      }
    } finally {
      for (const c of [good, none, rogue]) {
        c.decisions.close();
        c.admin.close();
      }
      await ts.stop();
    }
  });

  it('refuses plaintext on a non-loopback address unless insecure is set', async () => {
    const dataDir = tempDir('tls-data');
    const campaignsDir = tempDir('tls-campaigns');
    writeCampaigns(campaignsDir, [campaignFile('p', ['a'])]);
    await expect(startServer({ listen: '0.0.0.0:0', dataDir, campaignsDir, mode: 'inline', demo: false, metricsListen: 'off' })).rejects.toThrow(
      /options\.listen 0\.0\.0\.0:0 is not a loopback address: serving plaintext there needs options\.insecure \(NUDGE_INSECURE=1\)/,
    );
    const s = await startServer({ listen: '0.0.0.0:0', dataDir, campaignsDir, mode: 'inline', demo: false, insecure: true, metricsListen: 'off' });
    await s.close();
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
    expect(isLoopback('127.example.com')).toBe(false);
  });

  it('checks TLS options where they come in', () => {
    expect(() => resolveOptions({ tlsCert: 'a.pem' })).toThrow(new RangeError('options.tlsCert and options.tlsKey must be set together'));
    expect(() => resolveOptions({ tlsCa: 'ca.pem' })).toThrow(new RangeError('options.tlsCa needs options.tlsCert and options.tlsKey'));
    expect(() => resolveOptions({ tlsCert: 'a', tlsKey: 'b', tlsClientAuth: 'require' })).toThrow(
      new RangeError('options.tlsClientAuth "require" needs options.tlsCa'),
    );
    expect(() => optionsFromEnv({ NUDGE_TLS_CLIENT_AUTH: 'maybe' })).toThrow(/NUDGE_TLS_CLIENT_AUTH: options.tlsClientAuth must be one of "none", "require"/);
    expect(() => resolveOptions({ adminToken: 'short' })).toThrow(new RangeError('options.adminToken must be at least 16 characters'));
    expect(optionsFromEnv({ NUDGE_INSECURE: '1', NUDGE_ADMIN_TOKEN: ADMIN_TOKEN })).toMatchObject({ insecure: true, adminToken: ADMIN_TOKEN });
  });
});

describe('bearer tokens', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer([campaignFile('tok', ['a', 'b'])], { adminToken: ADMIN_TOKEN, decideToken: DECIDE_TOKEN });
  });
  afterAll(async () => {
    await ts?.stop();
  });

  it('AdminService requires the admin token', async () => {
    const a = ts.admin;
    for (const md of [new grpc.Metadata(), bearer('wrong-token-0123456789abcdef'), bearer(DECIDE_TOKEN)]) {
      const err = (await unary(a.ListCampaigns.bind(a), {}, md).catch((e: unknown) => e)) as grpc.ServiceError;
      expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(err.details).toMatch(/^NUDGE_UNAUTHENTICATED: AdminService/);
    }
    const raw = new grpc.Metadata();
    raw.set('authorization', ADMIN_TOKEN); // without "Bearer "
    expect(((await unary(a.ListCampaigns.bind(a), {}, raw).catch((e: unknown) => e)) as grpc.ServiceError).code).toBe(grpc.status.UNAUTHENTICATED);
    const ok = await unary<ListCampaignsResponse__Output>(a.ListCampaigns.bind(a), {}, bearer(ADMIN_TOKEN));
    expect(ok.campaigns.map((c) => c.name)).toEqual(['tok']);
  });

  it('DecisionService requires the decide token when one is set (unary and streaming)', async () => {
    const d = ts.decisions;
    const err = (await unary(d.Decide.bind(d), { campaign: 'tok', customerId: 'x' }).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
    const wrong = (await unary(d.Decide.bind(d), { campaign: 'tok', customerId: 'x' }, bearer(ADMIN_TOKEN)).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(wrong.code).toBe(grpc.status.UNAUTHENTICATED);
    const ok = await unary<DecideResponse__Output>(d.Decide.bind(d), { campaign: 'tok', customerId: 'x' }, bearer(DECIDE_TOKEN));
    expect(ok.decisionId).not.toBe('');
    const streamErr = await new Promise<grpc.ServiceError | null>((resolve) => {
      const s = d.StreamOutcomes(new grpc.Metadata(), (e) => resolve(e));
      s.write({ decisionId: ok.decisionId, offerId: ok.offers[0]!.offerId, reward: 1 });
      s.end();
    });
    expect(streamErr?.code).toBe(grpc.status.UNAUTHENTICATED);
  });

  it('compares in constant time and accepts only the exact token', () => {
    const check = bearerAuth('0123456789abcdef', 'X')!;
    const md = (v: string): grpc.Metadata => {
      const m = new grpc.Metadata();
      m.set('authorization', v);
      return m;
    };
    expect(check(md('Bearer 0123456789abcdef'))).toBeNull();
    expect(check(md('Bearer 0123456789abcdeF'))?.code).toBe('NUDGE_UNAUTHENTICATED');
    expect(check(md('Bearer 0123456789abcdef0'))?.code).toBe('NUDGE_UNAUTHENTICATED');
    expect(check(md('bearer 0123456789abcdef'))?.code).toBe('NUDGE_UNAUTHENTICATED');
    expect(check(new grpc.Metadata())?.code).toBe('NUDGE_UNAUTHENTICATED');
    expect(bearerAuth(null, 'X')).toBeNull();
  });
});

describe('limits', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer([campaignFile('lim', ['a', 'b'])], { maxMessageBytes: 256 * 1024 });
  });
  afterAll(async () => {
    await ts?.stop();
  });

  const cases: [string, object, RegExp][] = [
    ['campaign too long', { campaign: 'c'.repeat(257), customerId: 'x' }, /campaign: must be at most 256 characters/],
    ['customer id too long', { campaign: 'lim', customerId: 'x'.repeat(257) }, /customer_id: must be at most 256 characters/],
    ['channel too long', { campaign: 'lim', customerId: 'x', channel: 'w'.repeat(257) }, /channel: must be at most 256 characters/],
    ['too many context entries', { campaign: 'lim', customerId: 'x', context: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }, /context: must have at most 64 entries/],
    ['context value too long', { campaign: 'lim', customerId: 'x', context: { k: 'v'.repeat(4097) } }, /context\[k\]: must be at most 4096 characters/],
    ['context key too long', { campaign: 'lim', customerId: 'x', context: { ['k'.repeat(257)]: 'v' } }, /context: keys must be at most 256 characters/],
    ['too many offers asked', { campaign: 'lim', customerId: 'x', numOffers: 101 }, /num_offers: must be at most 100/],
    ['too many exclusions', { campaign: 'lim', customerId: 'x', excludeOffers: Array.from({ length: 1001 }, (_, i) => `o${i}`) }, /exclude_offers: must have at most 1000 entries/],
    ['exclusion too long', { campaign: 'lim', customerId: 'x', excludeOffers: ['o'.repeat(257)] }, /exclude_offers\[0\]: must be at most 256 characters/],
  ];
  for (const [name, req, msg] of cases) {
    it(`Decide: ${name} -> INVALID_ARGUMENT naming the field and the limit`, async () => {
      const err = await callError(ts.decisions.Decide.bind(ts.decisions), req);
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.details).toMatch(msg);
    });
  }

  it('DecideBatch: too many customers', async () => {
    const err = await callError(ts.decisions.DecideBatch.bind(ts.decisions), { campaign: 'lim', customerIds: Array.from({ length: 10_001 }, (_, i) => `c${i}`) });
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toMatch(/customer_ids: must have at most 10000 entries/);
  });

  it('a message over maxMessageBytes is refused with RESOURCE_EXHAUSTED', async () => {
    const err = await callError(ts.decisions.DecideBatch.bind(ts.decisions), { campaign: 'lim', customerIds: Array.from({ length: 20_000 }, (_, i) => `customer-${i}-padding-padding`) });
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('PutCampaign: too many offers and a too-long name are named', async () => {
    const a = ts.admin;
    const long = await callError(a.PutCampaign.bind(a), { name: 'n'.repeat(300), policy: 'thompson', offers: [{ id: 'a' }] });
    expect(long.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(long.details).toMatch(/name/);
    const many = await callError(a.PutCampaign.bind(a), { name: 'many', policy: 'thompson', offers: Array.from({ length: 20_000 }, (_, i) => ({ id: `o${i}` })) });
    expect([grpc.status.INVALID_ARGUMENT, grpc.status.RESOURCE_EXHAUSTED]).toContain(many.code);
  });
});

describe('paths', () => {
  it('resolveInside keeps names inside their directory', () => {
    const root = tempDir('paths');
    expect(resolveInside(root, 'a.json')).toBe(path.join(root, 'a.json'));
    expect(resolveInside(root, 'sub/a.json')).toBe(path.join(root, 'sub', 'a.json'));
    expect(() => resolveInside(root, '../a.json')).toThrow(RangeError);
    expect(() => resolveInside(root, 'sub/../../a.json')).toThrow(RangeError);
    expect(() => resolveInside(root, '/etc/passwd')).toThrow(RangeError);
    expect(() => resolveInside(root, '..')).toThrow(RangeError);
    expect(() => resolveInside(root, '.')).toThrow(RangeError);
    expect(() => resolveInside(root, 'a\0b')).toThrow(RangeError);
  });

  it('a campaign file symlinked to outside the campaigns directory is not read', async () => {
    const outside = tempDir('outside');
    fs.writeFileSync(path.join(outside, 'evil.json'), JSON.stringify(campaignFile('evil', ['a'])));
    const ts = await startTestServer([campaignFile('inside', ['a'])]);
    try {
      fs.symlinkSync(path.join(outside, 'evil.json'), path.join(ts.campaignsDir, 'evil.json'));
      await ts.server.registry.reload();
      expect(ts.server.registry.list().map((c) => c.name)).toEqual(['inside']);
    } finally {
      await ts.stop();
    }
  });
});
