import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CampaignConfig } from '../campaigns/types';
import { armTableWords } from '../policies/arm-table';
import type { CampaignLayout } from './arena';
import type { SegmentCountersRecord } from './counters';
import { openStoreDbs, type StoreDbs } from './lmdb-env';
import { STORE_DEFAULTS } from './options';

/**
 * Learning state as versioned JSON, for backups and moves between machines: slot layouts, posterior
 * tables per (campaign, segment) (the stored Float64 words, base64, so they round-trip bit for bit),
 * counters, and the campaigns saved through AdminService. Decisions and outcomes are not part of it:
 * they are a log, not state. Works on a data directory whose server is stopped (import) or running
 * (export reads one consistent LMDB snapshot).
 */
export const STATE_FORMAT = 'nudge-state';
export const STATE_VERSION = 1;

export interface StateDump {
  readonly format: typeof STATE_FORMAT;
  readonly version: typeof STATE_VERSION;
  readonly exportedAt: string;
  readonly campaigns: CampaignConfig[];
  readonly layouts: { campaign: string; layout: CampaignLayout }[];
  readonly arms: { campaign: string; segment: string; capacity: number; words: string }[];
  readonly counters: { campaign: string; segment: string; record: SegmentCountersRecord }[];
}

function open(dataDir: string): StoreDbs {
  const path = join(dataDir, 'state');
  mkdirSync(path, { recursive: true });
  return openStoreDbs(path, STORE_DEFAULTS.mapSize);
}

/** Reads the learning state of `${dataDir}/state`. */
export async function exportState(dataDir: string, now = new Date()): Promise<StateDump> {
  if (typeof dataDir !== 'string' || dataDir.length === 0) throw new TypeError('dataDir must be a non-empty string');
  const dbs = open(dataDir);
  try {
    const dump: StateDump = { format: STATE_FORMAT, version: STATE_VERSION, exportedAt: now.toISOString(), campaigns: [], layouts: [], arms: [], counters: [] };
    dbs.env.transactionSync(() => {
      for (const { value } of dbs.campaigns.getRange()) dump.campaigns.push(JSON.parse(value) as CampaignConfig);
      for (const { key, value } of dbs.meta.getRange({ start: ['layout'], end: ['layout', '\uffff'] })) {
        if (key.length === 2 && typeof value === 'object') dump.layouts.push({ campaign: key[1]!, layout: value as CampaignLayout });
      }
      for (const { key, value } of dbs.arms.getRange()) {
        const bytes = Buffer.from(value);
        dump.arms.push({ campaign: key[0], segment: key[1], capacity: bytes.readDoubleLE(0), words: bytes.toString('base64') });
      }
      for (const { key, value } of dbs.counters.getRange()) dump.counters.push({ campaign: key[0], segment: key[1], record: value });
    });
    return dump;
  } finally {
    await dbs.env.close();
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function list(dump: Record<string, unknown>, field: string): unknown[] {
  const v = dump[field];
  if (!Array.isArray(v)) throw new RangeError(`state.${field} must be an array`);
  return v;
}

/** Checks a parsed dump's shape; throws RangeError naming the first bad path. */
export function checkStateDump(input: unknown): StateDump {
  if (!isObj(input)) throw new TypeError('state must be an object');
  if (input['format'] !== STATE_FORMAT) throw new RangeError(`state.format must be "${STATE_FORMAT}"`);
  if (input['version'] !== STATE_VERSION) throw new RangeError(`state.version ${String(input['version'])} is not supported (this build reads ${STATE_VERSION})`);
  list(input, 'campaigns').forEach((c, i) => {
    if (!isObj(c) || !isStr(c['name'])) throw new RangeError(`state.campaigns[${i}].name must be a non-empty string`);
  });
  list(input, 'layouts').forEach((l, i) => {
    if (!isObj(l) || !isStr(l['campaign']) || !isObj(l['layout'])) throw new RangeError(`state.layouts[${i}] must have a campaign and a layout`);
  });
  list(input, 'arms').forEach((a, i) => {
    if (!isObj(a) || !isStr(a['campaign']) || typeof a['segment'] !== 'string' || typeof a['words'] !== 'string') {
      throw new RangeError(`state.arms[${i}] must have campaign, segment and words`);
    }
    const bytes = Buffer.from(a['words'], 'base64');
    const capacity = bytes.length >= 8 ? bytes.readDoubleLE(0) : NaN;
    if (!Number.isInteger(capacity) || capacity < 0 || bytes.length !== 8 * (1 + armTableWords(capacity)) || capacity !== a['capacity']) {
      throw new RangeError(`state.arms[${i}].words does not hold a posterior table of capacity ${String(a['capacity'])}`);
    }
  });
  list(input, 'counters').forEach((c, i) => {
    if (!isObj(c) || !isStr(c['campaign']) || typeof c['segment'] !== 'string' || !isObj(c['record'])) {
      throw new RangeError(`state.counters[${i}] must have campaign, segment and record`);
    }
  });
  return input as unknown as StateDump;
}

export interface ImportReport {
  readonly campaigns: number;
  readonly layouts: number;
  readonly arms: number;
  readonly counters: number;
}

/**
 * Writes a dump into `${dataDir}/state` in one transaction: each record of the dump replaces the record
 * under the same key; others stay. The server of that directory must be stopped (it keeps the state
 * in memory and would write its own copy back).
 */
export async function importState(dataDir: string, input: unknown): Promise<ImportReport> {
  if (typeof dataDir !== 'string' || dataDir.length === 0) throw new TypeError('dataDir must be a non-empty string');
  const dump = checkStateDump(input);
  const dbs = open(dataDir);
  try {
    await dbs.env.transaction(() => {
      for (const c of dump.campaigns) void dbs.campaigns.put(c.name, JSON.stringify(c));
      for (const l of dump.layouts) void dbs.meta.put(['layout', l.campaign], l.layout);
      for (const a of dump.arms) void dbs.arms.put([a.campaign, a.segment], Buffer.from(a.words, 'base64'));
      for (const c of dump.counters) void dbs.counters.put([c.campaign, c.segment], c.record);
    });
    return { campaigns: dump.campaigns.length, layouts: dump.layouts.length, arms: dump.arms.length, counters: dump.counters.length };
  } finally {
    await dbs.env.close();
  }
}
