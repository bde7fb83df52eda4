import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../../src/sim/scenario';
import { checkPolicySpec } from '../../src/sim/simulate';
import { logCheckpoints } from '../../src/sim/checkpoints';

const base = { name: 's', horizon: 100, arms: { count: 3, rates: [0.1, 0.2, 0.3] }, policies: ['thompson'] };

function problems(input: unknown): readonly string[] {
  try {
    parseScenario(input, 'x.json', checkPolicySpec);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).problems;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario validation', () => {
  it('fills defaults', () => {
    const s = parseScenario(base);
    expect(s).toMatchObject({ seed: 1, runs: 10, churn: 0, feedbackDelay: 1, drift: [], prior: [1, 1], checkpoints: 100 });
  });

  it('names the field and the problem', () => {
    expect(problems({ ...base, arms: { count: 3, rates: [0.1, 0.2] } })).toEqual(['arms.rates: must have count = 3 entries (has 2)']);
    expect(problems({ ...base, arms: { count: 3 } })).toEqual(['arms: give exactly one of "rates" and "rateDistribution"']);
    expect(problems({ ...base, arms: { count: 3, rates: [0.1, 0.2, 1.5] } })).toEqual(['arms.rates[2]: must be a number in [0, 1]']);
    expect(problems({ ...base, churn: 1 })).toEqual(['churn: must be a probability in [0, 1)']);
    expect(problems({ ...base, drift: [{ at: 100, rates: [0, 0, 0] }] })).toEqual(['drift[0].at: must be below horizon (100)']);
    expect(problems({ ...base, extra: 1 })[0]).toMatch(/Unrecognized key/);
    expect(problems({ ...base, policies: ['thompson', 'epsilon-greedy:epsilon=2'] })).toEqual([
      'policies[1]: epsilon-greedy.epsilon must be a number between 0 and 1',
    ]);
    expect(problems({ ...base, policies: ['nope'] })[0]).toMatch(/^policies\[0\]: unknown policy "nope"/);
  });

  it('log-spaced checkpoints end at the horizon and include drift steps', () => {
    const c = Array.from(logCheckpoints(1000, 10, [500]));
    expect(c[0]).toBe(1);
    expect(c[c.length - 1]).toBe(1000);
    expect(c).toContain(500);
    for (let i = 1; i < c.length; i++) expect(c[i]).toBeGreaterThan(c[i - 1]);
  });
});
