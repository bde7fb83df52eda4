import { CONTEXTUAL_PREFIX, CONTEXTUAL_SEGMENT } from '../../contextual/layout';
import { armTableWords, createArmTable } from '../../policies/arm-table';
import type { CampaignLayout } from '../arena';
import type { SegmentCountersRecord } from '../counters';
import { checkStateDump, type StateDump } from '../state-dump';
import { connectRedis, type RedisClient, type RedisConnectOptions } from './connect';
import { keys, SEP } from './keys';

/**
 * `nudge state import --store redis://...`: a `nudge state export` of an LMDB data directory loaded
 * into the Redis store's layout (keys.ts), so a one-node deployment moves to many without losing what
 * it learned.
 *
 * - Posteriors: per (campaign, segment) the hash `a:<offer>` / `b:<offer>` = alpha - priorAlpha and
 *   beta - priorBeta of the offer's slot (slots mapped to offer ids through the exported layout,
 *   retired offers included, so an offer that comes back gets its evidence back as with LMDB), `t` =
 *   the table's last decay time (meta[0]; absent when 0); the segment's field of the posterior
 *   versions hash and the campaign version are bumped, so every running mirror re-reads them.
 * - Counters: the counters hash fields (mirror.ts parseCounters' layout), zeros included.
 * - Contextual weights (the `~ctx~<campaign>` table): the campaign's weights hash, `<offer>\0<column>`
 *   -> "m q" (weights.ts), retired slots included.
 * - Admin campaigns: the campaigns hash, then one bump of the registry version.
 *
 * Contact history, models, decisions and outcomes are not part of a state export.
 *
 * Without `force`, nothing is written when the target already holds learning state (version,
 * posterior versions, counters or weights key) for a campaign of the file, or an admin campaign of the
 * same name: the check runs for every campaign before the first write, and again atomically inside
 * each campaign's script. With `force`, each (campaign, segment) of the file replaces its posterior
 * hash and its counter fields, and weights in the file replace the campaign's weights hash; other
 * segments and campaigns stay (what the LMDB import does per key).
 */

/** Campaign learning state in one script per chunk; all keys carry the campaign's hash tag. */
const IMPORT_LUA = `
-- KEYS[1] campaign version, KEYS[2] posterior versions, KEYS[3] counters, KEYS[4] contextual weights,
-- KEYS[4 + i] posterior hash i.
-- ARGV[1] '1': refuse when the campaign has learning state; ARGV[2] '1': drop the counter fields of
-- the segments written here first; ARGV[3] tables n, per table: segment, m, m field/value pairs;
-- then counter segments s, per segment: segment, m, m field/value pairs; then the number of weight
-- field/value pairs w (-1: leave the weights alone), and the pairs.
if ARGV[1] == '1' and redis.call('EXISTS', KEYS[1], KEYS[2], KEYS[3], KEYS[4]) > 0 then
  return redis.error_reply('NUDGE_EXISTS campaign already has learning state')
end
local function hset(key, from, m)
  local i = 0
  while i < m do
    local j = math.min(m, i + 500)
    local args = {}
    for q = i, j - 1 do
      args[#args + 1] = ARGV[from + 2 * q]
      args[#args + 1] = ARGV[from + 2 * q + 1]
    end
    redis.call('HSET', key, unpack(args))
    i = j
  end
end
local p = 3
local n = tonumber(ARGV[p])
p = p + 1
for i = 1, n do
  local seg = ARGV[p]
  local m = tonumber(ARGV[p + 1])
  p = p + 2
  redis.call('DEL', KEYS[4 + i])
  hset(KEYS[4 + i], p, m)
  p = p + 2 * m
  redis.call('HINCRBY', KEYS[2], seg, 1)
end
local s = tonumber(ARGV[p])
p = p + 1
if ARGV[2] == '1' and s > 0 then
  local segs = {}
  local q = p
  for i = 1, s do
    segs[ARGV[q]] = true
    q = q + 2 + 2 * tonumber(ARGV[q + 1])
  end
  local sep = '\\031'
  local drop = {}
  for _, f in ipairs(redis.call('HKEYS', KEYS[3])) do
    local a = string.find(f, sep, 1, true)
    if a then
      local b = string.find(f, sep, a + 1, true)
      if b and segs[string.sub(f, a + 1, b - 1)] then drop[#drop + 1] = f end
    end
  end
  for i = 1, #drop, 500 do
    redis.call('HDEL', KEYS[3], unpack(drop, i, math.min(#drop, i + 499)))
  end
end
for i = 1, s do
  local m = tonumber(ARGV[p + 1])
  p = p + 2
  hset(KEYS[3], p, m)
  p = p + 2 * m
end
local w = tonumber(ARGV[p])
if w >= 0 then
  redis.call('DEL', KEYS[4])
  hset(KEYS[4], p + 1, w)
end
redis.call('INCR', KEYS[1])
return n
`;

