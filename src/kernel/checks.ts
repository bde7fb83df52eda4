import { MSG } from './messages';

/**
 * Argument checks of the TypeScript fallback (native/checks.h does the same, in the same order).
 * Type checks work across realms (a Float64Array from another vm context is still accepted).
 */
const toString = Object.prototype.toString;

export function isFloat64Array(x: unknown): x is Float64Array {
  return x instanceof Float64Array || (ArrayBuffer.isView(x) && toString.call(x) === '[object Float64Array]');
}

export function isUint32Array(x: unknown): x is Uint32Array {
  return x instanceof Uint32Array || (ArrayBuffer.isView(x) && toString.call(x) === '[object Uint32Array]');
}

export function checkF64(x: unknown, name: string): asserts x is Float64Array {
  if (!isFloat64Array(x)) throw new TypeError(MSG.float64(name));
}

export function checkU32(x: unknown, name: string): asserts x is Uint32Array {
  if (!isUint32Array(x)) throw new TypeError(MSG.uint32(name));
}

/** Scalar arguments: not a number -> TypeError, bad number -> RangeError, same message. */
export function checkNumber(x: unknown, message: string): asserts x is number {
  if (typeof x !== 'number') throw new TypeError(message);
}

export function checkN(n: number, k: number): void {
  if (!(Number.isInteger(n) && n >= 1 && n <= k)) throw new RangeError(MSG.n);
}

export function checkM(m: number): void {
  if (!(Number.isSafeInteger(m) && m >= 1)) throw new RangeError(MSG.m);
}

export function checkReps(reps: number): void {
  if (!(Number.isSafeInteger(reps) && reps >= 1)) throw new RangeError(MSG.reps);
}

export function checkP(p: number): void {
  if (!(p > 0 && p < 1)) throw new RangeError(MSG.p);
}

export function checkSeed(seed: number): void {
  if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new RangeError(MSG.seed);
}

/**
 * The arguments of a slate-propensity entry point (first, second, n, m, out), as native ReadSlateArgs
 * checks them: types, then n and m, then the two arrays' lengths (`lengthMessage`), then out's (k * n).
 */
export function checkSlateArgs(first: unknown, firstName: string, second: unknown, secondName: string, n: unknown, m: unknown, out: unknown, lengthMessage: string): void {
  checkF64(first, firstName);
  checkF64(second, secondName);
  checkNumber(n, MSG.n);
  checkNumber(m, MSG.m);
  checkF64(out, 'out');
  const k = first.length;
  checkN(n, k);
  checkM(m);
  if (second.length !== k) throw new RangeError(lengthMessage);
  if (out.length !== k * n) throw new RangeError(MSG.outKn);
}

export function checkSameLength(alpha: Float64Array, beta: Float64Array): void {
  if (alpha.length !== beta.length) throw new RangeError(MSG.sameLength);
}

export function checkShapes(shape: Float64Array, name: string): void {
  for (let i = 0; i < shape.length; i++) {
    const v = shape[i]!;
    if (!(v > 0 && v < Infinity)) throw new RangeError(MSG.positiveFinite(name, i));
  }
}

export function checkShapePairs(alpha: Float64Array, beta: Float64Array): void {
  for (let i = 0; i < alpha.length; i++) {
    const a = alpha[i]!;
    if (!(a > 0 && a < Infinity)) throw new RangeError(MSG.positiveFinite('alpha', i));
    const b = beta[i]!;
    if (!(b > 0 && b < Infinity)) throw new RangeError(MSG.positiveFinite('beta', i));
  }
}

export function checkNotNaN(values: Float64Array, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i]) throw new RangeError(MSG.notNaN(name, i));
  }
}
