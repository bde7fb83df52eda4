import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFallbackKernel, getKernel } from '../../src/kernel';
import { compileContexts } from '../../src/sim/contexts';
import { formatSimulation } from '../../src/sim/format';
import { loadScenario, parseScenario, ScenarioError, type Scenario } from '../../src/sim/scenario';
import { checkPolicySpec, simulate, type SimulationReport } from '../../src/sim/simulate';

/**
 * Learning when not to nudge (issue 15): loyal customers convert better without a nudge (30 % against
 * at most 22 %), new ones better with the best offer (12 % against 5 %). With the no-action arm,
 * Thompson sampling with one posterior per customer segment holds back for loyal customers and
 * nudges new ones; always nudging pays the loyal customers' 8 points on every one of their steps.
 */
const file = path.join(__dirname, '../../examples/scenarios/no-action.json');
const scenario = loadScenario(file, checkPolicySpec);

function problems(input: unknown): readonly string[] {
  try {
    parseScenario(input, 'x.json', checkPolicySpec);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).problems;
  }
  return [];
}

function policy(report: SimulationReport, name: string) {
  const p = report.policies.find((r) => r.policy === name);
  if (p === undefined) throw new Error(`no policy ${name} in the report`);
  return p;
}

function shares(report: SimulationReport, name: string): Record<string, number> {
  return Object.fromEntries(policy(report, name).noActionShare!.map((s) => [s.context, s.mean]));
}

const contexts = [
  { weight: 1, features: { customer: 'loyal', channel: 'app' }, rates: [0.3, 0.2] },
  { weight: 1, features: { customer: 'new', channel: 'app' }, rates: [0.05, 0.1] },
  { weight: 1, features: { customer: 'new', channel: 'web' }, rates: [0.05, 0.1] },
];
const base = { name: 'x', horizon: 100, arms: { count: 2 }, noActionArm: true, contexts, policies: ['thompson', 'always-nudge:thompson'] };

