import { z } from 'zod';
import { POLICY_NAMES, isPolicyName } from '../policies/names';
import type { CampaignConfig, FatigueConfig, FeatureSpec, OfferConfig, RouteConfig } from './types';
import { CampaignInvalidError, type CampaignProblem } from './errors';
import { formatPath } from './fields';
import {
  buildLevers,
  buildSessionFeatures,
  checkSessionVars,
  DEFAULT_SESSION_TIMEOUT_MS,
  leverSchema,
  NO_ACTION_OFFER,
  noActionOffer,
  probability,
  ruleVars,
  sessionFeatureSchema,
} from './moments';
import { normalizeCampaignKeys, type Problem } from './normalize';
import { parseRule } from './rules';

export const CAMPAIGN_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const MAX_OFFERS = 1000;
export const MAX_OFFER_ID_LENGTH = 128;
export const DEFAULT_ROUTE_NAME = 'default';
const UINT32_MAX = 4294967295;

/** Every default of a campaign, in one place (docs/campaigns.md lists them). */
export const CAMPAIGN_DEFAULTS = Object.freeze({
  policy: 'thompson',
  priorAlpha: 1,
  priorBeta: 1,
  value: 1,
  weight: 1,
  controlShare: 0,
  rewardWaitMs: 0,
  defaultReward: 0,
  decayHalfLife: 0,
  decayUnit: 'events' as const,
  version: 0,
  featureSource: 'record' as const,
  featureType: 'numeric' as const,
  modelUse: 'none' as const,
  modelPriorWeight: 10,
  modelBlend: 0.5,
});

/** Feature names become column names (`channel=app`, `bias`): keep them plain. */
export const FEATURE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
export const MAX_FEATURES = 256;
export const MAX_FEATURE_COLUMNS = 4096;

// ---- field schemas ---------------------------------------------------------------------------------

const required = (what: string) => (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : `must be ${what}`);

const finite = () => z.number({ error: 'must be a finite number' });
const nonNegative = () => finite().min(0, { error: 'must be >= 0' });
const nonNegativeInt = (max: number) =>
  z.number({ error: 'must be a non-negative integer' })
    .int({ error: 'must be a non-negative integer' })
    .min(0, { error: 'must be a non-negative integer' })
    .max(max, { error: `must be <= ${max}` });
const optString = () => z.string({ error: 'must be a string' }).nullish();

/** Map values are strings in the proto; YAML writes `epsilon: 0.05`, so scalars are turned into text. */
const scalarString = z.unknown().transform((v, ctx) => {
  if (typeof v === 'string') return v;
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') return String(v);
  ctx.issues.push({ code: 'custom', message: 'must be a string', input: v });
  return z.NEVER;
});
const stringMap = () => z.record(z.string(), scalarString, { error: 'must be a map of string values' }).nullish();

const rule = z.unknown().transform((v, ctx) => {
  const r = parseRule(v);
  if (!r.ok) {
    ctx.issues.push({ code: 'custom', message: r.problem, input: v });
    return z.NEVER;
  }
  return r.rule;
});

const policyName = z.string({ error: 'must be a string' }).refine((s) => s === '' || isPolicyName(s), {
  error: (iss) => `must be one of ${POLICY_NAMES.join(', ')} (got "${String(iss.input)}")`,
});

// Priors: 0 means the default (proto3 cannot tell 0 from unset), so only negative values are wrong.
const prior = () => finite().refine((v) => v >= 0, { error: 'must be > 0' }).nullish();

const offerSchema = z.object(
  {
    id: z.string({ error: required('a string') })
      .min(1, { error: 'must not be empty' })
      .max(MAX_OFFER_ID_LENGTH, { error: `must be at most ${MAX_OFFER_ID_LENGTH} characters` }),
    attributes: stringMap(),
    priorAlpha: prior(),
    priorBeta: prior(),
    value: nonNegative().nullish(),
    weight: nonNegative().nullish(),
    eligibility: rule.optional(),
    minProbability: probability(),
  },
  { error: 'must be an object (an offer)' },
);

const routeSchema = z.object(
  {
    name: optString(),
    when: rule.optional(),
    policy: policyName.nullish(),
    params: stringMap(),
  },
  { error: 'must be an object (a route)' },
);

const decaySchema = z.object(
  {
    halfLife: nonNegative().nullish(),
    unit: z.enum(['', 'events', 'ms'], { error: 'must be one of events, ms' }).nullish(),
  },
  { error: 'must be an object' },
);

const fatigueSchema = z.object(
  {
    maxPerOffer: nonNegativeInt(UINT32_MAX).nullish(),
    maxPerCampaign: nonNegativeInt(UINT32_MAX).nullish(),
    windowMs: nonNegativeInt(Number.MAX_SAFE_INTEGER).nullish(),
    cooldownAfterIgnored: nonNegativeInt(UINT32_MAX).nullish(),
    cooldownMs: nonNegativeInt(Number.MAX_SAFE_INTEGER).nullish(),
  },
  { error: 'must be an object' },
);

