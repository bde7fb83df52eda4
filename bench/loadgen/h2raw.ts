/**
 * A minimal cleartext HTTP/2 client for unary gRPC calls, written on a raw socket: Node's http2 client
 * costs ~100 us of CPU per request on the benchmark machine (stream objects, async resources, header
 * conversion), which on 2 shared cores is CPU taken from the server under test. Here a request is one
 * pre-built HEADERS frame (constant HPACK block: literals never indexed, no Huffman) plus one DATA frame,
 * with the stream id patched in, batched into one socket write.
 *
 * Responses are parsed only as far as needed: frame boundaries, END_STREAM, RST_STREAM, GOAWAY, flow
 * control, PING/SETTINGS acks, the peer's SETTINGS_MAX_CONCURRENT_STREAMS, and the grpc-status field.
 * Requests beyond the peer's stream limit wait in a local FIFO and open as streams close: a server
 * refuses (RST_STREAM REFUSED_STREAM, or GOAWAY) streams past its limit, and an open-loop generator
 * must measure that wait as latency rather than turn it into errors. The client advertises a header table size of 0
 * so the server's HPACK encoder keeps no dynamic state; status values ("0".."16") are never Huffman-coded
 * by nghttp2 (no shorter), only the field name may be, and is matched against its known encoding.
 */
import * as net from 'node:net';
import {
  F_ACK,
  F_END_HEADERS,
  F_END_STREAM,
  F_PADDED,
  F_PRIORITY,
  findGrpcStatus,
  frameHeader,
  MAX_WINDOW,
  PREFACE,
  requestHeaderBlock,
  S_MAX_CONCURRENT_STREAMS,
  T_CONTINUATION,
  T_DATA,
  T_GOAWAY,
  T_HEADERS,
  T_PING,
  T_RST_STREAM,
  T_SETTINGS,
  T_WINDOW_UPDATE,
} from './h2frames';

export type RawDone = (status: string | undefined, transportError: string | undefined) => void;

interface Pending {
  readonly done: RawDone;
  status: string | undefined;
}

interface Blocked {
  readonly body: Buffer;
  readonly done: RawDone;
}

export class RawH2Connection {
  private readonly socket: net.Socket;
  private readonly headerBlock: Buffer;
  private readonly pending = new Map<number, Pending>();
  private nextStream = 1;
  private sendWindow = 65_535;
  private received = 0;
  private inbox: Buffer = Buffer.alloc(0);
  private continuation: { stream: number; endStream: boolean; parts: Buffer[] } | null = null;
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private writeScheduled = false;
  private dead: string | null = null;
  private readonly waiting: { frame: Buffer; dataLen: number }[] = [];
  /** The peer's SETTINGS_MAX_CONCURRENT_STREAMS (unlimited until it says otherwise, RFC 9113 6.5.2). */
  private maxStreams = Infinity;
  /** Requests waiting for a stream slot, oldest first; `blockedHead` avoids O(n) shifts. */
  private blocked: Blocked[] = [];
  private blockedHead = 0;
  private blockedMax = 0;
  private onFirstSettings: (() => void) | null;

