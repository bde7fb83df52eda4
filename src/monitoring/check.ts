/**
 * Argument checks shared by the monitoring statistics. Each public function checks what it is given
 * where it comes in, so that a bad value fails loudly at the boundary with the argument's name, and
 * not as a NaN three sums later in a Prometheus gauge. The convention (as in the rest of Nudge):
 * TypeError when the value has the wrong type, RangeError when the type is right but the value is not
 * allowed. Messages are exact and tested; they name the argument (and the element index).
 */

/** Short description of a value for an error message (never the whole value: arrays can be huge). */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return 'a string';
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** A finite number. */
export function requireFinite(name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`${name} must be finite, got ${v}`);
  return v;
}

/** A number in [0, 1] (a probability, a share, or a reward in Nudge's [0, 1] reward scale). */
export function requireUnit(name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  // `!(v >= 0 && v <= 1)` is also true for NaN, which must not slip through.
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${v}`);
  return v;
}

/** A non-negative safe integer (a count). */
export function requireCount(name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  return v;
}

/** A plain array or a typed array of numbers (elements are checked by the caller, with their index). */
export function requireNumberArray(name: string, v: unknown): ArrayLike<number> {
  if (Array.isArray(v)) return v as number[];
  if (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array)) {
    return v as unknown as ArrayLike<number>;
  }
  throw new TypeError(`${name} must be an array of numbers, got ${describe(v)}`);
}

/** A plain object (not null, not an array). */
export function requireObject(name: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError(`${name} must be an object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}