const featureSchema = z.object(
  {
    name: z.string({ error: required('a string') }).regex(FEATURE_NAME_RE, { error: `must match ${String(FEATURE_NAME_RE)}` }),
    source: z.enum(['', 'record', 'context', 'session'], { error: 'must be one of record, context, session' }).nullish(),
    type: z.enum(['', 'numeric', 'onehot', 'hashed'], { error: 'must be one of numeric, onehot, hashed' }).nullish(),
    categories: z.array(z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }), { error: 'must be a list of strings' }).nullish(),
    buckets: nonNegativeInt(MAX_FEATURE_COLUMNS).nullish(),
    default: z.union([z.string(), z.number()], { error: 'must be a string or a number' }).nullish(),
  },
  { error: 'must be an object (a feature)' },
);

/** The campaign after key normalization (camelCase); optional fields are filled by buildConfig. */
export const campaignSchema = z.object(
  {
    name: z.string({ error: required('a string') }).regex(CAMPAIGN_NAME_RE, {
      error: `must match ${String(CAMPAIGN_NAME_RE)} (lowercase letters, digits, ".", "_", "-"; at most 64 characters)`,
    }),
    description: optString(),
    policy: policyName.nullish(),
    policyParams: stringMap(),
    offers: z.array(offerSchema, { error: required('a list of offers') })
      .min(1, { error: 'must have at least 1 offer' })
      .max(MAX_OFFERS, { error: `must have at most ${MAX_OFFERS} offers` }),
    controlShare: finite().min(0, { error: 'must be in [0, 1)' }).lt(1, { error: 'must be in [0, 1)' }).nullish(),
    defaultOffer: optString(),
    rewardWaitMs: nonNegativeInt(Number.MAX_SAFE_INTEGER).nullish(),
    defaultReward: finite().min(0, { error: 'must be in [0, 1]' }).max(1, { error: 'must be in [0, 1]' }).nullish(),
    decay: decaySchema.nullish(),
    segmentBy: z.array(z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }), { error: 'must be a list of feature names' }).nullish(),
    routing: z.array(routeSchema, { error: 'must be a list of routes' }).nullish(),
    fatigue: fatigueSchema.nullish(),
    salt: optString(),
    version: nonNegativeInt(Number.MAX_SAFE_INTEGER).nullish(),
    features: z.array(featureSchema, { error: 'must be a list of features' }).max(MAX_FEATURES, { error: `must have at most ${MAX_FEATURES} features` }).nullish(),
    modelUse: z.enum(['', 'none', 'prior', 'blend'], { error: 'must be one of none, prior, blend' }).nullish(),
    modelPriorWeight: nonNegative().nullish(),
    modelBlend: finite().min(0, { error: 'must be in [0, 1]' }).max(1, { error: 'must be in [0, 1]' }).nullish(),
    sessionFeatures: z.array(sessionFeatureSchema, { error: 'must be a list of session features' }).nullish(),
    sessionTimeoutMs: nonNegativeInt(Number.MAX_SAFE_INTEGER).nullish(),
    trigger: rule.optional(),
    noActionArm: z.boolean({ error: 'must be true or false' }).nullish(),
    levers: z.array(leverSchema, { error: 'must be a list of levers' }).nullish(),
    minProbability: probability(),
  },
  { error: 'must be an object (a mapping of campaign fields)' },
);

type ParsedCampaign = z.output<typeof campaignSchema>;

// ---- defaults and cross-field rules ----------------------------------------------------------------

const orDefault = (v: number | null | undefined, dflt: number): number => (v === null || v === undefined || v === 0 ? dflt : v);

