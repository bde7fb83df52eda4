import type { SessionEvent } from './types';

/**
 * Compact binary form of events. One JS object per event (with its properties object) costs a few
 * hundred bytes of heap, which a million customers cannot afford; this form costs about 10-15 bytes
 * for a typical event (docs/events-storage.md).
 *
 * Per event:
 *
 *   u8 flags   ts   name type   [value]   [str sessionId]   [varint n, n x (name key, str value)]
 *
 * flags: bit 0 ts is a varint delta from the previous event's ts (events are kept oldest first, so
 * deltas are small and >= 0), else an f64; bits 1-2 value: 0 zero, 1 varint (positive integer),
 * 2 f64; bit 3 the session id differs from the previous event's (it follows); bit 4 properties follow.
 * `name` is a varint id from a Names dictionary when the codec has one (memory: types and keys come
 * from the campaigns, so they are few), else a str (Redis: ids would differ between processes).
 * `str` is varint (byte length * 2 + 1 if not ASCII) then UTF-8: an ASCII string is then read back
 * with one slice of the record, without a UTF-8 decode.
 *
 * Records are kept as latin1 strings (one char per byte): a V8 one-byte string costs 16 bytes beside
 * its payload, where a Buffer costs an object, an ArrayBuffer and a backing store each.
 */

const TS_DELTA = 1;
const VALUE_INT = 2;
const VALUE_F64 = 4;
const SID = 8;
const PROPS = 16;
/** Deltas and integer values up to this go as varints (at most 5 bytes). */
const VARINT_MAX = 0xffffffff;

/** Event types and property keys as small ids (memory store only; process-local). */
export class Names {
  private readonly ids = new Map<string, number>();
  private readonly list: string[] = [];
  /** Rough heap cost of the dictionary, for the store's account: the string, a Map entry, an array slot. */
  bytes = 0;

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(name);
      this.ids.set(name, id);
      this.bytes += oneByteStringBytes(name.length * 2) + 48;
    }
    return id;
  }

  name(id: number): string {
    const n = this.list[id];
    if (n === undefined) throw new RangeError(`session record: unknown name id ${id}`);
    return n;
  }
}

/** Heap bytes of a V8 sequential string of `len` one-byte chars (64-bit, no pointer compression). */
export function oneByteStringBytes(len: number): number {
  return 16 + ((len + 7) & ~7);
}

/** The scratch buffer's usual size; a larger one (for a huge record) is given back after use. */
const SCRATCH_BYTES = 4096;

export class Encoder {
  private buf = Buffer.allocUnsafe(SCRATCH_BYTES);
  private off = 0;
  private prevTs = Number.NaN;
  private prevSid = '';

  constructor(private readonly names: Names | null) {}

  /** Starts a record (deltas and session ids are relative to the record's earlier events). */
  begin(): this {
    this.off = 0;
    this.prevTs = Number.NaN;
    this.prevSid = '';
    return this;
  }

  /** A leading string (the memory store's customer id). */
  header(s: string): this {
    this.str(s);
    return this;
  }

  event(e: SessionEvent): this {
    this.room(1 + 9 + 9);
    const at = this.off++;
    let flags = 0;
    const delta = e.ts - this.prevTs;
    if (Number.isInteger(delta) && delta >= 0 && delta <= VARINT_MAX) {
      flags |= TS_DELTA;
      this.varint(delta);
    } else this.f64(e.ts);
    this.prevTs = e.ts;
    this.name(e.type);
    const v = e.value;
    if (Number.isInteger(v) && v > 0 && v <= VARINT_MAX) {
      flags |= VALUE_INT;
      this.room(5);
      this.varint(v);
    } else if (!Object.is(v, 0)) {
      flags |= VALUE_F64;
      this.room(8);
      this.f64(v);
    }
    if (e.sessionId !== this.prevSid) {
      flags |= SID;
      this.str(e.sessionId);
      this.prevSid = e.sessionId;
    }
    let n = 0;
    for (const _k in e.properties) n++;
    if (n > 0) {
      flags |= PROPS;
      this.room(5);
      this.varint(n);
      for (const k in e.properties) {
        this.name(k);
        this.str(e.properties[k]!);
      }
    }
    this.buf[at] = flags;
    return this;
  }

  /** Bytes of the scratch buffer (it grows to the largest record written). */
  get capacity(): number {
    return this.buf.length;
  }

  latin1(): string {
    const out = this.buf.toString('latin1', 0, this.off);
    this.settle();
    return out;
  }

