import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { simulateCommand } from '../../src/cli/simulate';
import { createFallbackKernel, getKernel } from '../../src/kernel';
import { loadScenario, parseScenario, ScenarioError } from '../../src/sim/scenario';
import { checkPolicySpec, simulate } from '../../src/sim/simulate';

const contexts = [
  { weight: 0.5, features: { saver: 1, channel: 'app' }, rates: [0.1, 0.3, 0.05] },
  { weight: 0.3, features: { saver: 0, channel: 'web' }, rates: [0.3, 0.05, 0.1] },
  { weight: 0.2, features: { saver: 0, channel: 'app' }, rates: [0.05, 0.1, 0.3] },
];
const base = { name: 'ctx', seed: 11, runs: 6, horizon: 3000, arms: { count: 3 }, contexts, policies: ['thompson', 'logistic-thompson'] };

function problems(input: unknown): readonly string[] {
  try {
    parseScenario(input, 'scenario', checkPolicySpec);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).problems;
  }
  return [];
}

describe('contextual scenarios', () => {
  it('accepts contexts without arms.rates and rejects bad ones with exact messages', () => {
    expect(problems(base)).toEqual([]);
    expect(problems({ ...base, arms: { count: 3, rates: [0.1, 0.2, 0.3] } })).toEqual([
      'arms: leave out "rates" and "rateDistribution" when "contexts" is given (each context has its own rates)',
    ]);
    expect(problems({ ...base, contexts: [{ ...contexts[0], rates: [0.1, 0.2] }] })).toEqual(['contexts[0].rates: must have arms.count = 3 entries (has 2)']);
    expect(problems({ ...base, contexts: [{ ...contexts[0], weight: 0 }] })).toEqual(['contexts[0].weight: must be a number > 0']);
    expect(problems({ ...base, contexts: [{ ...contexts[0], rates: [0.1, 0.2, 2] }] })).toEqual(['contexts[0].rates[2]: must be a number in [0, 1]']);
    expect(problems({ ...base, contexts: [{ ...contexts[0], features: { saver: true } }] })).toEqual(['contexts[0].features.saver: must be a number or a string']);
    expect(problems({ ...base, contexts: [] })).toEqual(['contexts: must list at least one context']);
    expect(problems({ ...base, churn: 0.01 })).toEqual(['churn: must be 0 when "contexts" is given (not supported in contextual scenarios)']);
    expect(problems({ ...base, drift: [{ at: 10, rates: [0, 0, 0] }] })).toEqual(['drift: must be empty when "contexts" is given (not supported in contextual scenarios)']);
    expect(problems({ ...base, contexts: undefined })).toEqual(['arms: give exactly one of "rates" and "rateDistribution"']);
  });

  it.each([
    ['default', getKernel()],
    ['fallback', createFallbackKernel()],
  ])('logistic-thompson has at most half the regret of thompson when the best arm depends on the context (%s kernel)', (_label, kernel) => {
    const report = simulate(parseScenario(base, 'scenario', checkPolicySpec), { kernel });
    const [ts, lts] = report.policies;
    expect(ts!.policy).toBe('thompson');
    expect(lts!.policy).toBe('logistic-thompson');
    // thompson can only find the best arm on average (0.3*0.5 + ... ): linear regret of about 0.14 per step.
    expect(ts!.cumulativeRegret.mean).toBeGreaterThan(0.1 * base.horizon);
    expect(lts!.cumulativeRegret.mean).toBeLessThan(0.5 * ts!.cumulativeRegret.mean);
    expect(lts!.curve[lts!.curve.length - 1]!.step).toBe(base.horizon);
    expect(lts!.curve[lts!.curve.length - 1]!.mean).toBeCloseTo(lts!.cumulativeRegret.mean, 9);
    expect(lts!.rewardRate.mean).toBeGreaterThan(ts!.rewardRate.mean);
  });

  it('is deterministic for a fixed seed and honours feedbackDelay', () => {
    const s = parseScenario({ ...base, runs: 2, horizon: 500, feedbackDelay: 50 }, 'scenario', checkPolicySpec);
    const a = simulate(s);
    const b = simulate(s);
    expect(a.policies.map((p) => p.cumulativeRegret)).toEqual(b.policies.map((p) => p.cumulativeRegret));
  });

  it('runs through `nudge simulate` with the JSON report and the SVG chart', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-ctx-'));
    const file = path.join(tmp, 's.json');
    fs.writeFileSync(file, JSON.stringify({ ...base, runs: 2, horizon: 400 }));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const json = path.join(tmp, 'r.json');
    const svg = path.join(tmp, 'r.svg');
    await simulateCommand().parseAsync(['--scenario', file, '--json', json, '--svg', svg, '--no-progress'], { from: 'user' });
    vi.restoreAllMocks();
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(report.policies.map((p: { policy: string }) => p.policy)).toEqual(['thompson', 'logistic-thompson']);
    expect(report.scenario.contexts).toHaveLength(3);
    expect(fs.readFileSync(svg, 'utf8')).toContain('logistic-thompson');
  });

  it('ships a valid example scenario', () => {
    const s = loadScenario(path.join(__dirname, '../../examples/scenarios/contextual.json'), checkPolicySpec);
    expect(s.contexts).toHaveLength(3);
    expect(s.policies).toEqual(['thompson', 'logistic-thompson']);
  });
});