function buildConfig(p: ParsedCampaign, problems: Problem[]): CampaignConfig {
  const policy = p.policy || CAMPAIGN_DEFAULTS.policy;
  const policyParams = p.policyParams ?? {};

  const offers: OfferConfig[] = p.offers.map((o) => ({
    id: o.id,
    // Frozen, as the registry keeps every campaign's (registry.ts stored()).
    attributes: Object.freeze(o.attributes ?? {}),
    priorAlpha: orDefault(o.priorAlpha, CAMPAIGN_DEFAULTS.priorAlpha),
    priorBeta: orDefault(o.priorBeta, CAMPAIGN_DEFAULTS.priorBeta),
    value: orDefault(o.value, CAMPAIGN_DEFAULTS.value),
    weight: orDefault(o.weight, CAMPAIGN_DEFAULTS.weight),
    eligibility: o.eligibility ?? null,
    minProbability: o.minProbability ?? 0,
  }));
  offers.forEach((o, i) => {
    if (o.id === NO_ACTION_OFFER) problems.push({ path: ['offers', i, 'id'], message: `"${NO_ACTION_OFFER}" is reserved for the implicit arm of no_action_arm` });
    // msgpackr reads a "__proto__" key back as "__proto_" (its guard against prototype pollution), and
    // msgpack maps keyed by offer id remain: the Redis store's contact history, and the counters of a
    // schema-2 state until they are rewritten (state-codec.ts itself keeps any id).
    if (o.id === '__proto__') problems.push({ path: ['offers', i, 'id'], message: '"__proto__" cannot be an offer id (the stored counters could not keep it)' });
  });
  const firstIndex = new Map<string, number>();
  offers.forEach((o, i) => {
    const prev = firstIndex.get(o.id);
    if (prev === undefined) firstIndex.set(o.id, i);
    else problems.push({ path: ['offers', i, 'id'], message: `duplicate offer id "${o.id}" (also offers[${prev}])` });
  });

  const defaultOffer = p.defaultOffer || offers[0]!.id;
  if (!firstIndex.has(defaultOffer)) {
    problems.push({ path: ['defaultOffer'], message: `"${defaultOffer}" is not the id of an offer` });
  }

  const segmentBy = p.segmentBy ?? [];
  segmentBy.forEach((f, i) => {
    if (segmentBy.indexOf(f) !== i) problems.push({ path: ['segmentBy', i], message: `duplicate feature "${f}"` });
  });

  const sessionFeatures = buildSessionFeatures(p.sessionFeatures ?? [], problems);
  const declared = new Set(sessionFeatures.map((f) => f.name));
  const trigger = p.trigger ?? null;
  checkSessionVars(trigger, declared, ['trigger'], problems);
  (p.routing ?? []).forEach((r, i) => checkSessionVars(r.when ?? null, declared, ['routing', i, 'when'], problems));
  offers.forEach((o, i) => checkSessionVars(o.eligibility, declared, ['offers', i, 'eligibility'], problems));
  if (p.noActionArm === true) offers.push(noActionOffer());

  const fatigue: FatigueConfig = {
    maxPerOffer: p.fatigue?.maxPerOffer ?? 0,
    maxPerCampaign: p.fatigue?.maxPerCampaign ?? 0,
    windowMs: p.fatigue?.windowMs ?? 0,
    cooldownAfterIgnored: p.fatigue?.cooldownAfterIgnored ?? 0,
    cooldownMs: p.fatigue?.cooldownMs ?? 0,
  };

  return {
    name: p.name,
    description: p.description ?? '',
    policy,
    policyParams,
    offers,
    controlShare: p.controlShare ?? CAMPAIGN_DEFAULTS.controlShare,
    defaultOffer,
    rewardWaitMs: p.rewardWaitMs ?? CAMPAIGN_DEFAULTS.rewardWaitMs,
    defaultReward: p.defaultReward ?? CAMPAIGN_DEFAULTS.defaultReward,
    decay: {
      halfLife: p.decay?.halfLife ?? CAMPAIGN_DEFAULTS.decayHalfLife,
      unit: p.decay?.unit || CAMPAIGN_DEFAULTS.decayUnit,
    },
    segmentBy,
    routing: buildRouting(p.routing ?? [], policy, policyParams, problems),
    fatigue,
    salt: p.salt || p.name,
    version: p.version ?? CAMPAIGN_DEFAULTS.version,
    features: buildFeatures(p.features ?? [], declared, problems),
    modelUse: p.modelUse || CAMPAIGN_DEFAULTS.modelUse,
    modelPriorWeight: orDefault(p.modelPriorWeight, CAMPAIGN_DEFAULTS.modelPriorWeight),
    // 0 is a legal blend weight, but proto3 cannot tell it from unset; model_use: none says "no blend".
    modelBlend: orDefault(p.modelBlend, CAMPAIGN_DEFAULTS.modelBlend),
    model: null,
    sessionFeatures,
    sessionTimeoutMs: orDefault(p.sessionTimeoutMs, DEFAULT_SESSION_TIMEOUT_MS),
    trigger,
    triggerModels: trigger === null ? [] : ruleVars(trigger, 'model.'),
    noActionArm: p.noActionArm === true,
    levers: buildLevers(p.levers ?? [], problems),
    minProbability: p.minProbability ?? 0,
  };
}

