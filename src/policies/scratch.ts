/**
 * Growable scratch arrays for the policies' hot paths. The kernel wants arrays of an exact length
 * (draws of length k, propensities of length k * n), so `view(len)` hands out a subarray of exactly
 * `len` elements and keeps it: after warm-up, a policy allocates nothing per call but its result.
 */

interface TypedArrayLike<T> {
  readonly length: number;
  subarray(begin: number, end: number): T;
}

class Scratch<T extends TypedArrayLike<T>> {
  private buf: T;
  private views: (T | undefined)[] = [];

  constructor(private readonly make: (len: number) => T, initial = 16) {
    this.buf = make(initial);
  }

  /** A view of exactly `len` elements (contents unspecified). */
  view(len: number): T {
    if (len > this.buf.length) {
      this.buf = this.make(Math.max(len, this.buf.length * 2));
      this.views = [];
    }
    let v = this.views[len];
    if (v === undefined) {
      v = this.buf.subarray(0, len);
      this.views[len] = v;
    }
    return v;
  }
}

export class F64Scratch extends Scratch<Float64Array> {
  constructor(initial = 16) {
    super((n) => new Float64Array(n), initial);
  }
}

export class U32Scratch extends Scratch<Uint32Array> {
  constructor(initial = 16) {
    super((n) => new Uint32Array(n), initial);
  }
}

export class U8Scratch extends Scratch<Uint8Array> {
  constructor(initial = 16) {
    super((n) => new Uint8Array(n), initial);
  }
}
