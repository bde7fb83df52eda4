import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawH2Connection } from '../../bench/loadgen/h2raw';
import { DECIDE_PATH, grpcFrame } from '../../bench/loadgen/requests';
import { connectTransport } from '../../bench/loadgen/transport';

/**
 * A grpc-js server that allows only 4 concurrent streams per connection and holds every call until the
 * next macrotask, so a burst from the raw client is far past the limit at once. It counts the calls it
 * holds at the same time: the client respects the limit only if that never exceeds 4.
 */
const LIMIT = 4;
let server: grpc.Server;
let target: string;
let active = 0;
let maxActive = 0;

const identity = (b: Buffer): Buffer => b;

beforeAll(async () => {
  server = new grpc.Server({ 'grpc.max_concurrent_streams': LIMIT });
  server.addService(
    {
      Decide: {
        path: DECIDE_PATH,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    {
      Decide: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        active++;
        maxActive = Math.max(maxActive, active);
        setImmediate(() => {
          active--;
          cb(null, Buffer.from([8, 1]));
        });
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  target = `127.0.0.1:${port}`;
});

afterAll(() => {
  server?.forceShutdown();
});

function burst(n: number, send: (done: (status: string | undefined, err: string | undefined) => void) => void): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, () => new Promise<string>((resolve) => send((status, err) => resolve(err ?? `status ${String(status)}`)))),
  );
}

describe('raw HTTP/2 client and the server stream limit', () => {
  it('learns the limit from SETTINGS and queues the excess locally; every request succeeds', async () => {
    maxActive = 0;
    const c = await RawH2Connection.connect(target, DECIDE_PATH);
    try {
      expect(c.peerMaxStreams).toBe(LIMIT);
      const body = grpcFrame(Buffer.from([10, 1, 120]));
      const n = 300;
      const answers = await burst(n, (done) => c.request(body, done));
      expect(answers).toEqual(Array.from({ length: n }, () => 'status 0'));
      expect(maxActive).toBeLessThanOrEqual(LIMIT);
      expect(maxActive).toBeGreaterThan(0);
      // All but the first LIMIT waited in the client at once.
      expect(c.queueMax).toBe(n - LIMIT);
      expect(c.inFlight).toBe(0);
    } finally {
      c.close();
    }
  });

  it('the transport spreads a burst over connections and reports the local queue depth', async () => {
    maxActive = 0;
    const t = await connectTransport(target, 3, 'raw');
    try {
      const body = grpcFrame(Buffer.from([10, 1, 120]));
      const n = 500;
      let i = 0;
      const answers = await burst(n, (done) => t.request(i++, body, done));
      expect(answers.filter((a) => a !== 'status 0')).toEqual([]);
      expect(maxActive).toBeLessThanOrEqual(3 * LIMIT);
      expect(t.localQueueMax()).toBeGreaterThan(0);
      expect(t.localQueueMax()).toBeLessThanOrEqual(n - 3 * LIMIT);
    } finally {
      t.close();
    }
  });

  it('requests waiting locally fail with the transport error when the connection dies', async () => {
    const c = await RawH2Connection.connect(target, DECIDE_PATH);
    const body = grpcFrame(Buffer.from([10, 1, 120]));
    const pending = burst(20, (done) => c.request(body, done));
    c.close();
    const answers = await pending;
    expect(answers.length).toBe(20);
    expect(answers.filter((a) => !a.startsWith('TRANSPORT_'))).toEqual([]);
  });
});
