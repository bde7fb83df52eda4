import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { AdminServiceClient } from '../../src/generated/nudge/v1/AdminService';
import type { DecisionServiceClient } from '../../src/generated/nudge/v1/DecisionService';
import { call, campaignFile, clients, tempDir, writeCampaigns } from '../server/helpers';
import { healthCheck, killAll, spawnServer, type ServerProcess } from './helpers';
import { grpcFrame, H2_PREFACE, rawCall, sendGarbage } from './raw-h2';

/**
 * Fuzzing a real server process: random and malformed requests through a real client, wrong-typed
 * protobuf bytes and broken gRPC framing over node:http2, garbage on the TCP socket. The server must
 * stay up and answer every call with a status from the contract. Seeds are fixed.
 */

let s: ServerProcess;
let d: DecisionServiceClient;
let a: AdminServiceClient;
const real: { decisionId: string; offerId: string }[] = [];

beforeAll(async () => {
  const dataDir = tempDir('fuzz-data');
  const campaignsDir = tempDir('fuzz-campaigns');
  writeCampaigns(campaignsDir, [campaignFile('fz', ['a', 'b', 'c'])]);
  s = await spawnServer({ NUDGE_DATA_DIR: dataDir, NUDGE_CAMPAIGNS: campaignsDir, NUDGE_METRICS_LISTEN: 'off', NUDGE_MAX_QUEUE: '200', NUDGE_LOG_LEVEL: 'info' });
  ({ decisions: d, admin: a } = clients(s.address));
  for (let i = 0; i < 20; i++) {
    const r = await call<object, DecideResponse__Output>(d.Decide.bind(d), { campaign: 'fz', customerId: `seed-${i}` });
    real.push({ decisionId: r.decisionId, offerId: r.offers[0]!.offerId });
  }
});

afterAll(async () => {
  d?.close();
  a?.close();
  if (s !== undefined && s.proc.exitCode === null) {
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }
  killAll();
});

async function assertAlive(): Promise<void> {
  expect(s.proc.exitCode).toBeNull();
  expect(await healthCheck(s.address)).toBe('SERVING');
  const r = await call<object, DecideResponse__Output>(d.Decide.bind(d), { campaign: 'fz', customerId: 'alive' });
  expect(r.offers).toHaveLength(1);
}

/** Statuses the contract allows for a well-typed request: never INTERNAL or UNKNOWN. */
const CONTRACT = new Set([
  grpc.status.OK,
  grpc.status.INVALID_ARGUMENT,
  grpc.status.NOT_FOUND,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.DEADLINE_EXCEEDED,
]);

const str = (max: number): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ maxLength: max }), fc.string({ unit: 'grapheme', maxLength: max }), fc.constantFrom('', 'fz', 'a', '__proto__', 'constructor', '\u0000', '../../etc/passwd'));
const num = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -1, 1, 0.5, 1e308, -1e308, Number.NaN, Infinity, -Infinity));
const ctx = fc.dictionary(str(20), fc.oneof(str(30), fc.string({ minLength: 4090, maxLength: 4200 })), { maxKeys: 70 });
const campaignName = fc.oneof(fc.constant('fz'), str(300));

