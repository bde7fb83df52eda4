import * as fs from 'node:fs';
import { z } from 'zod';

/**
 * The scenario file of `nudge simulate` (docs/simulation.md). Validated with zod; every problem is
 * reported as `<file>: <field path>: <problem>` so a data scientist can fix the file without reading
 * code. Defaults live in SCENARIO_DEFAULTS.
 */

/**
 * Policy spec prefix: the policy never picks arm 0 (the do-nothing arm of a noActionArm scenario),
 * while regret is still measured against the best action including it: "always nudging".
 */
export const ALWAYS_NUDGE = 'always-nudge:';

/** A scenario policy entry split into the always-nudge: flag and the policy spec proper. */
export function splitAlwaysNudge(entry: string): { withhold: boolean; spec: string } {
  return entry.startsWith(ALWAYS_NUDGE) ? { withhold: true, spec: entry.slice(ALWAYS_NUDGE.length) } : { withhold: false, spec: entry };
}

export const SCENARIO_DEFAULTS = {
  seed: 1,
  runs: 10,
  churn: 0,
  feedbackDelay: 1,
  prior: [1, 1] as [number, number],
  checkpoints: 100,
} as const;

const rate = z.number().min(0, 'must be a number in [0, 1]').max(1, 'must be a number in [0, 1]');
const positive = z.number().gt(0, 'must be a number > 0').refine(Number.isFinite, 'must be finite');

const armsSchema = z
  .object({
    count: z.number().int('must be an integer').min(2, 'must be an integer >= 2').max(100_000, 'must be at most 100000'),
    rates: z.array(rate).optional(),
    rateDistribution: z.object({ beta: z.tuple([positive, positive]) }).strict().optional(),
  })
  .strict()
  .superRefine((arms, ctx) => {
    // "Neither" is checked at the scenario level: a contextual scenario's rates live in `contexts`.
    if (arms.rates && arms.rateDistribution) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of "rates" and "rateDistribution"' });
    }
    if (arms.rates && arms.rates.length !== arms.count) {
      ctx.addIssue({ code: 'custom', path: ['rates'], message: `must have count = ${arms.count} entries (has ${arms.rates.length})` });
    }
  });