  private constructor(socket: net.Socket, path: string, authority: string, onFirstSettings: () => void) {
    this.socket = socket;
    this.onFirstSettings = onFirstSettings;
    this.headerBlock = requestHeaderBlock(path, authority);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e: NodeJS.ErrnoException) => this.fail(`TRANSPORT_${e.code ?? 'ERROR'}`));
    socket.on('close', () => this.fail('TRANSPORT_CLOSED'));
  }

  static connect(target: string, path: string): Promise<RawH2Connection> {
    const i = target.lastIndexOf(':');
    const host = target.slice(0, i);
    const port = Number(target.slice(i + 1));
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      const early = (): void => reject(new Error(`connection to ${target} closed before the server's SETTINGS`));
      socket.once('error', reject);
      socket.once('close', early);
      socket.once('connect', () => {
        // Resolved only once the server's SETTINGS arrived, so its stream limit is known before the
        // first request (and the handshake stays out of measured time).
        const c = new RawH2Connection(socket, path, target, () => {
          socket.off('error', reject);
          socket.off('close', early);
          resolve(c);
        });
        // SETTINGS: HEADER_TABLE_SIZE 0, ENABLE_PUSH 0, INITIAL_WINDOW_SIZE max; then open the
        // connection window fully, so the server never waits on this client's flow control.
        const settings = Buffer.alloc(18);
        settings.writeUInt16BE(0x1, 0);
        settings.writeUInt32BE(0, 2);
        settings.writeUInt16BE(0x2, 6);
        settings.writeUInt32BE(0, 8);
        settings.writeUInt16BE(0x4, 12);
        settings.writeUInt32BE(MAX_WINDOW, 14);
        const wu = Buffer.alloc(4);
        wu.writeUInt32BE(MAX_WINDOW - 65_535, 0);
        socket.write(Buffer.concat([PREFACE, frameHeader(18, T_SETTINGS, 0, 0), settings, frameHeader(4, T_WINDOW_UPDATE, 0, 0), wu]));
      });
    });
  }

  /** Requests not yet answered: open streams plus those waiting for a stream slot. */
  get inFlight(): number {
    return this.pending.size + this.blocked.length - this.blockedHead;
  }

  /** True when a new request would wait locally for a stream slot. */
  get saturated(): boolean {
    return this.pending.size >= this.maxStreams || this.blocked.length > this.blockedHead;
  }

  /** Largest number of requests that waited at once for a stream slot. */
  get queueMax(): number {
    return this.blockedMax;
  }

  /** The peer's current concurrent-stream limit (Infinity when it set none). */
  get peerMaxStreams(): number {
    return this.maxStreams;
  }

  /**
   * Starts one unary call with a framed gRPC body; `done` runs once, at END_STREAM or failure. Beyond
   * the peer's stream limit the call waits here (FIFO) and opens when a stream closes.
   */
  request(body: Buffer, done: RawDone): void {
    if (this.dead !== null) {
      done(undefined, this.dead);
      return;
    }
    if (this.saturated) {
      this.blocked.push({ body, done });
      const depth = this.blocked.length - this.blockedHead;
      if (depth > this.blockedMax) this.blockedMax = depth;
      return;
    }
    this.open(body, done);
  }

  private open(body: Buffer, done: RawDone): void {
    const stream = this.nextStream;
    this.nextStream += 2;
    const hb = this.headerBlock;
    const frame = Buffer.allocUnsafe(9 + hb.length + 9 + body.length);
    frame.writeUIntBE(hb.length, 0, 3);
    frame[3] = T_HEADERS;
    frame[4] = F_END_HEADERS;
    frame.writeUInt32BE(stream, 5);
    hb.copy(frame, 9);
    const d = 9 + hb.length;
    frame.writeUIntBE(body.length, d, 3);
    frame[d + 3] = T_DATA;
    frame[d + 4] = F_END_STREAM;
    frame.writeUInt32BE(stream, d + 5);
    body.copy(frame, d + 9);
    this.pending.set(stream, { done, status: undefined });
    // Streams must open in id order, so once one waits for window every later one waits behind it.
    if (this.waiting.length > 0 || body.length > this.sendWindow) this.waiting.push({ frame, dataLen: body.length });
    else this.enqueue(frame, body.length);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Opens waiting requests while the peer's limit allows. */
  private pump(): void {
    while (this.dead === null && this.blockedHead < this.blocked.length && this.pending.size < this.maxStreams) {
      const b = this.blocked[this.blockedHead];
      this.blocked[this.blockedHead++] = undefined as unknown as Blocked;
      if (this.blockedHead === this.blocked.length) {
        this.blocked = [];
        this.blockedHead = 0;
      } else if (this.blockedHead > 1024 && this.blockedHead * 2 > this.blocked.length) {
        this.blocked = this.blocked.slice(this.blockedHead);
        this.blockedHead = 0;
      }
      this.open(b.body, b.done);
    }
  }

  private failBlocked(reason: string): void {
    const all = this.blocked.slice(this.blockedHead);
    this.blocked = [];
    this.blockedHead = 0;
    for (const b of all) b.done(undefined, reason);
  }

  private enqueue(frame: Buffer, dataLen: number): void {
    this.sendWindow -= dataLen;
    this.queued.push(frame);
    this.queuedBytes += frame.length;
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      // Sends due in the same event-loop turn leave in one write (one syscall).
      process.nextTick(() => this.flush());
    }
  }

  private flush(): void {
    this.writeScheduled = false;
    if (this.queued.length === 0 || this.dead !== null) return;
    const out = this.queued.length === 1 ? this.queued[0] : Buffer.concat(this.queued, this.queuedBytes);
    this.queued = [];
    this.queuedBytes = 0;
    this.socket.write(out);
  }

  private control(frame: Buffer): void {
    this.queued.push(frame);
    this.queuedBytes += frame.length;
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  private fail(reason: string): void {
    if (this.dead === null) this.dead = reason;
    const all = [...this.pending.values()];
    this.pending.clear();
    this.waiting.length = 0;
    for (const p of all) p.done(undefined, reason);
    this.failBlocked(this.dead);
  }

  private complete(stream: number, transportError?: string): void {
    const p = this.pending.get(stream);
    if (!p) return;
    this.pending.delete(stream);
    // The freed slot goes to the oldest waiting request before `done` can add new ones.
    this.pump();
    p.done(p.status, transportError);
  }

  private onData(chunk: Buffer): void {
    let buf = this.inbox.length ? Buffer.concat([this.inbox, chunk]) : chunk;
    let p = 0;
    while (buf.length - p >= 9) {
      const len = buf.readUIntBE(p, 3);
      if (buf.length - p < 9 + len) break;
      const type = buf[p + 3];
      const flags = buf[p + 4];
      const stream = buf.readUInt32BE(p + 5) & 0x7fffffff;
      this.onFrame(type, flags, stream, buf.subarray(p + 9, p + 9 + len));
      p += 9 + len;
    }
    buf = buf.subarray(p);
    this.inbox = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
  }

  private onFrame(type: number, flags: number, stream: number, payload: Buffer): void {
    switch (type) {
      case T_DATA: {
        this.received += payload.length;
        if (this.received > 2 ** 30) {
          const wu = Buffer.alloc(13);
          frameHeader(4, T_WINDOW_UPDATE, 0, 0).copy(wu);
          wu.writeUInt32BE(this.received, 9);
          this.received = 0;
          this.control(wu);
        }
        if (flags & F_END_STREAM) this.complete(stream);
        return;
      }
      case T_HEADERS: {
        let start = 0;
        let end = payload.length;
        if (flags & F_PADDED) {
          end -= payload[0];
          start = 1;
        }
        if (flags & F_PRIORITY) start += 5;
        const block = payload.subarray(start, end);
        const endStream = (flags & F_END_STREAM) !== 0;
        if (!(flags & F_END_HEADERS)) {
          this.continuation = { stream, endStream, parts: [Buffer.from(block)] };
          return;
        }
        this.onHeaderBlock(stream, endStream, block);
        return;
      }
      case T_CONTINUATION: {
        const c = this.continuation;
        if (!c) return;
        c.parts.push(Buffer.from(payload));
        if (flags & F_END_HEADERS) {
          this.continuation = null;
          this.onHeaderBlock(c.stream, c.endStream, Buffer.concat(c.parts));
        }
        return;
      }
      case T_RST_STREAM:
        this.complete(stream, `RST_STREAM_${payload.length >= 4 ? payload.readUInt32BE(0) : '?'}`);
        return;
      case T_SETTINGS: {
        if (flags & F_ACK) return;
        for (let q = 0; q + 6 <= payload.length; q += 6) {
          if (payload.readUInt16BE(q) === S_MAX_CONCURRENT_STREAMS) this.maxStreams = payload.readUInt32BE(q + 2);
        }
        this.control(frameHeader(0, T_SETTINGS, F_ACK, 0));
        const first = this.onFirstSettings;
        this.onFirstSettings = null;
        first?.();
        this.pump();
        return;
      }
      case T_PING:
        if (!(flags & F_ACK)) this.control(Buffer.concat([frameHeader(8, T_PING, F_ACK, 0), payload]));
        return;
      case T_WINDOW_UPDATE:
        if (stream === 0) {
          this.sendWindow += payload.readUInt32BE(0) & 0x7fffffff;
          while (this.waiting.length > 0 && this.waiting[0].dataLen <= this.sendWindow) {
            const w = this.waiting.shift() as { frame: Buffer; dataLen: number };
            this.enqueue(w.frame, w.dataLen);
          }
        }
        return;
      case T_GOAWAY: {
        const last = payload.readUInt32BE(0) & 0x7fffffff;
        this.dead = 'GOAWAY';
        for (const id of [...this.pending.keys()]) if (id > last) this.complete(id, 'GOAWAY');
        this.failBlocked('GOAWAY');
        return;
      }
      default:
        return;
    }
  }

  private onHeaderBlock(stream: number, endStream: boolean, block: Buffer): void {
    const p = this.pending.get(stream);
    if (!p) return;
    const s = findGrpcStatus(block);
    if (s !== undefined) p.status = s;
    if (endStream) this.complete(stream);
  }
}
