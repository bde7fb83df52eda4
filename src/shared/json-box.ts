/**
 * A versioned JSON document in shared memory: one writer (the main thread) publishes, many readers
 * (workers) pick the newest version up with one Atomics.load per call and re-parse only when it
 * changed. Used for what changes rarely but must reach every worker before its next task: campaign
 * configurations and the shared-arena directory.
 *
 * Layout (Int32 words): [0] sequence (odd while a write is in progress), [1] byte length, then UTF-8.
 * The buffer is a growable SharedArrayBuffer so a larger document never needs a new handle.
 */
const HEADER_BYTES = 8;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

type GrowableSAB = SharedArrayBuffer & { grow(n: number): void; readonly growable: boolean; readonly maxByteLength: number };

export function createJsonBox(initial: unknown, maxBytes = DEFAULT_MAX_BYTES): SharedArrayBuffer {
  const SAB = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer;
  const sab = new SAB(4096, { maxByteLength: maxBytes });
  new JsonBoxWriter(sab).publish(initial);
  return sab;
}

export class JsonBoxWriter {
  private readonly sab: GrowableSAB;
  private readonly encoder = new TextEncoder();

  constructor(sab: SharedArrayBuffer) {
    this.sab = sab as GrowableSAB;
  }

  publish(doc: unknown): void {
    const bytes = this.encoder.encode(JSON.stringify(doc));
    const need = HEADER_BYTES + bytes.length;
    if (need > this.sab.byteLength) {
      if (need > this.sab.maxByteLength) {
        throw new RangeError(`shared document of ${bytes.length} bytes exceeds the box's ${this.sab.maxByteLength} bytes`);
      }
      this.sab.grow(Math.min(this.sab.maxByteLength, Math.max(need, this.sab.byteLength * 2)));
    }
    const words = new Int32Array(this.sab, 0, 2);
    const seq = Atomics.load(words, 0);
    Atomics.store(words, 0, seq + 1); // odd: readers retry
    new Uint8Array(this.sab, HEADER_BYTES, bytes.length).set(bytes);
    Atomics.store(words, 1, bytes.length);
    Atomics.store(words, 0, seq + 2);
  }
}

export class JsonBoxReader<T> {
  private readonly sab: SharedArrayBuffer;
  private readonly decoder = new TextDecoder();
  private seen = -1;
  private doc: T | undefined;

  constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
  }

  /** Sequence number of the newest published version (even). */
  version(): number {
    return Atomics.load(new Int32Array(this.sab, 0, 2), 0);
  }

  /** The newest document; parses only when a new version was published since the last call. */
  get(): T {
    const words = new Int32Array(this.sab, 0, 2);
    for (;;) {
      const seq = Atomics.load(words, 0);
      if (seq === this.seen && this.doc !== undefined) return this.doc;
      if (seq % 2 === 1) continue; // a write is in progress; it takes microseconds
      const len = Atomics.load(words, 1);
      // TextDecoder refuses views on shared memory: copy out (rare: only on a new version).
      const copy = new Uint8Array(len);
      copy.set(new Uint8Array(this.sab, HEADER_BYTES, len));
      if (Atomics.load(words, 0) !== seq) continue; // torn read: retry
      this.doc = JSON.parse(this.decoder.decode(copy)) as T;
      this.seen = seq;
      return this.doc;
    }
  }
}
