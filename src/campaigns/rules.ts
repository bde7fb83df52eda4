import * as jsonLogic from 'json-logic-js';

/**
 * JSON Logic rules of campaigns (offer eligibility, route `when`). YAML may give a rule as a mapping;
 * gRPC gives it as JSON text; both end up as the parsed rule, or null for "always".
 */
export type RuleResult = { ok: true; rule: unknown | null } | { ok: false; problem: string };

const MAX_RULE_TEXT = 64 * 1024;
const MAX_RULE_DEPTH = 64;

export function parseRule(input: unknown): RuleResult {
  if (input === undefined || input === null) return { ok: true, rule: null };
  let rule: unknown = input;
  if (typeof input === 'string') {
    const text = input.trim();
    if (text === '') return { ok: true, rule: null };
    if (text.length > MAX_RULE_TEXT) return { ok: false, problem: `must be at most ${MAX_RULE_TEXT} characters of JSON` };
    try {
      rule = JSON.parse(text);
    } catch (err) {
      return { ok: false, problem: `is not valid JSON (${(err as Error).message})` };
    }
    if (rule === null) return { ok: true, rule: null };
  }
  // A constant true/false is a legal rule; anything else at the top must be one operator object, or
  // json-logic would evaluate a data literal (always truthy) and the rule would silently match everyone.
  if (typeof rule !== 'boolean' && !jsonLogic.is_logic(rule)) {
    return { ok: false, problem: 'must be a JSON Logic rule: an object with exactly one operator key, e.g. {"==": [{"var": "tier"}, "gold"]}' };
  }
  const unknownOp = findUnknownOperator(rule, 0);
  if (unknownOp !== null) return { ok: false, problem: unknownOp };
  try {
    jsonLogic.apply(rule as jsonLogic.RulesLogic, {});
  } catch (err) {
    return { ok: false, problem: `fails on an empty customer record (${(err as Error).message})` };
  }
  return { ok: true, rule };
}

/** Rules are evaluated lazily by json-logic (`if`, `and`, `or`), so a trial apply misses operators in untaken branches. */
function findUnknownOperator(node: unknown, depth: number): string | null {
  if (depth > MAX_RULE_DEPTH) return `is nested deeper than ${MAX_RULE_DEPTH} levels`;
  if (Array.isArray(node)) {
    for (const item of node) {
      const p = findUnknownOperator(item, depth + 1);
      if (p !== null) return p;
    }
    return null;
  }
  if (!jsonLogic.is_logic(node)) return null;
  const op = jsonLogic.get_operator(node as Record<string, unknown>);
  if (!isKnownOperator(op)) return `uses unknown JSON Logic operator "${op}"`;
  return findUnknownOperator((node as Record<string, unknown>)[op], depth + 1);
}

const knownOps = new Map<string, boolean>();

/** Asks json-logic itself, so operators added with add_operation count as known. */
function isKnownOperator(op: string): boolean {
  const cached = knownOps.get(op);
  if (cached !== undefined) return cached;
  let known = true;
  try {
    jsonLogic.apply({ [op]: [] } as unknown as jsonLogic.RulesLogic, {});
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('Unrecognized operation')) known = false;
  }
  // Operators registered later (add_operation) are not cached as unknown forever.
  if (known) knownOps.set(op, true);
  return known;
}

/** JSON text of a rule for the proto (empty string means always). */
export function ruleToText(rule: unknown | null): string {
  return rule === null ? '' : JSON.stringify(rule);
}
