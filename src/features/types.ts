/**
 * Customer features: one compact binary record per customer in LMDB, described by a schema that is
 * stored with each snapshot. Readers (workers) open the environment read-only and never decode JSON or
 * msgpack on the hot path: a record is a fixed-layout Float64 vector read with getBinaryFast.
 */
export type FeatureType = 'number' | 'category';

export interface FeatureField {
  readonly name: string;
  readonly type: FeatureType;
  /** Value used when the record or the field is missing. For categories, a category string. */
  readonly default: number | string;
}

export interface FeatureSchema {
  readonly fields: readonly FeatureField[];
}

/**
 * A schema compiled for one snapshot: field positions, and for each category field the dictionary
 * from category string to the code stored in the record (codes are small integers; -1 = unknown).
 */
export interface CompiledSchema {
  readonly fields: readonly FeatureField[];
  readonly index: ReadonlyMap<string, number>;
  /** Per field: category dictionary (string -> code) for category fields, null for numbers. */
  readonly dictionaries: readonly (ReadonlyMap<string, number> | null)[];
  /** Per field: code -> category string, for category fields; null for numbers. */
  readonly categories: readonly (readonly string[] | null)[];
  /** Default record (defaults encoded), length = fields.length. */
  readonly defaults: Float64Array;
}

export interface FeatureReader {
  /** Id of the snapshot currently served (changes after `nudge features load`). */
  readonly snapshotId: string;
  readonly schema: CompiledSchema;
  /**
   * Writes the customer's record into out[0..fields.length) and returns true, or writes the defaults
   * and returns false when the customer has no record. Picks up a newly swapped snapshot by itself
   * (a cheap check per call); a call never fails because of a swap.
   */
  read(customerId: string, out: Float64Array): boolean;
  /**
   * Looks at the snapshot pointer now, on a fresh read snapshot (so rows removed since, e.g. by
   * ForgetCustomer, read as misses). For threads whose event loop may not turn between calls, where
   * read()'s own timer-driven check never fires: Piscina workers wait for tasks in Atomics.wait.
   */
  poll?(): void;
  /** The value of field i in a record as rules and segments see it: a number or a category string. */
  value(record: Float64Array, i: number): number | string;
  close(): void;
}
