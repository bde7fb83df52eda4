import {
  CAMPAIGN_FIELDS,
  DECAY_FIELDS,
  FATIGUE_FIELDS,
  FEATURE_FIELDS,
  LEVER_FIELDS,
  OFFER_FIELDS,
  ROUTE_FIELDS,
  SESSION_FEATURE_FIELDS,
  snakeToCamel,
} from './fields';

export interface Problem {
  /** Path in camelCase segments (formatPath prints it in snake_case). */
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

type Obj = Record<string, unknown>;

function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Renames the keys of one level from snake_case to camelCase, rejecting unknown fields (typos would
 * otherwise be silently ignored) and a field given in both spellings. Values are left as they are.
 */
function renameLevel(obj: Obj, allowed: readonly string[], path: readonly PropertyKey[], problems: Problem[]): Obj {
  const allowedCamel = new Set(allowed.map(snakeToCamel));
  const out: Obj = {};
  const spelledAs = new Map<string, string>();
  for (const [key, value] of Object.entries(obj)) {
    const camel = snakeToCamel(key);
    if (!allowedCamel.has(camel)) {
      problems.push({ path: [...path, key], message: 'unknown field' });
      continue;
    }
    const other = spelledAs.get(camel);
    if (other !== undefined) {
      problems.push({ path: [...path, camel], message: `given twice (as "${other}" and "${key}")` });
      continue;
    }
    spelledAs.set(camel, key);
    out[camel] = value;
  }
  return out;
}

function renameList(list: unknown, allowed: readonly string[], path: readonly PropertyKey[], problems: Problem[]): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((item, i) => (isPlainObject(item) ? renameLevel(item, allowed, [...path, i], problems) : item));
}

/**
 * The campaign with camelCase keys at every structural level (campaign, offers, decay, routing,
 * fatigue); maps (attributes, params) and rules keep their keys. Anything not shaped as expected is
 * passed through for the schema to report.
 */
export function normalizeCampaignKeys(input: unknown, problems: Problem[]): unknown {
  if (!isPlainObject(input)) return input;
  const c = renameLevel(input, CAMPAIGN_FIELDS, [], problems);
  c.offers = renameList(c.offers, OFFER_FIELDS, ['offers'], problems);
  c.routing = renameList(c.routing, ROUTE_FIELDS, ['routing'], problems);
  c.features = renameList(c.features, FEATURE_FIELDS, ['features'], problems);
  c.sessionFeatures = renameList(c.sessionFeatures, SESSION_FEATURE_FIELDS, ['sessionFeatures'], problems);
  c.levers = renameList(c.levers, LEVER_FIELDS, ['levers'], problems);
  if (isPlainObject(c.decay)) c.decay = renameLevel(c.decay, DECAY_FIELDS, ['decay'], problems);
  if (isPlainObject(c.fatigue)) c.fatigue = renameLevel(c.fatigue, FATIGUE_FIELDS, ['fatigue'], problems);
  for (const k of ['offers', 'routing', 'decay', 'fatigue', 'features', 'sessionFeatures', 'levers']) if (c[k] === undefined) delete c[k];
  return c;
}
