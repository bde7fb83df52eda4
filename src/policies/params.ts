import type { PolicyParams } from './types';

/**
 * Parameter checks shared by the policy factories. Parameters come from YAML/JSON campaigns (numbers,
 * booleans) and from route params and spec strings (strings), so a numeric string is accepted as a
 * number; anything else of the wrong type is a TypeError, a value out of range a RangeError, both with
 * the message `<policy>.<param> must be ...`.
 */

/** Rejects parameters the policy does not know (typos would otherwise be silently ignored). */
export function checkKnownParams(policy: string, params: PolicyParams, known: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) {
      const list = known.length > 0 ? known.join(', ') : 'none';
      throw new RangeError(`unknown parameter "${policy}.${key}" (known: ${list})`);
    }
  }
}

function toNumber(v: string | number | boolean): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const x = Number(v);
    return Number.isNaN(x) ? undefined : x;
  }
  return undefined;
}

/**
 * Reads a number parameter: `fallback` when absent; `ok` decides the range. `requirement` completes
 * the message, e.g. "a number >= 0".
 */
export function readNumber(
  policy: string,
  params: PolicyParams,
  key: string,
  fallback: number,
  requirement: string,
  ok: (x: number) => boolean,
): number {
  const raw = params[key];
  if (raw === undefined) return fallback;
  const msg = `${policy}.${key} must be ${requirement}`;
  const x = toNumber(raw);
  if (x === undefined) throw new TypeError(msg);
  if (!ok(x)) throw new RangeError(msg);
  return x;
}

/** Reads a string parameter restricted to `choices`. */
export function readChoice<T extends string>(
  policy: string,
  params: PolicyParams,
  key: string,
  fallback: T,
  choices: readonly T[],
): T {
  const raw = params[key];
  if (raw === undefined) return fallback;
  const msg = `${policy}.${key} must be one of ${choices.map((c) => `"${c}"`).join(', ')}`;
  if (typeof raw !== 'string') throw new TypeError(msg);
  if (!(choices as readonly string[]).includes(raw)) throw new RangeError(msg);
  return raw as T;
}
