import { z } from 'zod';
import type { SessionFeatureSpec } from '../sessions/types';
import type { Problem } from './normalize';
import type { CampaignConfig, LeverConfig, OfferConfig } from './types';

/**
 * The "when to nudge" fields of a campaign (docs/events.md): session features, the trigger, the
 * learned do-nothing arm, arbitration levers and probability thresholds. Kept apart from schema.ts,
 * which holds the offer/route/policy fields.
 */

/** The implicit arm of `no_action_arm: true`; an offer may not take this id. */
export const NO_ACTION_OFFER = 'no-action';
/** Default of session_timeout_ms (30 minutes, the usual web-analytics session). */
export const DEFAULT_SESSION_TIMEOUT_MS = 30 * 60 * 1000;
export const MAX_SESSION_FEATURES = 32;
export const MAX_LEVERS = 64;
export const SESSION_AGGREGATES = ['count', 'sum', 'last', 'time_since_last_ms', 'distinct_count'] as const;

const SESSION_FEATURE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_MS = Number.MAX_SAFE_INTEGER;

const ms = () =>
  z.number({ error: 'must be a non-negative integer (ms)' })
    .int({ error: 'must be a non-negative integer (ms)' })
    .min(0, { error: 'must be a non-negative integer (ms)' })
    .max(MAX_MS, { error: `must be <= ${MAX_MS}` });
const text = () => z.string({ error: 'must be a string' });
const strings = () => z.record(z.string(), z.string({ error: 'must be a string' }), { error: 'must be a map of string values' }).nullish();

export const sessionFeatureSchema = z.object(
  {
    name: text().regex(SESSION_FEATURE_NAME_RE, { error: `must match ${String(SESSION_FEATURE_NAME_RE)}` }),
    eventTypes: z.array(text().min(1, { error: 'must not be empty' }).max(128, { error: 'must be at most 128 characters' }), { error: 'must be a list of event types' })
      .min(1, { error: 'must list at least 1 event type' }),
    propertyFilter: strings(),
    aggregate: z.enum(SESSION_AGGREGATES, { error: `must be one of ${SESSION_AGGREGATES.join(', ')}` }),
    property: text().max(64, { error: 'must be at most 64 characters' }).nullish(),
    windowMs: ms().nullish(),
  },
  { error: 'must be an object (a session feature)' },
);

export const leverSchema = z.object(
  {
    name: text().nullish(),
    attribute: text().min(1, { error: 'must not be empty' }),
    value: text(),
    weight: z.number({ error: 'must be a finite number' }).min(0, { error: 'must be >= 0' }),
    startMs: z.number({ error: 'must be an integer (ms since epoch)' }).int({ error: 'must be an integer (ms since epoch)' }).min(0, { error: 'must be >= 0' }).nullish(),
    endMs: z.number({ error: 'must be an integer (ms since epoch)' }).int({ error: 'must be an integer (ms since epoch)' }).min(0, { error: 'must be >= 0' }).nullish(),
  },
  { error: 'must be an object (a lever)' },
);

export const probability = () =>
  z.number({ error: 'must be a finite number' }).min(0, { error: 'must be in [0, 1]' }).max(1, { error: 'must be in [0, 1]' }).nullish();

type ParsedSessionFeature = z.output<typeof sessionFeatureSchema>;
type ParsedLever = z.output<typeof leverSchema>;

export function buildSessionFeatures(given: readonly ParsedSessionFeature[], problems: Problem[]): SessionFeatureSpec[] {
  if (given.length > MAX_SESSION_FEATURES) problems.push({ path: ['sessionFeatures'], message: `must have at most ${MAX_SESSION_FEATURES} session features` });
  const seen = new Map<string, number>();
  return given.map((f, i): SessionFeatureSpec => {
    const prev = seen.get(f.name);
    if (prev !== undefined) problems.push({ path: ['sessionFeatures', i, 'name'], message: `duplicate session feature "${f.name}" (also session_features[${prev}])` });
    else seen.set(f.name, i);
    const property = f.property ?? '';
    const needsProperty = f.aggregate === 'last' || f.aggregate === 'distinct_count';
    if (needsProperty && property === '') problems.push({ path: ['sessionFeatures', i, 'property'], message: `is required for aggregate ${f.aggregate}` });
    if (!needsProperty && property !== '') problems.push({ path: ['sessionFeatures', i, 'property'], message: `is only read by aggregates last and distinct_count (not ${f.aggregate})` });
    return {
      name: f.name,
      eventTypes: [...new Set(f.eventTypes)],
      propertyFilter: f.propertyFilter ?? {},
      aggregate: f.aggregate,
      property,
      windowMs: f.windowMs ?? 0,
    };
  });
}

export function buildLevers(given: readonly ParsedLever[], problems: Problem[]): LeverConfig[] {
  if (given.length > MAX_LEVERS) problems.push({ path: ['levers'], message: `must have at most ${MAX_LEVERS} levers` });
  return given.map((l, i): LeverConfig => {
    const startMs = l.startMs ?? 0;
    const endMs = l.endMs ?? 0;
    if (startMs > 0 && endMs > 0 && endMs <= startMs) problems.push({ path: ['levers', i, 'endMs'], message: 'must be after start_ms' });
    return { name: l.name || `${l.attribute}=${l.value}`, attribute: l.attribute, value: l.value, weight: l.weight, startMs, endMs };
  });
}

/** The implicit arm appended after the declared offers: flat prior, value 1, always eligible. */
export function noActionOffer(): OfferConfig {
  return { id: NO_ACTION_OFFER, attributes: {}, priorAlpha: 1, priorBeta: 1, value: 1, weight: 1, eligibility: null, minProbability: 0 };
}

/** Names `model.<campaign>` read by a rule (their models are scored only for a rule that reads them). */
export function ruleVars(rule: unknown, prefix: string): string[] {
  const out = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [op, arg] of Object.entries(node)) {
      if (op === 'var') {
        const name = Array.isArray(arg) ? arg[0] : arg;
        if (typeof name === 'string' && name.startsWith(prefix)) out.add(name.slice(prefix.length));
      }
      walk(arg);
    }
  };
  walk(rule);
  return [...out];
}

/** Every `session.<name>` a rule reads must be declared, or a typo would silently read null. */
export function checkSessionVars(rule: unknown, declared: ReadonlySet<string>, path: readonly PropertyKey[], problems: Problem[]): void {
  if (rule === null) return;
  for (const name of ruleVars(rule, 'session.')) {
    if (!declared.has(name)) problems.push({ path, message: `reads session.${name}, which is not a declared session feature` });
  }
}

/**
 * A campaign saved (as JSON) by an older version lacks the fields added since: filled with their
 * defaults, so code past this point sees complete configurations.
 */
export function upgradeSaved(c: CampaignConfig): CampaignConfig {
  const old = c as Partial<CampaignConfig> & CampaignConfig;
  if (old.levers !== undefined && old.sessionFeatures !== undefined) return c;
  return {
    ...c,
    offers: c.offers.map((o) => ({ ...o, minProbability: o.minProbability ?? 0 })),
    sessionFeatures: old.sessionFeatures ?? [],
    sessionTimeoutMs: old.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
    trigger: old.trigger ?? null,
    triggerModels: old.triggerModels ?? [],
    noActionArm: old.noActionArm ?? false,
    levers: old.levers ?? [],
    minProbability: old.minProbability ?? 0,
  };
}