type Req = { kind: string; body: object };
const decide = fc.record({
  campaign: campaignName,
  customerId: fc.oneof(str(40), fc.string({ minLength: 250, maxLength: 300 })),
  channel: str(300),
  context: ctx,
  numOffers: fc.nat({ max: 200 }),
  excludeOffers: fc.array(str(10), { maxLength: 20 }),
  explain: fc.boolean(),
}).map((body): Req => ({ kind: 'Decide', body }));
const batch = fc.record({
  campaign: campaignName,
  customerIds: fc.array(str(20), { maxLength: 30 }),
  context: ctx,
  numOffers: fc.nat({ max: 200 }),
}).map((body): Req => ({ kind: 'DecideBatch', body }));
const outcome = fc.record({
  decisionId: fc.oneof(str(300), fc.constantFrom(...['x'])),
  offerId: str(30),
  reward: num,
  timestampMs: fc.oneof(fc.integer(), fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER)),
});
const realOutcome = fc.record({ i: fc.nat({ max: 19 }), reward: num, offerId: fc.oneof(fc.constant(''), fc.constant('a'), fc.constant('zz')) });
const report = fc.oneof(
  outcome.map((body): Req => ({ kind: 'ReportOutcome', body })),
  realOutcome.map((o): Req => ({ kind: 'ReportOutcome', body: { ...real[o.i]!, reward: o.reward, ...(o.offerId === 'zz' ? {} : { offerId: o.offerId || real[o.i]!.offerId }) } })),
);
const streamed = fc.array(outcome, { maxLength: 30 }).map((body): Req => ({ kind: 'StreamOutcomes', body: { outcomes: body } }));
const offer = fc.record({ id: str(20), priorAlpha: num, priorBeta: num, weight: num, attributes: fc.dictionary(str(10), str(10), { maxKeys: 5 }) }, { requiredKeys: ['id'] });
const put = fc.record({
  name: fc.oneof(str(30).map((n) => `fz-${n}`), str(300)),
  policy: fc.constantFrom('thompson', 'random', 'ucb1', 'epsilon-greedy', 'fixed', 'risk-averse', '', 'nope'),
  offers: fc.array(offer, { maxLength: 8 }),
  controlShare: num,
  defaultOffer: str(10),
  rewardWaitMs: fc.nat(),
  defaultReward: num,
  segmentBy: fc.array(str(10), { maxLength: 3 }),
  policyParams: fc.dictionary(str(10), str(10), { maxKeys: 4 }),
}, { requiredKeys: [] }).map((body): Req => ({ kind: 'PutCampaign', body }));
const admin = fc.oneof(
  put,
  campaignName.map((name): Req => ({ kind: 'GetCampaign', body: { name } })),
  str(30).map((name): Req => ({ kind: 'DeleteCampaign', body: { name: `fz-${name}` } })),
  fc.record({ campaign: campaignName, segment: str(20) }).map((body): Req => ({ kind: 'GetCampaignStats', body })),
  fc.constant<Req>({ kind: 'ListCampaigns', body: {} }),
);
const anyRequest = fc.oneof({ arbitrary: decide, weight: 4 }, { arbitrary: batch, weight: 1 }, { arbitrary: report, weight: 3 }, { arbitrary: streamed, weight: 1 }, { arbitrary: admin, weight: 2 });

interface Answer {
  code: number;
  details: string;
}

function send(r: Req): Promise<Answer> {
  const opts = { deadline: Date.now() + 30_000 };
  const settle = (resolve: (c: Answer) => void) => (err: grpc.ServiceError | null) =>
    resolve(err === null ? { code: grpc.status.OK, details: '' } : { code: err.code, details: err.details });
  return new Promise((resolve) => {
    if (r.kind === 'StreamOutcomes') {
      const st = d.StreamOutcomes(new grpc.Metadata(), opts, settle(resolve));
      for (const o of (r.body as { outcomes: object[] }).outcomes) st.write(o);
      st.end();
      return;
    }
    const client = (r.kind in d ? d : a) as unknown as Record<string, (req: object, md: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null) => void) => void>;
    client[r.kind]!.call(client, r.body, new grpc.Metadata(), opts, settle(resolve));
  });
}

