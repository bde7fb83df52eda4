import { open, type Database, type DatabaseOptions, type RootDatabase } from 'lmdb';
import type { DecisionRecord } from './types';
import { encodeDecision } from './decision-codec';
import type { SegmentCountersRecord } from './counters';
import type { CampaignLayout } from './arena';
import type { ContactRecord } from '../fatigue/history';
import type { SeriesBucket } from './series';
import { BUCKET_ENCODER, COUNTERS_ENCODER } from './state-codec';

/** What the outcomes db holds per (decision, offer): who set it ('a' applied, 'd' default reward). */
export interface OutcomeEntry {
  readonly s: 'a' | 'd';
  readonly r: number;
  readonly t: number;
}

/**
 * Outcomes are written and checked once per outcome on the hot path of applyOutcomes, so they use a
 * fixed 17-byte layout instead of msgpack: [kind (1 = applied, 2 = default)] [reward f64] [ts f64].
 */
const OUTCOME_BYTES = 17;
const KIND_APPLIED = 1;
const KIND_DEFAULT = 2;

export function encodeOutcome(e: OutcomeEntry): Buffer {
  const b = Buffer.allocUnsafe(OUTCOME_BYTES);
  b[0] = e.s === 'a' ? KIND_APPLIED : KIND_DEFAULT;
  b.writeDoubleLE(e.r, 1);
  b.writeDoubleLE(e.t, 9);
  return b;
}

export function decodeOutcome(b: Uint8Array): OutcomeEntry {
  if (b.length !== OUTCOME_BYTES) throw new RangeError(`stored outcome has ${b.length} bytes, expected ${OUTCOME_BYTES}`);
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  return { s: buf[0] === KIND_APPLIED ? 'a' : 'd', r: buf.readDoubleLE(1), t: buf.readDoubleLE(9) };
}

/** The kind byte of a stored outcome without decoding the rest. */
export function outcomeKind(b: Uint8Array): 'a' | 'd' {
  return b[0] === KIND_APPLIED ? 'a' : 'd';
}

/** The LMDB environment of the learning state and its sub-databases. */
export interface StoreDbs {
  readonly env: RootDatabase;
  /** decision id -> record (src/store/decision-codec.ts). */
  readonly decisions: Database<Buffer, string>;
  /** `${decisionId}\0${offerId}` -> outcome (encodeOutcome). */
  readonly outcomes: Database<Buffer, string>;
  /** [campaign, segment] -> [capacity, ...table words] as Float64 bytes. */
  readonly arms: Database<Buffer, [string, string]>;
  /** [campaign, segment] -> counters of that segment. */
  readonly counters: Database<SegmentCountersRecord, [string, string]>;
  /** campaign name -> CampaignConfig as JSON text (admin-saved campaigns). */
  readonly campaigns: Database<string, string>;
  /** [due ms, decision id] -> campaign: decisions waiting for their default reward. */
  readonly due: Database<string, [number, string]>;
  /** ['layout', campaign] -> slot layout; ['schema'] -> version. */
  readonly meta: Database<CampaignLayout | number, string[]>;
  /** [campaign, customer] -> contact history (fatigue). */
  readonly contacts: Database<ContactRecord, [string, string]>;
  /** [campaign, 'v', version] -> stored model; [campaign, 'index'] -> versions and activation history. */
  readonly models: Database<unknown, string[]>;
  /** [campaign, minute start ms] -> monitoring time bucket (series.ts), msgpack. */
  readonly series: Database<SeriesBucket, [string, number]>;
}

/**
 * 1: decisions in msgpack with shared structures. 2: decisions in the binary layout of
 * decision-codec.ts. 3: counters and monitoring buckets in the layout of state-codec.ts. A schema-1
 * state is migrated when it is opened. A schema-2 state is opened as it is: state-codec reads the
 * msgpack records it holds, and each is rewritten in the new layout when it next changes. Its version
 * is raised at once, so that a build that reads schema 2 refuses the state instead of misreading it.
 */
export const SCHEMA_VERSION = 3;
const STRUCTURES_KEY = Symbol.for('structures');

/** openDB options with a custom encoder: lmdb-js takes `encoder` for any db, its typings only on the root. */
function encodedBy(name: string, encoder: object): DatabaseOptions & { name: string } {
  return Object.assign({ name }, { encoder });
}

export function openStoreDbs(path: string, mapSize: number): StoreDbs {
  // Default sync settings (no noSync): a resolved commit (then `flushed`) is on disk.
  const env = open({ path, maxDbs: 16, mapSize });
  const dbs: StoreDbs = {
    env,
    decisions: env.openDB<Buffer, string>({ name: 'decisions', encoding: 'binary' }),
    outcomes: env.openDB<Buffer, string>({ name: 'outcomes', encoding: 'binary' }),
    arms: env.openDB<Buffer, [string, string]>({ name: 'arms', encoding: 'binary' }),
    counters: env.openDB<SegmentCountersRecord, [string, string]>(encodedBy('counters', COUNTERS_ENCODER)),
    campaigns: env.openDB<string, string>({ name: 'campaigns', encoding: 'string' }),
    due: env.openDB<string, [number, string]>({ name: 'due', encoding: 'string' }),
    meta: env.openDB<CampaignLayout | number, string[]>({ name: 'meta' }),
    contacts: env.openDB<ContactRecord, [string, string]>({ name: 'contacts' }),
    models: env.openDB<unknown, string[]>({ name: 'models' }),
    series: env.openDB<SeriesBucket, [string, number]>(encodedBy('series', BUCKET_ENCODER)),
  };
  const schema = dbs.meta.get(['schema']);
  if (schema === undefined || schema === 2) dbs.meta.putSync(['schema'], SCHEMA_VERSION);
  else if (schema === 1) migrateDecisionsV1(env, dbs);
  else if (schema !== SCHEMA_VERSION) {
    throw new RangeError(`learning state at ${path} has schema ${String(schema)}; this build reads ${SCHEMA_VERSION}`);
  }
  return dbs;
}

/** Rewrites a schema-1 decision log (msgpack) in the binary layout, in one transaction. */
function migrateDecisionsV1(env: RootDatabase, dbs: StoreDbs): void {
  const old = env.openDB<Omit<DecisionRecord, 'id'> & { id?: string }, string>({ name: 'decisions', sharedStructuresKey: STRUCTURES_KEY });
  env.transactionSync(() => {
    // Read everything first: the rewrite replaces values under the cursor that reads them.
    const rows: Array<[string, Buffer]> = [];
    for (const { key, value } of old.getRange({ snapshot: false })) {
      if (typeof key !== 'string') continue; // the shared-structures entry
      rows.push([key, encodeDecision({ ...value, id: key })]);
    }
    for (const [key, bytes] of rows) dbs.decisions.put(key, bytes);
    old.remove(STRUCTURES_KEY as unknown as string);
    dbs.meta.put(['schema'], SCHEMA_VERSION);
  });
}

const KEY_SEP = '\u0000';

export function outcomeKey(decisionId: string, offerId: string): string {
  return decisionId + KEY_SEP + offerId;
}

/** Range bounds of every outcome key of one decision. */
export function outcomeRange(decisionId: string): { start: string; end: string } {
  return { start: decisionId + KEY_SEP, end: decisionId + '\u0001' };
}