export interface RedisImportOptions {
  /** Write even when the target already holds state for a campaign of the file. */
  readonly force?: boolean;
}

export interface RedisImportReport {
  readonly campaigns: number;
  readonly arms: number;
  readonly counters: number;
  /** Campaigns whose contextual weights were imported. */
  readonly weights: number;
}

/** The target already holds state for campaigns of the file (nothing was written). */
export class StateExistsError extends Error {
  constructor(readonly campaigns: readonly string[]) {
    super(
      `the Redis store already holds state for ${campaigns.length === 1 ? 'campaign' : 'campaigns'} ${campaigns.map((c) => `"${c}"`).join(', ')}; ` +
        'nothing was imported (use --force to replace it)',
    );
    this.name = 'StateExistsError';
  }
}

interface CampaignWrite {
  readonly campaign: string;
  /** segment -> posterior hash fields (field, value, field, value, ...). */
  readonly tables: Array<{ segment: string; fields: string[] }>;
  readonly counters: Array<{ segment: string; fields: string[] }>;
  /** Contextual weights hash fields, or null: the file has none for the campaign. */
  weights: string[] | null;
}

/** `prior + e === value` in doubles, as mirror.ts computes alpha back; a nearby double if the plain difference misses. */
export function evidence(value: number, prior: number): number {
  const e = value - prior;
  if (prior + e === value || !Number.isFinite(e)) return e;
  const view = new DataView(new ArrayBuffer(8));
  const step = (x: number, up: boolean): number => {
    if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0);
    view.setBigUint64(0, (x > 0) === up ? bits + 1n : bits - 1n);
    return view.getFloat64(0);
  };
  for (const up of [true, false]) {
    let x = e;
    for (let i = 0; i < 4; i++) {
      x = step(x, up);
      if (prior + x === value) return x;
    }
  }
  return e;
}

const num = (v: number): string => String(v);

function checkName(what: string, v: string): void {
  if (v.includes(SEP)) throw new RangeError(`${what} "${v}" holds the unit separator (U+001F), which the Redis store's counter fields cannot`);
}

/** An exported table (`[capacity, ...words]`, base64) with the layout's slots in use. */
function decodeTable(layout: CampaignLayout, capacity: number, words: string): ReturnType<typeof createArmTable> {
  const bytes = Buffer.from(words, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const all = new Float64Array(copy.buffer, 0, copy.length / 8);
  return createArmTable(all.subarray(1, 1 + armTableWords(capacity)), Math.min(layout.k, capacity), capacity);
}

/** Posterior hash fields of one exported table, through the campaign's slot layout. */
function tableFields(layout: CampaignLayout, capacity: number, words: string): string[] {
  const table = decodeTable(layout, capacity, words);
  const k = table.k;
  const fields: string[] = [];
  const offers: Array<[string, number]> = [...Object.entries(layout.slots), ...Object.entries(layout.retired)];
  for (const [offer, slot] of offers) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= k) continue;
    checkName('offer id', offer);
    fields.push(`a:${offer}`, num(evidence(table.alpha[slot]!, table.priorAlpha[slot]!)));
    fields.push(`b:${offer}`, num(evidence(table.beta[slot]!, table.priorBeta[slot]!)));
  }
  const t = table.meta[0]!;
  if (t !== 0) fields.push('t', num(t));
  return fields;
}

/** Weights hash fields of an exported `~ctx~<campaign>` table: slot id -> "mean precision" (alpha, beta). */
function weightFields(layout: CampaignLayout, capacity: number, words: string): string[] {
  const table = decodeTable(layout, capacity, words);
  const fields: string[] = [];
  for (const [id, slot] of [...Object.entries(layout.slots), ...Object.entries(layout.retired)]) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= table.k) continue;
    fields.push(id, `${num(table.alpha[slot]!)} ${num(table.beta[slot]!)}`);
  }
  return fields;
}

