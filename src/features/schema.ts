import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { CompiledSchema, FeatureField, FeatureSchema, FeatureType } from './types';

/**
 * Schemas: compile (positions + category dictionaries), infer from sample rows, read from a file,
 * and encode/decode the fixed-layout Float64 record (numbers as is, categories as their code).
 */

/** What a snapshot keeps in its meta entry: enough to rebuild the CompiledSchema once per swap. */
export interface StoredSchema {
  readonly fields: readonly FeatureField[];
  /** Per field: code -> category string for category fields, null for numbers. */
  readonly categories: readonly (readonly string[] | null)[];
}

const FIELD_TYPES: readonly FeatureType[] = ['number', 'category'];

export function validateSchema(schema: unknown, where = 'schema'): FeatureSchema {
  if (typeof schema !== 'object' || schema === null) throw new TypeError(`${where} must be an object`);
  const fields = (schema as { fields?: unknown }).fields;
  if (!Array.isArray(fields)) throw new TypeError(`${where}.fields must be an array`);
  const seen = new Set<string>();
  const out: FeatureField[] = [];
  fields.forEach((f: unknown, i) => {
    const at = `${where}.fields[${i}]`;
    if (typeof f !== 'object' || f === null) throw new TypeError(`${at} must be an object`);
    const { name, type } = f as { name?: unknown; type?: unknown };
    let def = (f as { default?: unknown }).default;
    if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${at}.name must be a non-empty string`);
    if (seen.has(name)) throw new RangeError(`${at}.name "${name}" is used twice`);
    seen.add(name);
    if (!FIELD_TYPES.includes(type as FeatureType)) throw new RangeError(`${at}.type must be "number" or "category"`);
    if (type === 'number') {
      def ??= 0;
      if (typeof def !== 'number' || !Number.isFinite(def)) throw new TypeError(`${at}.default must be a finite number`);
    } else {
      def ??= '';
      if (typeof def !== 'string') throw new TypeError(`${at}.default must be a string`);
    }
    out.push({ name, type: type as FeatureType, default: def as number | string });
  });
  return { fields: out };
}

/** Reads `{fields:[{name,type,default}]}` from a .json, .yaml or .yml file. */
export function readSchemaFile(file: string): FeatureSchema {
  const text = readFileSync(file, 'utf8');
  const doc: unknown = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  return validateSchema(doc, file);
}

/**
 * Compiles a schema. Without stored categories, each category field starts with its default as
 * code 0, so the default record encodes without growing the dictionary.
 */
export function compileSchema(schema: FeatureSchema, categories?: readonly (readonly string[] | null)[]): CompiledSchema {
  const fields = schema.fields;
  const index = new Map<string, number>();
  const dictionaries: (Map<string, number> | null)[] = [];
  const cats: (string[] | null)[] = [];
  const defaults = new Float64Array(fields.length);
  fields.forEach((f, i) => {
    index.set(f.name, i);
    if (f.type === 'number') {
      dictionaries.push(null);
      cats.push(null);
      defaults[i] = f.default as number;
      return;
    }
    const list = categories?.[i] ? [...(categories[i] as readonly string[])] : [String(f.default)];
    const dict = new Map<string, number>();
    list.forEach((c, code) => dict.set(c, code));
    if (!dict.has(String(f.default))) {
      dict.set(String(f.default), list.length);
      list.push(String(f.default));
    }
    dictionaries.push(dict);
    cats.push(list);
    defaults[i] = dict.get(String(f.default)) as number;
  });
  return { fields, index, dictionaries, categories: cats, defaults };
}

export const EMPTY_SCHEMA: CompiledSchema = compileSchema({ fields: [] });

export function toStoredSchema(schema: CompiledSchema): StoredSchema {
  return { fields: schema.fields.map((f) => ({ ...f })), categories: schema.categories.map((c) => (c ? [...c] : null)) };
}

export function fromStoredSchema(stored: StoredSchema): CompiledSchema {
  return compileSchema(validateSchema({ fields: stored.fields }), stored.categories);
}

/** A value "looks numeric" for inference and number columns: non-blank and a finite number. */
export function parseNumber(raw: string): number {
  if (raw.length === 0 || raw.trim().length === 0) return NaN;
  const v = Number(raw);
  return Number.isFinite(v) ? v : NaN;
}

/**
 * Infers a schema from sample rows: a column whose every non-empty sampled value is a finite number
 * (and which has at least one) is a number with default 0; anything else is a category with default ''.
 */
export function inferSchema(columns: readonly string[], sample: readonly (readonly unknown[])[]): FeatureSchema {
  const fields: FeatureField[] = columns.map((name, c) => {
    let numeric = false;
    for (const row of sample) {
      const v = row[c];
      if (v === undefined || v === null || v === '') continue;
      if (typeof v === 'number' ? Number.isFinite(v) : typeof v === 'string' && !Number.isNaN(parseNumber(v))) {
        numeric = true;
        continue;
      }
      numeric = false;
      break;
    }
    return numeric ? { name, type: 'number', default: 0 } : { name, type: 'category', default: '' };
  });
  return { fields };
}

/**
 * Encodes one raw value (CSV string or JSON value) of field i into record[i]. Category values not yet
 * in the dictionary get the next code (the loader owns the dictionaries while it builds a snapshot).
 * Writes record[offset + i]. Returns null on success, or the problem text.
 */
export function encodeValue(schema: CompiledSchema, i: number, raw: unknown, record: Float64Array, offset = 0): string | null {
  const dict = schema.dictionaries[i] as Map<string, number> | null;
  if (raw === undefined || raw === null || raw === '') {
    record[offset + i] = schema.defaults[i];
    return null;
  }
  if (dict === null) {
    const v = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseNumber(raw) : NaN;
    if (!Number.isFinite(v)) return `column "${schema.fields[i].name}" must be a number, got ${JSON.stringify(raw).slice(0, 60)}`;
    record[offset + i] = v;
    return null;
  }
  if (typeof raw === 'object') return `column "${schema.fields[i].name}" must be a string, got ${Array.isArray(raw) ? 'an array' : 'an object'}`;
  const s = typeof raw === 'string' ? raw : String(raw);
  let code = dict.get(s);
  if (code === undefined) {
    const list = schema.categories[i] as string[];
    code = list.length;
    list.push(s);
    dict.set(s, code);
  }
  record[offset + i] = code;
  return null;
}

/** The value of field i as rules see it; an unknown category code decodes to ''. */
export function decodeValue(schema: CompiledSchema, record: Float64Array, i: number): number | string {
  const cats = schema.categories[i];
  if (cats === null || cats === undefined) return record[i];
  return cats[record[i]] ?? '';
}
