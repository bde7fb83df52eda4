import type { SessionEvent } from './types';

/**
 * Compact binary form of a customer's events: one JS object per event (with its properties object)
 * costs a few hundred bytes of heap, which a million customers cannot afford. Per event:
 *
 *   f64 ts   f64 value   name type   u8 sid flag (0: same session id as the previous event)
 *   [str sessionId]   u8 properties   per property: name key, str value
 *
 * `name` is a u16 id from a Dictionary when one is given (memory: the set of types and keys is
 * small), else a str (Redis: ids would differ between processes). `str` is u16 byte length + UTF-8.
 */
export class Dictionary {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      if (this.names.length >= 0xffff) throw new RangeError('more than 65535 distinct event types and property keys');
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }

  name(id: number): string {
    const n = this.names[id];
    if (n === undefined) throw new RangeError(`unknown dictionary id ${id}`);
    return n;
  }
}

export class EventCodec {
  private scratch = Buffer.allocUnsafe(4096);

  constructor(private readonly dict: Dictionary | null) {}

  encode(events: readonly SessionEvent[]): Buffer {
    let off = 0;
    let prevSid: string | null = null;
    for (const e of events) {
      off = this.ensure(off, 32);
      this.scratch.writeDoubleLE(e.ts, off);
      this.scratch.writeDoubleLE(e.value, off + 8);
      off = this.name(e.type, off + 16);
      if (e.sessionId === prevSid) {
        off = this.ensure(off, 1);
        this.scratch[off++] = 0;
      } else {
        off = this.ensure(off, 1);
        this.scratch[off++] = 1;
        off = this.str(e.sessionId, off);
        prevSid = e.sessionId;
      }
      const keys = Object.keys(e.properties);
      off = this.ensure(off, 1);
      this.scratch[off++] = keys.length;
      for (const k of keys) {
        off = this.name(k, off);
        off = this.str(e.properties[k]!, off);
      }
    }
    return Buffer.from(this.scratch.subarray(0, off));
  }

  decode(b: Buffer): SessionEvent[] {
    const out: SessionEvent[] = [];
    let off = 0;
    let sid = '';
    const readName = (): string => {
      if (this.dict !== null) {
        const id = b.readUInt16LE(off);
        off += 2;
        return this.dict.name(id);
      }
      return readStr();
    };
    const readStr = (): string => {
      const n = b.readUInt16LE(off);
      const s = b.toString('utf8', off + 2, off + 2 + n);
      off += 2 + n;
      return s;
    };
    while (off < b.length) {
      const ts = b.readDoubleLE(off);
      const value = b.readDoubleLE(off + 8);
      off += 16;
      const type = readName();
      if (b[off++] === 1) sid = readStr();
      const np = b[off++]!;
      let properties: Record<string, string> = NO_PROPERTIES;
      if (np > 0) {
        properties = {};
        for (let i = 0; i < np; i++) {
          const k = readName();
          properties[k] = readStr();
        }
      }
      out.push({ type, ts, sessionId: sid, value, properties });
    }
    return out;
  }

  private name(s: string, off: number): number {
    if (this.dict === null) return this.str(s, off);
    off = this.ensure(off, 2);
    this.scratch.writeUInt16LE(this.dict.id(s), off);
    return off + 2;
  }

  private str(s: string, off: number): number {
    off = this.ensure(off, 2 + s.length * 3);
    const n = this.scratch.write(s, off + 2, 'utf8');
    this.scratch.writeUInt16LE(n, off);
    return off + 2 + n;
  }

  private ensure(off: number, more: number): number {
    if (off + more > this.scratch.length) {
      const next = Buffer.allocUnsafe(Math.max(off + more, this.scratch.length * 2));
      this.scratch.copy(next, 0, 0, off);
      this.scratch = next;
    }
    return off;
  }
}

const NO_PROPERTIES: Readonly<Record<string, string>> = Object.freeze({});
