import type { CompiledSchema, FeatureSchema } from './types';
import { compileSchema, inferSchema, readSchemaFile } from './schema';

/**
 * Which file columns become which record fields. Default id column: `customer_id` when the file has
 * one, else the first column (the OBD files' unnamed pandas index).
 */
export interface LoadPlan {
  readonly columns: readonly string[];
  readonly idColumn: string;
  readonly idIndex: number;
  /** Per record field: index of its column in the file row (CSV) — -1 when the file lacks it. */
  readonly sourceIndex: readonly number[];
  readonly schema: FeatureSchema;
  /** Compiled, with dictionaries the loader grows while it reads. */
  readonly compiled: CompiledSchema;
}

export interface PlanInput {
  readonly columns: readonly string[];
  /** Sample rows aligned with `columns`. */
  readonly sample: readonly (readonly unknown[])[];
  readonly idColumn?: string;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly schemaFile?: string;
  /** CSV requires every schema field to be a column; NDJSON records may simply lack a key. */
  readonly requireColumns: boolean;
}

function checkNames(names: readonly string[] | undefined, columns: ReadonlySet<string>, option: string): void {
  if (names === undefined) return;
  const unknown = names.filter((n) => !columns.has(n));
  if (unknown.length > 0) throw new RangeError(`options.${option} names columns that are not in the file: ${unknown.join(', ')}`);
}

export function makePlan(input: PlanInput): LoadPlan {
  const { columns } = input;
  const colSet = new Set(columns);
  const idColumn = input.idColumn ?? (colSet.has('customer_id') ? 'customer_id' : columns[0]);
  if (idColumn === undefined) throw new RangeError('the file has no columns');
  const idIndex = columns.indexOf(idColumn);
  if (idIndex < 0) throw new RangeError(`options.idColumn "${idColumn}" is not a column of the file`);
  checkNames(input.include, colSet, 'include');
  checkNames(input.exclude, colSet, 'exclude');
  const excluded = new Set(input.exclude ?? []);
  excluded.add(idColumn);
  const keep = (name: string): boolean => !excluded.has(name) && (input.include === undefined || input.include.includes(name));

  let schema: FeatureSchema;
  if (input.schemaFile !== undefined) {
    const fromFile = readSchemaFile(input.schemaFile);
    schema = { fields: fromFile.fields.filter((f) => keep(f.name)) };
    if (input.requireColumns) {
      const missing = schema.fields.filter((f) => !colSet.has(f.name)).map((f) => f.name);
      if (missing.length > 0) throw new RangeError(`schema fields missing from the file: ${missing.join(', ')}`);
    }
  } else {
    const names = input.include !== undefined ? input.include.filter(keep) : columns.filter(keep);
    const idx = names.map((n) => columns.indexOf(n));
    schema = inferSchema(names, input.sample.map((row) => idx.map((c) => row[c])));
  }
  const sourceIndex = schema.fields.map((f) => columns.indexOf(f.name));
  return { columns, idColumn, idIndex, sourceIndex, schema, compiled: compileSchema(schema) };
}
