import * as http2 from 'node:http2';
import * as net from 'node:net';

/** A gRPC call with a hand-made body over node:http2: what a broken or hostile client can send. */
export interface RawResult {
  /** grpc-status from the trailers (or trailers-only headers); null if the server sent none. */
  readonly grpcStatus: number | null;
  readonly httpStatus: number | null;
  readonly message: string;
}

export function grpcFrame(message: Uint8Array, compressed = 0, declaredLength = message.length): Buffer {
  const head = Buffer.alloc(5);
  head[0] = compressed;
  head.writeUInt32BE(declaredLength >>> 0, 1);
  return Buffer.concat([head, Buffer.from(message)]);
}

export function rawCall(
  session: http2.ClientHttp2Session,
  path: string,
  body: Buffer,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<RawResult> {
  return new Promise((resolve) => {
    let grpcStatus: number | null = null;
    let httpStatus: number | null = null;
    let message = '';
    const req = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    const take = (h: http2.IncomingHttpHeaders): void => {
      const s = h['grpc-status'];
      if (s !== undefined) grpcStatus = Number(s);
      const m = h['grpc-message'];
      if (typeof m === 'string') message = decodeURIComponent(m);
    };
    req.on('response', (h) => {
      httpStatus = Number(h[':status']);
      take(h);
    });
    req.on('trailers', take);
    req.on('data', () => undefined);
    const timer = setTimeout(() => req.close(http2.constants.NGHTTP2_CANCEL), timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve({ grpcStatus, httpStatus, message });
    };
    req.on('close', done);
    req.on('error', () => undefined);
    req.end(body);
  });
}

export const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Writes bytes on a fresh TCP connection, then waits for the server to close it (or a short while). */
export function sendGarbage(port: number, bytes: Buffer, waitMs = 200): Promise<void> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      sock.destroy();
      resolve();
    };
    sock.on('error', finish);
    sock.on('close', finish);
    sock.on('data', () => undefined);
    sock.on('connect', () => {
      sock.write(bytes);
      setTimeout(finish, waitMs);
    });
  });
}
