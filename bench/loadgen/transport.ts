/**
 * How the generator puts a unary gRPC call on the wire: `raw` (the default; bench/loadgen/h2raw.ts,
 * ~15 us of client CPU per call) or `node` (node:http2 ClientHttp2Session, ~120 us on the same machine;
 * kept as a cross-check of the raw client). Both call `done` exactly once per request.
 */
import * as http2 from 'node:http2';
import { DECIDE_PATH } from './requests';
import { RawH2Connection, type RawDone } from './h2raw';

export type ClientKind = 'raw' | 'node';

export interface Transport {
  request(i: number, body: Buffer, done: RawDone): void;
  /**
   * Most requests that waited at once in this client for a stream slot (the server's concurrent-stream
   * limit), summed over connections. 0 for `node`: nghttp2 queues those inside node:http2, unseen.
   */
  localQueueMax(): number;
  close(): void;
}

function noop(): void {}

async function nodeTransport(target: string, count: number): Promise<Transport> {
  const sessions: http2.ClientHttp2Session[] = [];
  for (let i = 0; i < count; i++) {
    sessions.push(
      await new Promise<http2.ClientHttp2Session>((resolve, reject) => {
        const s = http2.connect(`http://${target}`);
        s.once('error', reject);
        s.once('connect', () => {
          // Later session errors (the server died) surface on each stream as TRANSPORT_* errors;
          // without a listener they would kill the generator instead.
          s.on('error', noop);
          resolve(s);
        });
      }),
    );
  }
  const headers: http2.OutgoingHttpHeaders = { ':method': 'POST', ':path': DECIDE_PATH, 'content-type': 'application/grpc', te: 'trailers' };
  return {
    request(i, body, done) {
      let status: string | undefined;
      let transportError: string | undefined;
      let finished = false;
      const complete = (): void => {
        if (finished) return;
        finished = true;
        done(status, transportError);
      };
      let stream: http2.ClientHttp2Stream;
      try {
        stream = sessions[i % sessions.length].request(headers, { endStream: false });
      } catch (err) {
        transportError = `TRANSPORT_${(err as NodeJS.ErrnoException).code ?? 'ERROR'}`;
        complete();
        return;
      }
      stream.on('response', (h) => {
        // A trailers-only answer (how gRPC reports most errors) carries grpc-status in the headers.
        const s = h['grpc-status'];
        if (typeof s === 'string') status = s;
      });
      stream.on('trailers', (t) => {
        const s = t['grpc-status'];
        if (typeof s === 'string') status = s;
        complete();
      });
      stream.on('data', noop);
      stream.on('error', (err: NodeJS.ErrnoException) => {
        transportError = `TRANSPORT_${err.code ?? 'ERROR'}`;
      });
      stream.on('close', complete);
      stream.end(body);
    },
    localQueueMax() {
      return 0;
    },
    close() {
      for (const s of sessions) s.destroy();
    },
  };
}

async function rawTransport(target: string, count: number): Promise<Transport> {
  const conns: RawH2Connection[] = [];
  for (let i = 0; i < count; i++) conns.push(await RawH2Connection.connect(target, DECIDE_PATH));
  return {
    request(i, body, done) {
      let c = conns[i % conns.length];
      // Round robin, unless that connection is at the server's stream limit: then the least loaded one.
      if (c.saturated) for (const k of conns) if (k.inFlight < c.inFlight) c = k;
      c.request(body, done);
    },
    localQueueMax() {
      return conns.reduce((a, c) => a + c.queueMax, 0);
    },
    close() {
      for (const c of conns) c.close();
    },
  };
}

/** Connections are open before this resolves, so handshakes stay out of the measured time. */
export function connectTransport(target: string, count: number, kind: ClientKind): Promise<Transport> {
  return kind === 'raw' ? rawTransport(target, count) : nodeTransport(target, count);
}
