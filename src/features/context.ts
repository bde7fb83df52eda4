import type { CompiledSchema } from './types';
import { decodeValue, parseNumber } from './schema';

/**
 * Request context on top of a stored record. Choice made for unknown category values: the record gets
 * code -1 and the raw string goes into a small per-call side map (`raw`, allocated only when such a
 * value occurs), so the shared CompiledSchema is never mutated by requests. Context keys that are not
 * schema fields go to `extra` (allocated only when present) so routing rules can still see them.
 * A context value for a number field that is not a finite number is ignored (the record keeps its
 * stored value): a malformed override must not silently turn into 0.
 */
export interface FeatureView {
  readonly record: Float64Array;
  /** field index -> raw category string, for fields whose code is -1 (value not in the dictionary). */
  readonly raw: ReadonlyMap<number, string> | null;
  /** Context entries whose key is not a schema field. */
  readonly extra: Readonly<Record<string, string>> | null;
}

/**
 * Copies `record` (into `out` when given, to avoid the allocation) and applies `context` overrides.
 */
export function featureContext(
  schema: CompiledSchema,
  record: Float64Array,
  context: Readonly<Record<string, string>> | null | undefined,
  out?: Float64Array,
): FeatureView {
  const n = schema.fields.length;
  const rec = out ?? new Float64Array(n);
  for (let i = 0; i < n; i++) rec[i] = record[i];
  let raw: Map<number, string> | null = null;
  let extra: Record<string, string> | null = null;
  if (context) {
    for (const key in context) {
      const value = context[key];
      const i = schema.index.get(key);
      if (i === undefined) {
        (extra ??= {})[key] = value;
        continue;
      }
      const dict = schema.dictionaries[i];
      if (dict === null) {
        const v = parseNumber(value);
        if (!Number.isNaN(v)) rec[i] = v;
        continue;
      }
      const code = dict.get(value);
      if (code !== undefined) {
        rec[i] = code;
        raw?.delete(i);
      } else {
        rec[i] = -1;
        (raw ??= new Map()).set(i, value);
      }
    }
  }
  return { record: rec, raw, extra };
}

/** Field i of a view as rules see it: numbers as is, categories as strings (raw ones included). */
export function featureValue(schema: CompiledSchema, view: FeatureView, i: number): number | string {
  if (view.raw !== null && view.record[i] === -1) {
    const s = view.raw.get(i);
    if (s !== undefined) return s;
  }
  return decodeValue(schema, view.record, i);
}

/**
 * A plain {name: value} object for routing rules: every schema field (with overrides applied) plus
 * every context key that is not a field, as its raw string. Allocates; only used when rules exist.
 */
export function toRuleData(
  schema: CompiledSchema,
  record: Float64Array,
  context: Readonly<Record<string, string>> | null | undefined,
): Record<string, number | string> {
  const view = featureContext(schema, record, context);
  const data: Record<string, number | string> = {};
  for (let i = 0; i < schema.fields.length; i++) data[schema.fields[i].name] = featureValue(schema, view, i);
  if (view.extra !== null) for (const key in view.extra) data[key] = view.extra[key];
  return data;
}