/** Defaults and per-type rules of the declared features; column count bounded. */
function buildFeatures(given: NonNullable<ParsedCampaign['features']>, sessionNames: ReadonlySet<string>, problems: Problem[]): FeatureSpec[] {
  const seen = new Map<string, number>();
  let columns = 1; // the bias column
  const out = given.map((f, i): FeatureSpec => {
    const type = f.type || CAMPAIGN_DEFAULTS.featureType;
    const categories = f.categories ?? [];
    const buckets = f.buckets ?? 0;
    const prev = seen.get(f.name);
    if (prev !== undefined) problems.push({ path: ['features', i, 'name'], message: `duplicate feature "${f.name}" (also features[${prev}])` });
    else seen.set(f.name, i);
    if (f.name === 'bias') problems.push({ path: ['features', i, 'name'], message: '"bias" is reserved for the intercept column' });
    if (f.source === 'session' && !sessionNames.has(f.name)) {
      problems.push({ path: ['features', i, 'name'], message: `source session needs a session feature named "${f.name}"` });
    }
    let dflt: number | string;
    if (type === 'numeric') {
      if (categories.length > 0) problems.push({ path: ['features', i, 'categories'], message: 'only onehot features have categories' });
      const raw = f.default ?? 0;
      dflt = typeof raw === 'number' ? raw : raw === '' ? 0 : Number(raw);
      if (!Number.isFinite(dflt)) problems.push({ path: ['features', i, 'default'], message: 'must be a finite number for a numeric feature' });
      columns += 1;
    } else if (type === 'onehot') {
      if (categories.length === 0) problems.push({ path: ['features', i, 'categories'], message: 'a onehot feature needs at least 1 category' });
      categories.forEach((c, j) => {
        if (categories.indexOf(c) !== j) problems.push({ path: ['features', i, 'categories', j], message: `duplicate category "${c}"` });
      });
      dflt = String(f.default ?? '');
      columns += categories.length;
    } else {
      if (buckets < 1) problems.push({ path: ['features', i, 'buckets'], message: 'a hashed feature needs buckets >= 1' });
      dflt = String(f.default ?? '');
      columns += buckets;
    }
    return { name: f.name, source: f.source || CAMPAIGN_DEFAULTS.featureSource, type, categories, buckets, default: dflt };
  });
  if (columns > MAX_FEATURE_COLUMNS) problems.push({ path: ['features'], message: `expand to ${columns} columns; at most ${MAX_FEATURE_COLUMNS}` });
  return out;
}

/**
 * The routes as given plus, unless the last one already matches everything, the default route
 * (campaign policy and params). A route without `when` anywhere but last would hide the rest.
 */
function buildRouting(
  given: ParsedCampaign['routing'] & object,
  policy: string,
  policyParams: Readonly<Record<string, string>>,
  problems: Problem[],
): RouteConfig[] {
  const routes: RouteConfig[] = given.map((r, i) => ({
    name: r.name || `route-${i}`,
    when: r.when ?? null,
    policy: r.policy || policy,
    params: r.params ?? {},
  }));
  const seen = new Map<string, number>();
  routes.forEach((r, i) => {
    const last = i === routes.length - 1;
    if (r.when === null && !last) {
      problems.push({ path: ['routing', i, 'when'], message: 'a route without a rule matches everything, so it must be the last route' });
    }
    if (r.name === DEFAULT_ROUTE_NAME && r.when !== null) {
      problems.push({ path: ['routing', i, 'name'], message: `"${DEFAULT_ROUTE_NAME}" is reserved for the last route, which has no rule` });
    }
    const prev = seen.get(r.name);
    if (prev !== undefined) problems.push({ path: ['routing', i, 'name'], message: `duplicate route name "${r.name}" (also routing[${prev}])` });
    else seen.set(r.name, i);
  });
  const last = routes[routes.length - 1];
  if (last === undefined || last.when !== null) {
    if (seen.has(DEFAULT_ROUTE_NAME)) {
      problems.push({ path: ['routing'], message: `route name "${DEFAULT_ROUTE_NAME}" is reserved for the route appended after the given ones` });
    }
    routes.push({ name: DEFAULT_ROUTE_NAME, when: null, policy, params: policyParams });
  }
  return routes;
}

// ---- entry point -----------------------------------------------------------------------------------

function toCampaignProblems(problems: readonly Problem[]): CampaignProblem[] {
  return problems.map((p) => ({ field: formatPath(p.path), message: p.message }));
}

/**
 * A campaign from a YAML/JSON file (snake_case keys) or from AdminService.PutCampaign (camelCase, as
 * proto-loader decodes it with PROTO_LOADER_OPTIONS), validated, with every default filled.
 * Throws CampaignInvalidError (NUDGE_CAMPAIGN_INVALID) listing every problem, prefixed by `source`.
 */
export function parseCampaign(input: unknown, source: string): CampaignConfig {
  const problems: Problem[] = [];
  const normalized = normalizeCampaignKeys(input, problems);
  const result = campaignSchema.safeParse(normalized);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push({ path: issue.path, message: issue.message });
    throw new CampaignInvalidError(source, toCampaignProblems(problems));
  }
  const config = buildConfig(result.data, problems);
  if (problems.length > 0) throw new CampaignInvalidError(source, toCampaignProblems(problems));
  return config;
}
