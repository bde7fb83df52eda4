/**
 * One StreamOutcomes call with every outcome pre-encoded, written over node:http2 in large chunks.
 *
 * A grpc-js client serialises and writes each message on its own (tens of microseconds of CPU each on
 * the benchmark machine), so a benchmark of the server's ingestion measured the client instead: the
 * client was still writing when the server had caught up. Here the messages are encoded before the
 * clock starts and packed into ~64 KiB writes; HTTP/2 flow control still applies, so a server that
 * reads slowly slows the client down, as a real batch job would see.
 */
import * as http2 from 'node:http2';
import { grpcFrame, protoRoot } from './requests';

export const STREAM_OUTCOMES_PATH = '/nudge.v1.DecisionService/StreamOutcomes';
const CHUNK_BYTES = 64 * 1024;

export interface OutcomeMessage {
  readonly decisionId: string;
  readonly offerId: string;
  readonly reward: number;
}

/** The stream's body, gRPC-framed and packed into chunks of about CHUNK_BYTES. */
export function encodeOutcomeChunks(outcomes: readonly OutcomeMessage[]): Buffer[] {
  return encodeMessageChunks('nudge.v1.Outcome', outcomes);
}

/** Messages of any type (`nudge.v1.Event`, ...), gRPC-framed and packed into chunks of about CHUNK_BYTES. */
export function encodeMessageChunks(typeName: string, messages: readonly object[]): Buffer[] {
  const type = protoRoot().lookupType(typeName);
  const chunks: Buffer[] = [];
  let parts: Buffer[] = [];
  let size = 0;
  for (const o of messages) {
    const frame = grpcFrame(type.encode(type.create(o)).finish());
    parts.push(frame);
    size += frame.length;
    if (size >= CHUNK_BYTES) {
      chunks.push(Buffer.concat(parts, size));
      parts = [];
      size = 0;
    }
  }
  if (size > 0) chunks.push(Buffer.concat(parts, size));
  return chunks;
}

export interface StreamResult {
  /** grpc-status of the call ("0" = OK); undefined when the call ended without one. */
  readonly status: string | undefined;
  readonly message: string | undefined;
  /** The response message (OutcomeSummary) as a plain object; null without one. */
  readonly summary: Record<string, number> | null;
  /** Milliseconds from the first write until the client had written its last chunk. */
  readonly writeMs: number;
}

/** Runs the call on a fresh connection; resolves when the server has answered and closed the stream. */
export function streamOutcomes(address: string, chunks: readonly Buffer[]): Promise<StreamResult> {
  return streamCall(address, STREAM_OUTCOMES_PATH, 'nudge.v1.OutcomeSummary', chunks);
}

/** One client-streaming call of `path` with pre-encoded chunks; the answer decoded as `responseType`. */
export function streamCall(address: string, path: string, responseType: string, chunks: readonly Buffer[]): Promise<StreamResult> {
  const summaryType = protoRoot().lookupType(responseType);
  return new Promise<StreamResult>((resolve, reject) => {
    const session = http2.connect(`http://${address}`);
    session.on('error', reject);
    const req = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const body: Buffer[] = [];
    let status: string | undefined;
    let message: string | undefined;
    const t0 = performance.now();
    let writeMs = 0;
    const onHeaders = (h: http2.IncomingHttpHeaders): void => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) message = decodeURIComponent(String(h['grpc-message']));
    };
    req.on('response', onHeaders);
    req.on('trailers', onHeaders);
    req.on('data', (b: Buffer) => body.push(b));
    req.on('error', (err) => {
      session.close();
      reject(err);
    });
    req.on('close', () => {
      session.close();
      const data = Buffer.concat(body);
      let summary: Record<string, number> | null = null;
      if (data.length >= 5) {
        const len = data.readUInt32BE(1);
        const msg = summaryType.decode(data.subarray(5, 5 + len));
        summary = summaryType.toObject(msg, { longs: Number, defaults: true }) as Record<string, number>;
      }
      resolve({ status, message, summary, writeMs });
    });
    let i = 0;
    const write = (): void => {
      while (i < chunks.length) {
        if (!req.write(chunks[i++]!)) {
          req.once('drain', write);
          return;
        }
      }
      writeMs = performance.now() - t0;
      req.end();
    };
    write();
  });
}
