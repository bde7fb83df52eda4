import type { CompiledSchema } from './types';
import type { LoadPlan } from './plan';
import { encodeValue, parseNumber } from './schema';

/**
 * Encodes parsed rows into a batch (ids + one Float64 slab of records) for the loader. The CSV fast
 * path walks an unquoted line once with indexOf and slices only the id and category cells: numbers are
 * parsed from char codes. Splitting every line into a string[] and parsing each cell with Number() was
 * the largest cost of the load after LMDB's own put, and most of its garbage.
 */

/** 10^k for k <= 22 is exact in a double, so m / 10^k with m < 2^53 is correctly rounded (Clinger). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Parses s[a, b) when it is a plain decimal ([-]digits[.digits], at most 15 digits); NaN otherwise, and
 * the caller falls back to Number(). Within those limits the result equals Number() bit for bit.
 */
export function fastNumber(s: string, a: number, b: number): number {
  let i = a;
  const neg = s.charCodeAt(i) === 45;
  if (neg) i++;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) frac = 0;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = frac > 0 ? m / POW10[frac] : m;
  return neg ? -v : v;
}

/** Rows encoded but not yet written: ids in file order and their records, `width` doubles each. */
export class RowBatch {
  readonly ids: string[] = [];
  records: Float64Array;
  count = 0;

  constructor(readonly width: number, initialRows = 1024) {
    this.records = new Float64Array(Math.max(1, width * initialRows));
  }

  /** Offset of the next record in `records` (grows the slab when full). */
  next(): number {
    const off = this.count * this.width;
    if (off + this.width > this.records.length) {
      const grown = new Float64Array(Math.max(this.records.length * 2, off + this.width));
      grown.set(this.records.subarray(0, off));
      this.records = grown;
    }
    return off;
  }

  /** Keeps the record just written at next()'s offset under `id`. */
  add(id: string): void {
    this.ids.push(id);
    this.count++;
  }

  clear(): void {
    this.ids.length = 0;
    this.count = 0;
  }
}

const MAX_ID_BYTES = 1000;

/** True when text holds exactly `commas` more commas from `from` on. */
function cellsLeft(text: string, from: number, commas: number): boolean {
  let k = 0;
  for (let i = text.indexOf(',', from); i >= 0; i = text.indexOf(',', i + 1)) if (++k > commas) return false;
  return k === commas;
}

/** Checks the id; returns the problem text or null. */
function idProblem(id: unknown, idColumn: string): string | null {
  if (typeof id !== 'string' || id.length === 0) return `missing customer id (column "${idColumn}")`;
  // A UTF-16 unit is at most 3 UTF-8 bytes: only long ids need the exact byte count.
  if (id.length > MAX_ID_BYTES / 3 && Buffer.byteLength(id) > MAX_ID_BYTES) return 'customer id longer than 1000 bytes';
  return null;
}

/** Encodes CSV and NDJSON rows of one load into a RowBatch. Returns the problem text of a bad row. */
export class RowEncoder {
  private readonly schema: CompiledSchema;
  private readonly width: number;
  /** Per file column: -2 = the id, -1 = not kept, else the record field it fills. */
  private readonly target: Int32Array;
  private readonly isNumber: Uint8Array;

  constructor(readonly plan: LoadPlan, readonly batch: RowBatch) {
    this.schema = plan.compiled;
    this.width = this.schema.fields.length;
    this.target = new Int32Array(plan.columns.length).fill(-1);
    plan.sourceIndex.forEach((c, i) => {
      if (c >= 0) this.target[c] = i;
    });
    this.target[plan.idIndex] = -2;
    this.isNumber = Uint8Array.from(this.schema.dictionaries, (d) => (d === null ? 1 : 0));
  }

  /** An unquoted CSV line. Any problem re-runs the row through csvFields so messages match it exactly. */
  csvLine(text: string): string | null {
    const batch = this.batch;
    const off = batch.next();
    const rec = batch.records;
    const s = this.schema;
    const cols = this.target.length;
    let id = '';
    let a = 0;
    for (let c = 0; c < cols; c++) {
      let b = text.indexOf(',', a);
      if (b < 0) {
        if (c !== cols - 1) return this.csvFields(text.split(','));
        b = text.length;
      } else if (c === cols - 1) return this.csvFields(text.split(','));
      const t = this.target[c];
      if (t === -2) id = text.slice(a, b);
      else if (t >= 0) {
        if (a === b) rec[off + t] = s.defaults[t];
        else if (this.isNumber[t] === 1) {
          let v = fastNumber(text, a, b);
          if (v !== v) {
            v = parseNumber(text.slice(a, b));
            if (!Number.isFinite(v)) return this.csvFields(text.split(','));
          }
          rec[off + t] = v;
        } else {
          const raw = text.slice(a, b);
          const dict = s.dictionaries[t] as Map<string, number>;
          let code = dict.get(raw);
          if (code === undefined) {
            // A row with the wrong number of cells must not grow the dictionary: check before adding.
            if (!cellsLeft(text, b, cols - 1 - c)) return this.csvFields(text.split(','));
            const list = s.categories[t] as string[];
            code = list.length;
            list.push(raw);
            dict.set(raw, code);
          }
          rec[off + t] = code;
        }
      }
      a = b + 1;
    }
    // Fields without a column (NDJSON-only case, kept for safety) hold their defaults.
    for (let i = 0; i < this.width; i++) if (this.plan.sourceIndex[i] < 0) rec[off + i] = s.defaults[i];
    const problem = idProblem(id, this.plan.idColumn);
    if (problem !== null) return problem;
    batch.add(id);
    return null;
  }

  /** A CSV record already split into cells (quoted lines, the sample, and the fast path's bad rows). */
  csvFields(row: readonly string[]): string | null {
    const pl = this.plan;
    if (row.length !== pl.columns.length) return `expected ${pl.columns.length} columns, found ${row.length}`;
    const off = this.batch.next();
    const rec = this.batch.records;
    for (let i = 0; i < this.width; i++) {
      const problem = encodeValue(this.schema, i, row[pl.sourceIndex[i]], rec, off);
      if (problem !== null) return problem;
    }
    const id = row[pl.idIndex];
    const problem = idProblem(id, pl.idColumn);
    if (problem !== null) return problem;
    this.batch.add(id);
    return null;
  }

  json(obj: Record<string, unknown>): string | null {
    const pl = this.plan;
    const off = this.batch.next();
    const rec = this.batch.records;
    const fields = this.schema.fields;
    for (let i = 0; i < this.width; i++) {
      const problem = encodeValue(this.schema, i, obj[fields[i].name], rec, off);
      if (problem !== null) return problem;
    }
    let id = obj[pl.idColumn];
    if (typeof id === 'number' && Number.isFinite(id)) id = String(id);
    const problem = idProblem(id, pl.idColumn);
    if (problem !== null) return problem;
    this.batch.add(id as string);
    return null;
  }
}
