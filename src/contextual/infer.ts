import type { FeatureSpec } from '../campaigns/types';

/**
 * Feature specs for plain data (a simulator scenario's `contexts[].features`): a name whose values are
 * all numbers is numeric (missing: 0), any other is one-hot over the distinct values seen, in order of
 * appearance (numbers among them as their text). Names in order of first appearance.
 */
export function inferFeatureSpecs(rows: readonly Readonly<Record<string, number | string>>[]): FeatureSpec[] {
  if (!Array.isArray(rows)) throw new TypeError('rows must be an array of objects');
  const order: string[] = [];
  const numeric = new Map<string, boolean>();
  const values = new Map<string, string[]>();
  rows.forEach((row, i) => {
    if (typeof row !== 'object' || row === null) throw new TypeError(`rows[${i}] must be an object`);
    for (const [name, v] of Object.entries(row)) {
      if (typeof v !== 'number' && typeof v !== 'string') throw new TypeError(`rows[${i}].${name} must be a number or a string`);
      if (!numeric.has(name)) {
        order.push(name);
        numeric.set(name, true);
        values.set(name, []);
      }
      if (typeof v !== 'number') numeric.set(name, false);
      const seen = values.get(name)!;
      if (!seen.includes(String(v))) seen.push(String(v));
    }
  });
  return order.map((name): FeatureSpec =>
    numeric.get(name)
      ? { name, source: 'context', type: 'numeric', categories: [], buckets: 0, default: 0 }
      : { name, source: 'context', type: 'onehot', categories: values.get(name)!, buckets: 0, default: '' },
  );
}