describe('fuzzing a real server process', () => {
  it('answers 10,000+ random and malformed requests through a real client, each with a contract status', async () => {
    let sent = 0;
    const seen = new Map<number, number>();
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(anyRequest, { minLength: 50, maxLength: 50 }), async (reqs) => {
        const codes = await Promise.all(reqs.map(send));
        sent += reqs.length;
        codes.forEach(({ code, details }, i) => {
          seen.set(code, (seen.get(code) ?? 0) + 1);
          if (!CONTRACT.has(code)) failures.push(`${reqs[i]!.kind} answered ${grpc.status[code]} (${details}): ${JSON.stringify(reqs[i]!.body).slice(0, 200)}`);
        });
        // Reported after the run, not thrown: fast-check's shrinking would replay thousands of calls.
      }),
      { seed: 20261123, numRuns: 205, endOnFailure: true },
    );
    expect(failures.slice(0, 5)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(10_000);
    // The mix reached both the happy path and the refusals.
    expect(seen.get(grpc.status.OK) ?? 0).toBeGreaterThan(500);
    expect(seen.get(grpc.status.INVALID_ARGUMENT) ?? 0).toBeGreaterThan(500);
    await assertAlive();
  }, 240_000);

  const fieldTag = (field: number, wire: number): number => (field << 3) | wire;
  const varint = (n: number): number[] => {
    const out: number[] = [];
    let v = n >>> 0;
    while (v > 0x7f) {
      out.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(v);
    return out;
  };
  /** Fields 1..20 with any wire type (wrong types included), valid or truncated, or plain noise. */
  const protoBytes = fc.oneof(
    fc.array(
      fc.record({ field: fc.integer({ min: 1, max: 20 }), wire: fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7), payload: fc.uint8Array({ maxLength: 40 }), n: fc.nat() }),
      { maxLength: 12 },
    ).map((fields) => {
      const bytes: number[] = [];
      for (const f of fields) {
        bytes.push(...varint(fieldTag(f.field, f.wire)));
        if (f.wire === 0) bytes.push(...varint(f.n));
        else if (f.wire === 1) bytes.push(...f.payload.slice(0, 8));
        else if (f.wire === 2) bytes.push(...varint(f.payload.length + (f.n % 3) - 1), ...f.payload);
        else if (f.wire === 5) bytes.push(...f.payload.slice(0, 4));
      }
      return Uint8Array.from(bytes);
    }),
    fc.uint8Array({ maxLength: 200 }),
  );
  const methods = [
    '/nudge.v1.DecisionService/Decide',
    '/nudge.v1.DecisionService/DecideBatch',
    '/nudge.v1.DecisionService/ReportOutcome',
    '/nudge.v1.DecisionService/StreamOutcomes',
    '/nudge.v1.AdminService/PutCampaign',
    '/nudge.v1.AdminService/GetCampaignStats',
    '/nudge.v1.AdminService/NoSuchMethod',
    '/no.Such/Service',
  ];

  it('answers wrong-typed protobuf bytes and broken gRPC framing over raw HTTP/2 with a grpc-status', async () => {
    const session = http2.connect(`http://${s.address}`);
    session.on('error', () => undefined);
    let calls = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              path: fc.constantFrom(...methods),
              msg: protoBytes,
              framing: fc.constantFrom('ok', 'ok', 'ok', 'compressed', 'short', 'long', 'split-prefix'),
            }),
            { minLength: 25, maxLength: 25 },
          ),
          async (calls_) => {
            const results = await Promise.all(
              calls_.map(({ path, msg, framing }) => {
                const body =
                  framing === 'compressed' ? grpcFrame(msg, 1)
                  : framing === 'short' ? grpcFrame(msg, 0, msg.length + 10)
                  : framing === 'long' ? grpcFrame(msg, 0, Math.max(0, msg.length - 1))
                  : framing === 'split-prefix' ? grpcFrame(msg).subarray(0, 3)
                  : grpcFrame(msg);
                return rawCall(session, path, body);
              }),
            );
            calls += results.length;
            results.forEach((r, i) => {
              if (r.grpcStatus === null || r.grpcStatus < 0 || r.grpcStatus > 16) {
                throw new Error(`${calls_[i]!.path} (${calls_[i]!.framing}) got no proper grpc-status: ${JSON.stringify(r)}`);
              }
              // INTERNAL only for bytes that are not a message of the method's type.
              if (r.grpcStatus === grpc.status.INTERNAL && !/pars|deserializ|decod|invalid|wire|index out of range|length/i.test(r.message)) {
                throw new Error(`${calls_[i]!.path} INTERNAL: ${r.message}`);
              }
            });
          },
        ),
        { seed: 777, numRuns: 40, endOnFailure: true },
      );
    } finally {
      session.close();
    }
    expect(calls).toBe(1000);
    await assertAlive();
  }, 120_000);

  it('survives garbage bytes and random HTTP/2 frames on the socket', async () => {
    const frame = fc
      .record({ type: fc.nat({ max: 12 }), flags: fc.nat({ max: 255 }), stream: fc.nat(), payload: fc.uint8Array({ maxLength: 64 }), lie: fc.nat({ max: 3 }) })
      .map(({ type, flags, stream, payload, lie }) => {
        const h = Buffer.alloc(9);
        const len = lie === 0 ? payload.length + 1000 : payload.length;
        h.writeUIntBE(len & 0xffffff, 0, 3);
        h[3] = type;
        h[4] = flags;
        h.writeUInt32BE(stream >>> 0, 5);
        return Buffer.concat([h, Buffer.from(payload)]);
      });
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.array(frame, { minLength: 1, maxLength: 6 }).map((fs) => Buffer.concat([H2_PREFACE, ...fs])),
      fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.concat([Buffer.from('POST / HTTP/1.1\r\nHost: x\r\n\r\n'), Buffer.from(b)])),
    );
    const port = Number(s.address.slice(s.address.lastIndexOf(':') + 1));
    await fc.assert(
      fc.asyncProperty(fc.array(garbage, { minLength: 10, maxLength: 10 }), async (blobs) => {
        await Promise.all(blobs.map((b) => sendGarbage(port, b)));
        expect(s.proc.exitCode).toBeNull();
      }),
      { seed: 99, numRuns: 30, endOnFailure: true },
    );
    await assertAlive();
  }, 120_000);
});