/** One kind of customer of a contextual scenario: its share of traffic, its features, its true rate per arm. */
const contextSchema = z
  .object({
    weight: positive,
    features: z.record(z.string().min(1, 'feature names must be non-empty'), z.union([z.number(), z.string()], 'must be a number or a string')),
    rates: z.array(rate),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().min(1, 'must be a non-empty string'),
    seed: z.number().int('must be an integer').min(0, 'must be an integer >= 0').max(Number.MAX_SAFE_INTEGER).default(SCENARIO_DEFAULTS.seed),
    runs: z.number().int('must be an integer').min(1, 'must be an integer >= 1').max(100_000).default(SCENARIO_DEFAULTS.runs),
    horizon: z.number().int('must be an integer').min(1, 'must be an integer >= 1').max(1e12),
    arms: armsSchema,
    prior: z.tuple([positive, positive]).default(SCENARIO_DEFAULTS.prior),
    churn: z.number().min(0, 'must be a probability in [0, 1)').lt(1, 'must be a probability in [0, 1)').default(SCENARIO_DEFAULTS.churn),
    feedbackDelay: z.number().int('must be an integer').min(1, 'must be an integer >= 1').default(SCENARIO_DEFAULTS.feedbackDelay),
    drift: z.array(z.object({ at: z.number().int('must be an integer').min(1, 'must be an integer >= 1'), rates: z.array(rate) }).strict()).default([]),
    policies: z.array(z.string().min(1, 'must be a non-empty policy spec')).min(1, 'must list at least one policy'),
    checkpoints: z.number().int('must be an integer').min(2, 'must be an integer >= 2').max(10_000).default(SCENARIO_DEFAULTS.checkpoints),
    contexts: z.array(contextSchema).min(1, 'must list at least one context').optional(),
    // Arm 0 is "do nothing" (its rate: conversion without a nudge), as with a campaign's no_action_arm.
    noActionArm: z.boolean('must be true or false').default(false),
    // Context-free policies keep one posterior per distinct value of these features (a campaign's segment_by).
    segmentBy: z.array(z.string('must be a feature name').min(1, 'must be a non-empty feature name'), 'must be a list of feature names').default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    s.policies.forEach((p, i) => {
      if (splitAlwaysNudge(p).withhold && !s.noActionArm) {
        ctx.addIssue({ code: 'custom', path: ['policies', i], message: `"${ALWAYS_NUDGE}" needs noActionArm: true (arm 0 is then the do-nothing arm)` });
      }
    });
    // Both are keyed by context: without contexts there is nothing to hold back for, or to segment by.
    if (s.noActionArm && s.contexts === undefined) {
      ctx.addIssue({ code: 'custom', path: ['noActionArm'], message: 'needs "contexts" (arm 0\'s rate, the conversion without a nudge, is given per context)' });
    }
    if (s.segmentBy.length > 0 && s.contexts === undefined) {
      ctx.addIssue({ code: 'custom', path: ['segmentBy'], message: 'needs "contexts" (segments are keyed by context features)' });
    }
    s.segmentBy.forEach((name, i) => {
      if (name === '') return; // reported by the field's own check
      if (s.segmentBy.indexOf(name) !== i) ctx.addIssue({ code: 'custom', path: ['segmentBy', i], message: `"${name}" is listed twice` });
      const without = (s.contexts ?? []).findIndex((c) => !Object.prototype.hasOwnProperty.call(c.features, name));
      if (without !== -1) ctx.addIssue({ code: 'custom', path: ['segmentBy', i], message: `"${name}" is not a feature of contexts[${without}]` });
    });
    const hasRates = s.arms.rates !== undefined || s.arms.rateDistribution !== undefined;
    if (s.contexts === undefined) {
      if (!hasRates) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'give exactly one of "rates" and "rateDistribution"' });
    } else {
      if (hasRates) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'leave out "rates" and "rateDistribution" when "contexts" is given (each context has its own rates)' });
      s.contexts.forEach((c, i) => {
        if (c.rates.length !== s.arms.count) {
          ctx.addIssue({ code: 'custom', path: ['contexts', i, 'rates'], message: `must have arms.count = ${s.arms.count} entries (has ${c.rates.length})` });
        }
      });
      // Churn and drift would need per-context replacement rates; not supported yet (docs/simulation.md).
      if (s.churn > 0) ctx.addIssue({ code: 'custom', path: ['churn'], message: 'must be 0 when "contexts" is given (not supported in contextual scenarios)' });
      if (s.drift.length > 0) ctx.addIssue({ code: 'custom', path: ['drift'], message: 'must be empty when "contexts" is given (not supported in contextual scenarios)' });
    }
    let last = 0;
    s.drift.forEach((d, i) => {
      if (d.rates.length !== s.arms.count) {
        ctx.addIssue({ code: 'custom', path: ['drift', i, 'rates'], message: `must have arms.count = ${s.arms.count} entries (has ${d.rates.length})` });
      }
      if (d.at >= s.horizon) ctx.addIssue({ code: 'custom', path: ['drift', i, 'at'], message: `must be below horizon (${s.horizon})` });
      if (d.at <= last) ctx.addIssue({ code: 'custom', path: ['drift', i, 'at'], message: 'drift steps must be strictly increasing' });
      last = d.at;
    });
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** Thrown for a scenario that fails validation; `problems` has one line per issue. */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: invalid scenario:\n  ${problems.join('\n  ')}`);
    this.name = 'ScenarioError';
  }
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(scenario)' : out;
}

/**
 * Validates a parsed scenario. `checkPolicy` (optional) rejects a bad policy spec by throwing; its
 * message is reported under `policies[i]`.
 */
export function parseScenario(input: unknown, source = 'scenario', checkPolicy?: (spec: string) => void): Scenario {
  const r = scenarioSchema.safeParse(input);
  if (!r.success) {
    throw new ScenarioError(
      source,
      r.error.issues.map((i) => `${pathText(i.path)}: ${i.message}`),
    );
  }
  if (checkPolicy) {
    const problems: string[] = [];
    r.data.policies.forEach((spec, i) => {
      try {
        checkPolicy(splitAlwaysNudge(spec).spec);
      } catch (err) {
        problems.push(`policies[${i}]: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    if (problems.length > 0) throw new ScenarioError(source, problems);
  }
  return r.data;
}

/** Reads and validates a scenario JSON file. */
export function loadScenario(file: string, checkPolicy?: (spec: string) => void): Scenario {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(file, [`cannot read file: ${err instanceof Error ? err.message : String(err)}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(file, [`not valid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return parseScenario(json, file, checkPolicy);
}