describe('no-action scenarios: validation', () => {
  it('accepts noActionArm, segmentBy and always-nudge: together', () => {
    expect(problems(base)).toEqual([]);
    expect(problems({ ...base, segmentBy: ['customer', 'channel'] })).toEqual([]);
    expect(parseScenario({ ...base, noActionArm: undefined, policies: ['thompson'] })).toMatchObject({ noActionArm: false, segmentBy: [] });
  });

  it('rejects bad combinations with exact messages', () => {
    expect(problems({ ...base, noActionArm: false })).toEqual(['policies[1]: "always-nudge:" needs noActionArm: true (arm 0 is then the do-nothing arm)']);
    expect(problems({ ...base, noActionArm: 'yes' })).toEqual(['noActionArm: must be true or false']);
    expect(problems({ name: 'x', horizon: 10, arms: { count: 2, rates: [0.1, 0.2] }, noActionArm: true, policies: ['thompson'] })).toEqual([
      'noActionArm: needs "contexts" (arm 0\'s rate, the conversion without a nudge, is given per context)',
    ]);
    expect(problems({ name: 'x', horizon: 10, arms: { count: 2, rates: [0.1, 0.2] }, segmentBy: ['a'], policies: ['thompson'] })).toEqual([
      'segmentBy: needs "contexts" (segments are keyed by context features)',
    ]);
    expect(problems({ ...base, segmentBy: ['customer', 'customer'] })).toEqual(['segmentBy[1]: "customer" is listed twice']);
    expect(problems({ ...base, segmentBy: ['tenure'] })).toEqual(['segmentBy[0]: "tenure" is not a feature of contexts[0]']);
    expect(problems({ ...base, segmentBy: 'customer' })).toEqual(['segmentBy: must be a list of feature names']);
    expect(problems({ ...base, segmentBy: [''] })).toEqual(['segmentBy[0]: must be a non-empty feature name']);
    // The policy's own check runs on the spec after the prefix (its list of known parameters is its own).
    expect(problems({ ...base, policies: ['always-nudge:thompson:epsilon=1'] })[0]).toMatch(/^policies\[0\]: unknown parameter "thompson\.epsilon" \(known: halfLife, /);
    expect(problems({ ...base, policies: ['always-nudge:'] })).toEqual(['policies[0]: policy spec "" has no policy name']);
  });

  it('keys segments by the segmentBy features only', () => {
    const s = parseScenario({ ...base, segmentBy: ['customer'] });
    const c = compileContexts(s);
    expect(c.segments).toBe(2);
    expect(Array.from(c.segment)).toEqual([0, 1, 1]);
    expect(compileContexts(parseScenario(base)).segments).toBe(1);
    expect(compileContexts(parseScenario({ ...base, segmentBy: ['customer', 'channel'] })).segments).toBe(3);
    // The oracle includes doing nothing: best is the no-action rate for loyal customers.
    expect(Array.from(c.best)).toEqual([0.3, 0.1, 0.1]);
  });
});

describe.each([
  ['default', getKernel()],
  ['fallback', createFallbackKernel()],
])('examples/scenarios/no-action.json (%s kernel)', (_label, kernel) => {
  const report = simulate(scenario, { kernel });

  it('holds back for loyal customers and nudges new ones, late in the horizon', () => {
    for (const name of ['thompson', 'logistic-thompson']) {
      const s = shares(report, name);
      // Measured: 98.2-99.4 % for loyal, 0.2-0.5 % for new, over seeds 1-5 and 15 on both kernels.
      expect(s['customer=loyal']).toBeGreaterThan(0.9);
      expect(s['customer=new']).toBeLessThan(0.05);
    }
    for (const name of ['always-nudge:thompson', 'always-nudge:logistic-thompson']) {
      expect(shares(report, name)).toEqual({ 'customer=loyal': 0, 'customer=new': 0 });
    }
  });

  it('has far less regret than always nudging', () => {
    for (const name of ['thompson', 'logistic-thompson']) {
      const learned = policy(report, name).cumulativeRegret;
      const always = policy(report, `always-nudge:${name}`).cumulativeRegret;
      // Always nudging loses 0.08 on each loyal customer: at least ~800 over their 10,000 steps.
      expect(always.mean).toBeGreaterThan(0.8 * 0.08 * 0.5 * scenario.horizon);
      // Measured ratio: 0.09-0.13; the SEs are under 15.
      expect(learned.mean).toBeLessThan(0.25 * always.mean);
      expect(learned.mean + 5 * learned.se).toBeLessThan(always.mean - 5 * always.se);
      expect(policy(report, name).rewardRate.mean).toBeGreaterThan(policy(report, `always-nudge:${name}`).rewardRate.mean);
    }
  });
});

describe('segmentBy', () => {
  it('is what lets a context-free Thompson learn per segment', () => {
    const pooled: Scenario = { ...scenario, runs: 6, segmentBy: [], policies: ['thompson'] };
    const segmented: Scenario = { ...pooled, segmentBy: ['customer'] };
    const a = simulate(pooled).policies[0]!;
    const b = simulate(segmented).policies[0]!;
    // One posterior for both groups can only pick one action for all of them.
    const [loyal, fresh] = a.noActionShare!.map((s) => s.mean);
    expect(Math.abs(loyal! - fresh!)).toBeLessThan(0.05);
    expect(b.cumulativeRegret.mean).toBeLessThan(0.25 * a.cumulativeRegret.mean);
  });

  it('gives the same report with per-arm sums as with one update per outcome, per segment', () => {
    const small: Scenario = { ...scenario, runs: 2, horizon: 3000, feedbackDelay: 50, policies: ['thompson', 'always-nudge:thompson'] };
    const strip = (r: SimulationReport) => r.policies.map((p) => [p.cumulativeRegret, p.rewardRate, p.curve, p.noActionShare]);
    expect(strip(simulate(small, { perOutcomeUpdates: true }))).toEqual(strip(simulate(small)));
  });

  it('refuses always-nudge: in an unvalidated scenario without contexts', () => {
    const plain = parseScenario({ name: 'p', horizon: 10, arms: { count: 2, rates: [0.1, 0.2] }, policies: ['thompson'] });
    expect(() => simulate({ ...plain, policies: ['always-nudge:thompson'] })).toThrow('policy "always-nudge:thompson": always-nudge: needs a noActionArm scenario with contexts');
  });

  it('prints the no-action share per context', () => {
    const small: Scenario = { ...scenario, runs: 2, horizon: 500, policies: ['thompson', 'always-nudge:thompson'] };
    const text = formatSimulation(simulate(small));
    expect(text).toContain('arm 0 = no action, segmentBy customer');
    expect(text).toMatch(/no-action \(arm 0\) share per context over the last fifth of the steps/);
    expect(text).toMatch(/\nalways-nudge:thompson +0\.0% ± 0\.0 +0\.0% ± 0\.0\n/);
    expect(text).toMatch(/customer=loyal +customer=new/);
  });
});
