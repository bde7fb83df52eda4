import type { FeatureSpec } from '../campaigns/types';
import type { FeatureView } from '../features/context';
import type { CompiledSchema } from '../features/types';
import type { SessionValues } from '../sessions/types';

/**
 * A campaign's declared features compiled into a vector builder: column 0 is the bias (always 1),
 * then numeric features one column each, onehot features one column per category, hashed features
 * `buckets` columns. Compiled once per (campaign version, feature snapshot schema); building a vector
 * writes into a caller-owned Float64Array and allocates nothing (category lookups go through maps
 * and per-code tables prepared here).
 */

export const BIAS = 'bias';

const enum Kind {
  Numeric,
  OneHot,
  Hashed,
}

interface Column {
  readonly kind: Kind;
  readonly name: string;
  /** First output column of this feature. */
  readonly offset: number;
  /** Columns it spans (1 numeric, categories.length onehot, buckets hashed). */
  readonly width: number;
  /** Schema field index when read from the record (source record and the field exists), else -1. */
  readonly field: number;
  /** source: session (the value comes from the session features, not the record or context). */
  readonly session: boolean;
  /** Record field is a category field. */
  readonly fieldIsCategory: boolean;
  /** Category string -> column within the feature (onehot). */
  readonly catIndex: ReadonlyMap<string, number>;
  /** Record category code -> column within the feature (-1: none), for onehot and hashed. */
  readonly byCode: Int32Array;
  readonly numericDefault: number;
  /** Column within the feature of the default value (-1: none). */
  readonly defaultColumn: number;
}

/** FNV-1a 32 over UTF-16 code units: stable, allocation free; good enough to spread categories. */
export function bucketOf(s: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % buckets;
}

function columnOf(f: FeatureSpec, value: string): number {
  if (f.type === 'onehot') return f.categories.indexOf(value);
  return bucketOf(value, f.buckets);
}

/** Names of the columns, in order: bias, `x`, `channel=app`, `merchant#3`. */
export function columnNames(features: readonly FeatureSpec[]): string[] {
  const names = [BIAS];
  for (const f of features) {
    if (f.type === 'numeric') names.push(f.name);
    else if (f.type === 'onehot') for (const c of f.categories) names.push(`${f.name}=${c}`);
    else for (let b = 0; b < f.buckets; b++) names.push(`${f.name}#${b}`);
  }
  return names;
}

export class VectorBuilder {
  /** Number of columns (bias included). */
  readonly dim: number;
  readonly names: readonly string[];
  private readonly columns: readonly Column[];

  /** `schema` null: no stored record (plain loops, simulations): every feature comes from the context. */
  constructor(features: readonly FeatureSpec[], schema: CompiledSchema | null) {
    if (!Array.isArray(features)) throw new TypeError('features must be an array');
    this.names = columnNames(features);
    this.dim = this.names.length;
    let offset = 1;
    this.columns = features.map((f): Column => {
      const kind = f.type === 'numeric' ? Kind.Numeric : f.type === 'onehot' ? Kind.OneHot : Kind.Hashed;
      const width = kind === Kind.Numeric ? 1 : kind === Kind.OneHot ? f.categories.length : f.buckets;
      const field = f.source === 'record' && schema !== null ? (schema.index.get(f.name) ?? -1) : -1;
      const cats = field >= 0 ? schema!.categories[field] : null;
      const byCode = new Int32Array(cats === null ? 0 : cats.length);
      if (cats !== null) for (let c = 0; c < cats.length; c++) byCode[c] = kind === Kind.Numeric ? -1 : columnOf(f, cats[c]!);
      const catIndex = new Map<string, number>();
      if (kind === Kind.OneHot) f.categories.forEach((c: string, j: number) => catIndex.set(c, j));
      const dflt = f.default;
      const col: Column = {
        kind,
        name: f.name,
        offset,
        width,
        field,
        session: f.source === 'session',
        fieldIsCategory: cats !== null,
        catIndex,
        byCode,
        numericDefault: typeof dflt === 'number' ? dflt : Number(dflt) || 0,
        defaultColumn: kind === Kind.Numeric || dflt === '' ? -1 : columnOf(f, String(dflt)),
      };
      offset += width;
      return col;
    });
  }

  /**
   * Fills out[0..dim) for one request. `view` is the customer's record with the context applied (the
   * engine's FeatureView); `context` is the raw request context (source: context features, and record
   * features missing from the schema).
   */
  build(view: FeatureView | null, context: Readonly<Record<string, string>>, out: Float64Array, session: SessionValues | null = null): Float64Array {
    if (out.length < this.dim) throw new RangeError(`out.length must be >= ${this.dim}`);
    out.fill(0, 0, this.dim);
    out[0] = 1;
    for (let c = 0; c < this.columns.length; c++) {
      const col = this.columns[c]!;
      if (col.session) {
        const v = session === null ? null : (session[col.name] ?? null);
        if (typeof v === 'number' && col.kind === Kind.Numeric) out[col.offset] = v;
        else this.fromValue(col, v === null ? undefined : String(v), out);
      } else if (col.field >= 0 && view !== null) this.fromRecord(col, view, out);
      else this.fromValue(col, context[col.name], out);
    }
    return out;
  }

  /** Fills out from a plain object of values (simulations, tests): numbers as is, strings as categories. */
  buildFrom(values: Readonly<Record<string, number | string>>, out: Float64Array): Float64Array {
    if (out.length < this.dim) throw new RangeError(`out.length must be >= ${this.dim}`);
    out.fill(0, 0, this.dim);
    out[0] = 1;
    for (let c = 0; c < this.columns.length; c++) {
      const col = this.columns[c]!;
      const v = Object.prototype.hasOwnProperty.call(values, col.name) ? values[col.name] : undefined;
      if (typeof v === 'number' && col.kind === Kind.Numeric) out[col.offset] = Number.isFinite(v) ? v : col.numericDefault;
      else this.fromValue(col, v === undefined ? undefined : String(v), out);
    }
    return out;
  }

  private fromRecord(col: Column, view: FeatureView, out: Float64Array): void {
    const raw = view.record[col.field]!;
    if (col.kind === Kind.Numeric) {
      out[col.offset] = col.fieldIsCategory || !Number.isFinite(raw) ? col.numericDefault : raw;
      return;
    }
    if (!col.fieldIsCategory) {
      this.fromValue(col, String(raw), out);
      return;
    }
    if (raw === -1) {
      // A context value outside the snapshot's dictionary: the raw string is in the side map.
      this.fromValue(col, view.raw?.get(col.field), out);
      return;
    }
    const j = raw >= 0 && raw < col.byCode.length ? col.byCode[raw]! : col.defaultColumn;
    if (j >= 0) out[col.offset + j] = 1;
  }

  private fromValue(col: Column, value: string | undefined, out: Float64Array): void {
    if (col.kind === Kind.Numeric) {
      const x = value === undefined || value === '' ? NaN : Number(value);
      out[col.offset] = Number.isFinite(x) ? x : col.numericDefault;
      return;
    }
    let j: number;
    if (value === undefined) j = col.defaultColumn;
    else if (col.kind === Kind.OneHot) j = col.catIndex.get(value) ?? -1;
    else j = bucketOf(value, col.width);
    if (j >= 0) out[col.offset + j] = 1;
  }
}
