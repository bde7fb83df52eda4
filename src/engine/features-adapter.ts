import { featureContext, featureValue, toRuleData, type FeatureView } from '../features/store';
import type { CompiledSchema } from '../features/types';

/**
 * The engine's use of the features module in one file: request context over the stored record, the
 * segment key, and the object JSON Logic rules see.
 */

/** Applies the context onto `record` in place; without context, no work and no allocation. */
export function applyContext(
  schema: CompiledSchema,
  record: Float64Array,
  context: Readonly<Record<string, string>>,
  noContext: FeatureView,
): FeatureView {
  for (const _ in context) return featureContext(schema, record, context, record);
  return noContext;
}

/**
 * "name=value" per segment field, joined by ",". A field that is not in the schema takes its value
 * from the context, or "" when absent there too, so the key has the same shape for every customer.
 */
export function segmentKey(schema: CompiledSchema, view: FeatureView, segmentBy: readonly string[]): string {
  let key = '';
  for (let s = 0; s < segmentBy.length; s++) {
    const name = segmentBy[s]!;
    const i = schema.index.get(name);
    const value = i !== undefined ? featureValue(schema, view, i) : (view.extra?.[name] ?? '');
    key += (s === 0 ? '' : ',') + name + '=' + String(value);
  }
  return key;
}

/** Plain object for JSON Logic (allocates; only built when a rule needs it). */
export function ruleData(schema: CompiledSchema, record: Float64Array, context: Readonly<Record<string, string>>): object {
  return toRuleData(schema, record, context);
}
