import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, ScenarioError } from '../../src/sim/scenario';
import { checkPolicySpec, simulate } from '../../src/sim/simulate';

/**
 * Learning when not to nudge (issue 15): loyal customers convert better without a nudge (30 % against
 * at most 22 %), new ones better with the best offer (12 % against 5 %). With the do-nothing arm,
 * contextual Thompson sampling holds back for loyal customers and nudges new ones; always nudging
 * pays the loyal customers' difference on every step.
 */
const file = path.join(__dirname, '../../examples/scenarios/no-action.json');

describe('no-action arm in the simulator', () => {
  const report = simulate(loadScenario(file, checkPolicySpec));
  const by = (p: string) => report.policies.find((r) => r.policy === p)!;

  it('holds back where doing nothing is best and nudges elsewhere', () => {
    const [loyal, fresh] = by('logistic-thompson').noActionShare!;
    expect(loyal).toBeGreaterThan(0.9);
    expect(fresh).toBeLessThan(0.05);
    expect(by('always-nudge:logistic-thompson').noActionShare).toEqual([0, 0]);
  });

  it('has far less regret than always nudging', () => {
    const learned = by('logistic-thompson').cumulativeRegret;
    const always = by('always-nudge:logistic-thompson').cumulativeRegret;
    // Always nudging loses 0.08 per loyal customer (~800 over 10,000 of them); the margin is many SEs.
    expect(learned.mean + 5 * learned.se).toBeLessThan(always.mean - 5 * always.se);
    expect(always.mean).toBeGreaterThan(0.08 * 0.5 * 20_000 * 0.9);
  });

  it('refuses always-nudge: without the do-nothing arm', () => {
    const base = { name: 'x', horizon: 10, arms: { count: 2 }, contexts: [{ weight: 1, features: { a: 1 }, rates: [0.1, 0.2] }] };
    expect(() => parseScenario({ ...base, policies: ['always-nudge:logistic-thompson'] }, 's')).toThrow(ScenarioError);
    expect(() => parseScenario({ ...base, policies: ['always-nudge:logistic-thompson'] }, 's')).toThrow(/needs noActionArm: true/);
    expect(() => simulate(parseScenario({ ...base, noActionArm: true, policies: ['always-nudge:thompson'] }, 's'))).toThrow(/runs a contextual policy/);
  });
});