/** Counter hash fields of one segment record (mirror.ts parseCounters reads them back). */
function counterFields(segment: string, rec: SegmentCountersRecord): string[] {
  const f: string[] = [];
  const g = (kind: string, v: number | undefined): void => void f.push(`${kind}${SEP}${segment}${SEP}`, num(v ?? 0));
  g('Cd', rec.control?.decisions);
  g('Co', rec.control?.outcomes);
  g('Cr', rec.control?.rewards);
  g('Td', rec.treatment?.decisions);
  g('To', rec.treatment?.outcomes);
  g('Tr', rec.treatment?.rewards);
  for (const [offer, o] of Object.entries(rec.offers ?? {})) {
    checkName('offer id', offer);
    f.push(`i${SEP}${segment}${SEP}${offer}`, num(o.impressions ?? 0));
    f.push(`o${SEP}${segment}${SEP}${offer}`, num(o.outcomes ?? 0));
    f.push(`r${SEP}${segment}${SEP}${offer}`, num(o.rewards ?? 0));
    f.push(`d${SEP}${segment}${SEP}${offer}`, num(o.deltaSum ?? 0));
    // Calibration sums (store/counters.ts CALIBRATION_SLOTS), under the kinds APPLY writes.
    const cal = o.cal;
    if (Array.isArray(cal) && cal.length === 31) {
      for (let b = 0; b < 10; b++) {
        f.push(`k${b}${SEP}${segment}${SEP}${offer}`, num(cal[b]!), `q${b}${SEP}${segment}${SEP}${offer}`, num(cal[10 + b]!), `y${b}${SEP}${segment}${SEP}${offer}`, num(cal[20 + b]!));
      }
      f.push(`e${SEP}${segment}${SEP}${offer}`, num(cal[30]!));
    }
  }
  return f;
}

/** What the dump writes per campaign; throws (before anything is written) on what Redis cannot hold. */
function plan(dump: StateDump): CampaignWrite[] {
  const layouts = new Map(dump.layouts.map((l) => [l.campaign, l.layout]));
  const byCampaign = new Map<string, CampaignWrite>();
  const of = (campaign: string): CampaignWrite => {
    let w = byCampaign.get(campaign);
    if (w === undefined) {
      if (/[{}]/.test(campaign)) throw new RangeError(`campaign "${campaign}": a name with braces cannot be a Redis Cluster hash tag`);
      byCampaign.set(campaign, (w = { campaign, tables: [], counters: [], weights: null }));
    }
    return w;
  };
  dump.arms.forEach((a, i) => {
    const layout = layouts.get(a.campaign);
    if (layout === undefined) throw new RangeError(`state.arms[${i}]: no slot layout for campaign "${a.campaign}" in the file`);
    if (a.campaign.startsWith(CONTEXTUAL_PREFIX)) {
      if (a.segment !== CONTEXTUAL_SEGMENT) throw new RangeError(`state.arms[${i}]: contextual weights of "${a.campaign}" in segment "${a.segment}" (only "" is used)`);
      of(a.campaign.slice(CONTEXTUAL_PREFIX.length)).weights = weightFields(layout, a.capacity, a.words);
      return;
    }
    checkName('segment', a.segment);
    of(a.campaign).tables.push({ segment: a.segment, fields: tableFields(layout, a.capacity, a.words) });
  });
  for (const c of dump.counters) {
    if (c.campaign.startsWith(CONTEXTUAL_PREFIX)) continue;
    checkName('segment', c.segment);
    of(c.campaign).counters.push({ segment: c.segment, fields: counterFields(c.segment, c.record) });
  }
  for (const c of dump.campaigns) if (/[{}]/.test(c.name)) throw new RangeError(`campaign "${c.name}": a name with braces cannot be a Redis Cluster hash tag`);
  return [...byCampaign.values()];
}

/** Campaigns of the plan (and admin campaigns of the dump) the target already holds state for. */
async function existing(client: RedisClient, writes: readonly CampaignWrite[], admin: readonly string[]): Promise<string[]> {
  const [learning, defined] = await Promise.all([
    Promise.all(writes.map((w) => client.exists(keys.version(w.campaign), keys.posteriorVersions(w.campaign), keys.counters(w.campaign), keys.weights(w.campaign)))),
    Promise.all(admin.map((name) => client.hexists(keys.campaigns, name))),
  ]);
  const names = new Set<string>();
  writes.forEach((w, i) => {
    if (learning[i]! > 0) names.add(w.campaign);
  });
  admin.forEach((name, i) => {
    if (defined[i]! > 0) names.add(name);
  });
  return [...names].sort();
}

