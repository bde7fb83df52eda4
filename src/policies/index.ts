import type { SlatePolicy } from './common';
import { createEpsilonGreedy } from './epsilon-greedy';
import { createFixed } from './fixed';
import { createLogisticThompson } from './logistic-thompson';
import { createModelPolicy } from './model';
import { POLICY_NAMES, type PolicyName } from './names';
import { createRandom } from './random';
import { createRiskAverse } from './risk-averse';
import { createThompson } from './thompson';
import type { PolicyParams } from './types';
import { createUcb1 } from './ucb1';

export type { ArmTable, ArmsView, ContextualInput, DecideContext, Policy, PolicyParams, Ranked } from './types';
export { POLICY_NAMES, isPolicyName, type PolicyName } from './names';
export type { SlatePolicy } from './common';
export {
  armTableWords,
  createArmTable,
  withSlots,
  setPrior,
  decayTable,
  gatherArms,
  ArmsScratch,
  type GatherInput,
} from './arm-table';
export { makeBetaUpdate, readDecay, type DecaySpec } from './beta-update';
export { createThompson } from './thompson';
export { createEpsilonGreedy } from './epsilon-greedy';
export { createUcb1 } from './ucb1';
export { createRandom } from './random';
export { createFixed } from './fixed';
export { createRiskAverse } from './risk-averse';
export { createLogisticThompson, readContextualParams } from './logistic-thompson';
export { createModelPolicy } from './model';
export { CONTEXTUAL_POLICIES } from './names';

const FACTORIES: Record<PolicyName, (params: PolicyParams) => SlatePolicy> = {
  thompson: createThompson,
  'epsilon-greedy': createEpsilonGreedy,
  ucb1: createUcb1,
  fixed: createFixed,
  random: createRandom,
  'risk-averse': createRiskAverse,
  'logistic-thompson': createLogisticThompson,
  model: createModelPolicy,
};

/**
 * A policy instance by name. Each instance keeps its own scratch arrays and caches, so create one per
 * (worker, campaign route) and reuse it; parameters are checked here (TypeError / RangeError).
 */
export function createPolicy(name: string, params: PolicyParams = {}): SlatePolicy {
  if (typeof name !== 'string') throw new TypeError('policy name must be a string');
  if (params === null || typeof params !== 'object') throw new TypeError('policy params must be an object');
  if (!Object.prototype.hasOwnProperty.call(FACTORIES, name)) {
    throw new RangeError(`unknown policy "${name}" (known: ${POLICY_NAMES.join(', ')})`);
  }
  return FACTORIES[name as PolicyName](params);
}

export interface PolicySpec {
  name: string;
  params: Record<string, string | number | boolean>;
}

function parseValue(raw: string): string | number | boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw !== '') {
    const x = Number(raw);
    if (Number.isFinite(x)) return x;
  }
  return raw;
}

/**
 * Parses "name" or "name:key=value,key=value" ("epsilon-greedy:epsilon=0.05",
 * "thompson:halfLife=10000,halfLifeUnit=events"). Numbers and true/false are converted; other values
 * stay strings. Only the syntax is checked here: createPolicy checks the name and the parameters.
 */
export function parsePolicySpec(spec: string): PolicySpec {
  if (typeof spec !== 'string') throw new TypeError('policy spec must be a string');
  const colon = spec.indexOf(':');
  const name = (colon === -1 ? spec : spec.slice(0, colon)).trim();
  if (name === '') throw new RangeError(`policy spec "${spec}" has no policy name`);
  const params: Record<string, string | number | boolean> = {};
  if (colon !== -1) {
    const rest = spec.slice(colon + 1).trim();
    if (rest !== '') {
      for (const part of rest.split(',')) {
        const eq = part.indexOf('=');
        const key = (eq === -1 ? part : part.slice(0, eq)).trim();
        if (eq === -1 || key === '') {
          throw new RangeError(`policy spec "${spec}": "${part.trim()}" must look like key=value`);
        }
        if (Object.prototype.hasOwnProperty.call(params, key)) {
          throw new RangeError(`policy spec "${spec}": parameter "${key}" is given twice`);
        }
        params[key] = parseValue(part.slice(eq + 1).trim());
      }
    }
  }
  return { name, params };
}
