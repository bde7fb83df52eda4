/**
 * The HTTP/2 and HPACK pieces the raw benchmark client (h2raw.ts) is built from: frame types and flags,
 * a frame header, the constant request header block, and the one lookup it does in a response's header
 * block (grpc-status). Only what a unary gRPC exchange with nghttp2 needs; see h2raw.ts for why the client
 * does not use node:http2.
 */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const T_DATA = 0x0;
export const T_HEADERS = 0x1;
export const T_RST_STREAM = 0x3;
export const T_SETTINGS = 0x4;
export const T_PING = 0x6;
export const T_GOAWAY = 0x7;
export const T_WINDOW_UPDATE = 0x8;
export const T_CONTINUATION = 0x9;
export const F_END_STREAM = 0x1;
export const F_ACK = 0x1;
export const F_END_HEADERS = 0x4;
export const F_PADDED = 0x8;
export const F_PRIORITY = 0x20;
export const MAX_WINDOW = 2 ** 31 - 1;
export const S_MAX_CONCURRENT_STREAMS = 0x3;

/** "grpc-status" Huffman-coded (RFC 7541 Appendix B), as nghttp2 sends a literal name when shorter. */
const GRPC_STATUS_RAW = Buffer.from('grpc-status', 'latin1');
const GRPC_STATUS_HUFFMAN = huffmanBits('100110 101100 101011 00100 010110 01000 01001 00011 01001 101101 01000');

function huffmanBits(bits: string): Buffer {
  const b = bits.replace(/ /g, '');
  const padded = b + '1'.repeat((8 - (b.length % 8)) % 8);
  const out = Buffer.alloc(padded.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(padded.slice(i * 8, i * 8 + 8), 2);
  return out;
}

export function frameHeader(length: number, type: number, flags: number, stream: number): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return h;
}

function hpackString(s: string): Buffer {
  const b = Buffer.from(s, 'latin1');
  if (b.length >= 127) throw new RangeError('header too long for the fixed HPACK encoder');
  return Buffer.concat([Buffer.from([b.length]), b]);
}

/** Header block: literal fields without indexing (static-table names where they exist). */
export function requestHeaderBlock(path: string, authority: string): Buffer {
  return Buffer.concat([
    Buffer.from([0x83, 0x86]), // :method POST, :scheme http (static 3, 6)
    Buffer.from([0x04]), hpackString(path), // :path, name static 4
    Buffer.from([0x01]), hpackString(authority), // :authority, name static 1
    Buffer.from([0x0f, 0x10]), hpackString('application/grpc'), // content-type, name static 31
    Buffer.from([0x00]), hpackString('te'), hpackString('trailers'),
  ]);
}

function readInt(buf: Buffer, p: number, prefixBits: number): [number, number] {
  const max = (1 << prefixBits) - 1;
  let v = buf[p] & max;
  p++;
  if (v < max) return [v, p];
  let m = 0;
  for (;;) {
    const b = buf[p++];
    v += (b & 0x7f) * 2 ** m;
    m += 7;
    if ((b & 0x80) === 0 || p >= buf.length) return [v, p];
  }
}

/** grpc-status from a header block, or undefined when it has none. */
export function findGrpcStatus(block: Buffer): string | undefined {
  let p = 0;
  while (p < block.length) {
    const b = block[p];
    if (b & 0x80) {
      [, p] = readInt(block, p, 7);
      continue;
    }
    if ((b & 0xe0) === 0x20) {
      [, p] = readInt(block, p, 5);
      continue;
    }
    let idx: number;
    [idx, p] = readInt(block, p, b & 0x40 ? 6 : 4);
    let nameIsStatus = false;
    if (idx === 0) {
      const huff = (block[p] & 0x80) !== 0;
      let len: number;
      [len, p] = readInt(block, p, 7);
      const name = block.subarray(p, p + len);
      p += len;
      nameIsStatus = name.equals(huff ? GRPC_STATUS_HUFFMAN : GRPC_STATUS_RAW);
    }
    const vHuff = (block[p] & 0x80) !== 0;
    let vlen: number;
    [vlen, p] = readInt(block, p, 7);
    if (nameIsStatus && !vHuff) return block.toString('latin1', p, p + vlen);
    p += vlen;
  }
  return undefined;
}