/** Arguments of IMPORT_LUA above this many are split over several scripts (one campaign each). */
const MAX_ARGS = 200_000;

function chunks(w: CampaignWrite): CampaignWrite[] {
  const out: CampaignWrite[] = [];
  let cur: CampaignWrite = { campaign: w.campaign, tables: [], counters: [], weights: null };
  let size = 0;
  const push = (kind: 'tables' | 'counters', item: { segment: string; fields: string[] }): void => {
    const n = 2 + item.fields.length;
    if (size > 0 && size + n > MAX_ARGS) {
      out.push(cur);
      cur = { campaign: w.campaign, tables: [], counters: [], weights: null };
      size = 0;
    }
    cur[kind].push(item);
    size += n;
  };
  for (const t of w.tables) push('tables', t);
  for (const c of w.counters) push('counters', c);
  // The weights go whole with the last chunk (one hash: a split would need a second replace rule).
  cur.weights = w.weights;
  out.push(cur);
  return out;
}

async function writeCampaign(client: RedisClient, w: CampaignWrite, force: boolean): Promise<void> {
  let first = true;
  for (const c of chunks(w)) {
    const ks = [
      keys.version(c.campaign),
      keys.posteriorVersions(c.campaign),
      keys.counters(c.campaign),
      keys.weights(c.campaign),
      ...c.tables.map((t) => keys.posterior(c.campaign, t.segment)),
    ];
    const args: string[] = [!force && first ? '1' : '0', force ? '1' : '0', String(c.tables.length)];
    for (const t of c.tables) args.push(t.segment, String(t.fields.length / 2), ...t.fields);
    args.push(String(c.counters.length));
    for (const n of c.counters) args.push(n.segment, String(n.fields.length / 2), ...n.fields);
    if (c.weights === null) args.push('-1');
    else args.push(String(c.weights.length / 2), ...c.weights);
    try {
      // EVAL (not a defined command): ioredis routes it by its first key, so it reaches the campaign's slot.
      await client.eval(IMPORT_LUA, ks.length, ...ks, ...args);
    } catch (err) {
      if (/NUDGE_EXISTS/.test((err as Error).message)) throw new StateExistsError([c.campaign]);
      throw err;
    }
    first = false;
  }
}

/** Loads a parsed state export into Redis through an open client (single server or Cluster). */
export async function importStateIntoRedis(client: RedisClient, input: unknown, opts: RedisImportOptions = {}): Promise<RedisImportReport> {
  const dump = checkStateDump(input);
  const force = opts.force === true;
  const writes = plan(dump);
  const admin = dump.campaigns.map((c) => c.name);
  if (!force) {
    const held = await existing(client, writes, admin);
    if (held.length > 0) throw new StateExistsError(held);
  }
  const done: string[] = [];
  try {
    // Learning state first, campaigns last: a server that loads an imported admin campaign finds its state.
    for (const w of writes) {
      await writeCampaign(client, w, force);
      done.push(w.campaign);
    }
  } catch (err) {
    if (done.length === 0) throw err;
    const e = err as Error;
    throw new Error(`${e.message} (after the learning state of ${done.map((c) => `"${c}"`).join(', ')} was imported)`, { cause: err });
  }
  if (dump.campaigns.length > 0) {
    const m = client.multi();
    for (const c of dump.campaigns) m.hset(keys.campaigns, c.name, JSON.stringify(c));
    m.incr(keys.registryVersion);
    const res = await m.exec();
    const failed = res?.find(([err]) => err !== null);
    if (res === null || failed !== undefined) throw new Error(`writing the admin campaigns failed: ${failed?.[0]?.message ?? 'transaction aborted'}`);
  }
  return { campaigns: dump.campaigns.length, arms: writes.reduce((n, w) => n + w.tables.length, 0), counters: writes.reduce((n, w) => n + w.counters.length, 0), weights: writes.filter((w) => w.weights !== null).length };
}

/** Connects (single server or Cluster, as the server says), imports, disconnects. */
export async function importStateToRedisUrl(connect: RedisConnectOptions, input: unknown, opts: RedisImportOptions = {}): Promise<RedisImportReport> {
  // Checked before connecting: a bad file fails without touching the network.
  const dump = checkStateDump(input);
  plan(dump);
  const { client } = await connectRedis(connect);
  try {
    return await importStateIntoRedis(client, dump, opts);
  } finally {
    client.disconnect();
  }
}