  bytes(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.off));
    this.settle();
    return out;
  }

  private settle(): void {
    if (this.buf.length > 16 * SCRATCH_BYTES) this.buf = Buffer.allocUnsafe(SCRATCH_BYTES);
  }

  private name(s: string): void {
    if (this.names === null) this.str(s);
    else {
      this.room(5);
      this.varint(this.names.id(s));
    }
  }

  private str(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.room(5 + n);
    this.varint(n * 2 + (n === s.length ? 0 : 1));
    this.off += this.buf.write(s, this.off, n, 'utf8');
  }

  /** Callers reserve room first. */
  private varint(v: number): void {
    while (v >= 0x80) {
      this.buf[this.off++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.off++] = v;
  }

  private f64(v: number): void {
    this.buf.writeDoubleLE(v, this.off);
    this.off += 8;
  }

  private room(more: number): void {
    if (this.off + more <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.off + more, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }
}

const NO_PROPERTIES: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Reads records straight from their latin1 strings (charCodeAt is a byte): the Decide path allocates
 * only the events it returns.
 */
export class Decoder {
  private s = '';
  private off = 0;
  private flags = 0;
  private t = 0;
  private sid = '';
  private readonly f64Bytes = new Uint8Array(8);
  private readonly f64View = new DataView(this.f64Bytes.buffer);

  constructor(private readonly names: Names | null) {}

  /** Positions at the start of a record, past its header string when it has one. */
  begin(record: string, withHeader: boolean): void {
    this.s = record;
    this.off = 0;
    this.t = Number.NaN;
    this.sid = '';
    if (withHeader) this.skipStr();
  }

  more(): boolean {
    return this.off < this.s.length;
  }

  /**
   * Reads the next event's time; then rest() reads the event or skipRest() steps over it (events
   * about to be dropped cost no allocation).
   */
  ts(): number {
    this.flags = this.s.charCodeAt(this.off++);
    this.t = this.flags & TS_DELTA ? this.t + this.varint() : this.f64();
    return this.t;
  }

  rest(): SessionEvent {
    const flags = this.flags;
    const type = this.name(true);
    const value = flags & VALUE_INT ? this.varint() : flags & VALUE_F64 ? this.f64() : 0;
    if (flags & SID) this.sid = this.str();
    let properties = NO_PROPERTIES;
    if (flags & PROPS) {
      const n = this.varint();
      const p: Record<string, string> = {};
      for (let i = 0; i < n; i++) {
        const k = this.name(true);
        p[k] = this.str();
      }
      properties = p;
    }
    return { type, ts: this.t, sessionId: this.sid, value, properties };
  }

  skipRest(): void {
    const flags = this.flags;
    this.name(false);
    if (flags & VALUE_INT) this.varint();
    else if (flags & VALUE_F64) this.off += 8;
    // The session id is kept: a later event may rely on it being unchanged.
    if (flags & SID) this.sid = this.str();
    if (flags & PROPS) {
      const n = this.varint();
      for (let i = 0; i < n; i++) {
        this.name(false);
        this.skipStr();
      }
    }
  }

  private name(keep: boolean): string {
    if (this.names !== null) {
      const id = this.varint();
      return keep ? this.names.name(id) : '';
    }
    if (keep) return this.str();
    this.skipStr();
    return '';
  }

  private str(): string {
    const h = this.varint();
    const n = Math.floor(h / 2);
    const start = this.off;
    this.off += n;
    const raw = this.s.slice(start, this.off);
    return h & 1 ? Buffer.from(raw, 'latin1').toString('utf8') : raw;
  }

  private skipStr(): void {
    // Not `off += f()`: that reads off before varint() moves it.
    const n = Math.floor(this.varint() / 2);
    this.off += n;
  }

  private varint(): number {
    const s = this.s;
    let b = s.charCodeAt(this.off++);
    let v = b & 0x7f;
    let scale = 0x80;
    while (b & 0x80) {
      b = s.charCodeAt(this.off++);
      v += (b & 0x7f) * scale;
      scale *= 0x80;
    }
    return v;
  }

  private f64(): number {
    const s = this.s;
    const b = this.f64Bytes;
    for (let i = 0; i < 8; i++) b[i] = s.charCodeAt(this.off + i);
    this.off += 8;
    return this.f64View.getFloat64(0, true);
  }
}

/**
 * Whether a record's header is this customer id (the memory store keeps the id inside the record).
 * `ascii`: the id has only ASCII chars, so its bytes are its chars.
 */
export function recordHasId(record: string, id: string, ascii: boolean): boolean {
  let at = 0;
  let b = record.charCodeAt(at++);
  let h = b & 0x7f;
  let scale = 0x80;
  while (b & 0x80) {
    b = record.charCodeAt(at++);
    h += (b & 0x7f) * scale;
    scale *= 0x80;
  }
  if (ascii) return h === id.length * 2 && record.startsWith(id, at);
  const n = Math.floor(h / 2);
  return (h & 1) === 1 && Buffer.from(record.slice(at, at + n), 'latin1').equals(Buffer.from(id, 'utf8'));
}
