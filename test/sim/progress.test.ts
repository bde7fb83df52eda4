import { describe, expect, it } from 'vitest';
import { StepProgress } from '../../src/sim/progress';
import { parseScenario } from '../../src/sim/scenario';
import { checkPolicySpec, simulate } from '../../src/sim/simulate';

describe('StepProgress', () => {
  it('reports in chunks of at least `every` steps, then the rest once', () => {
    const seen: number[] = [];
    const p = new StepProgress((n) => seen.push(n), 10);
    for (const done of [3, 9, 12, 15, 25, 27]) p.at(done);
    p.end(30);
    p.end(30);
    expect(seen).toEqual([12, 13, 5]);
  });

  it('does nothing without a callback', () => {
    const p = new StepProgress(undefined, 1);
    p.at(5);
    p.end(10);
  });
});

describe('simulate progress', () => {
  it('reports every step of every run, context-free and contextual, ending at the total', () => {
    const contexts = [
      { weight: 0.5, features: { saver: 1 }, rates: [0.1, 0.3] },
      { weight: 0.5, features: { saver: 0 }, rates: [0.3, 0.1] },
    ];
    const plain = { arms: { count: 2, rates: [0.1, 0.3] }, policies: ['thompson'] };
    const contextual = { arms: { count: 2 }, contexts, policies: ['thompson', 'logistic-thompson'] };
    for (const extra of [plain, contextual]) {
      const scenario = parseScenario({ name: 'p', horizon: 5000, runs: 2, ...extra }, 'p.json', checkPolicySpec);
      const calls: Array<[number, number]> = [];
      simulate(scenario, { onProgress: (done, total) => calls.push([done, total]) });
      const total = scenario.policies.length * 2 * 5000;
      expect(calls.at(-1)).toEqual([total, total]);
      for (let i = 1; i < calls.length; i++) expect(calls[i]![0]).toBeGreaterThan(calls[i - 1]![0]);
    }
  });
});
