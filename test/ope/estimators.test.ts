import { describe, expect, it } from 'vitest';
import { getKernel } from '../../src/kernel';
import { evaluate } from '../../src/ope/evaluate';
import { offPolicyEstimates } from '../../src/ope/estimators';
import type { Estimate } from '../../src/ope/types';
import { parseScenario } from '../../src/sim/scenario';
import { simulate } from '../../src/sim/simulate';
import { priorsOf, simulatedLogs } from './helpers';

const rates = [0.1, 0.2, 0.3, 0.4, 0.5];
const pb = [0.3, 0.25, 0.2, 0.15, 0.1];

function est(list: Estimate[], name: Estimate['estimator']): Estimate {
  const e = list.find((x) => x.estimator === name);
  if (!e) throw new Error(`no ${name}`);
  return e;
}

describe('estimators by hand', () => {
  it('match the OBP formulas on a tiny example', () => {
    // two actions; pi_e = (0.25, 0.75) everywhere
    const pi = Float64Array.from([0.25, 0.75]);
    const r = offPolicyEstimates(
      {
        actions: Int32Array.from([0, 1, 1, 0]),
        rewards: Float64Array.from([1, 0, 1, 0]),
        propensities: Float64Array.from([0.5, 0.5, 0.5, 0.5]),
        pi: [pi, pi, pi, pi],
        k: 2,
      },
      { resamples: 20 },
    );
    // w = (0.5, 1.5, 1.5, 0.5); sum w r = 0.5 + 1.5 = 2
    expect(est(r, 'ipw').value).toBeCloseTo(2 / 4, 12);
    expect(est(r, 'snipw').value).toBeCloseTo(2 / 4, 12);
    // q = (0.5, 0.5): DM = 0.5; DR = DM + mean(w (r - q)) = 0.5 + (0.25 - 0.75 + 0.75 - 0.25) / 4
    expect(est(r, 'dm').value).toBeCloseTo(0.5, 12);
    expect(est(r, 'dr').value).toBeCloseTo(0.5, 12);
  });
});

describe('off-policy estimates on logs of a known logging policy', () => {
  const data = simulatedLogs(rates, pb, 400_000, 42);
  const kernel = getKernel();

  it('IPW, SNIPW, DM and DR of a static epsilon-greedy land within 5% of its true value', () => {
    // Priors make offer-4 the greedy arm: pi_e = 0.02 each, 0.92 for offer-4; true value 0.48.
    const priors = priorsOf([[1, 9], [1, 9], [1, 9], [1, 9], [10, 10]]);
    const truth = 0.02 * (0.1 + 0.2 + 0.3 + 0.4) + 0.92 * 0.5;
    const r = evaluate(data, { policy: 'epsilon-greedy:epsilon=0.1', priors, kernel, replay: false, bootstrap: { resamples: 30 } });
    const s = r.slots[0];
    for (const name of ['ipw', 'snipw', 'dm', 'dr'] as const) {
      const e = est(s.estimates, name);
      expect(Math.abs(e.value - truth) / truth, name).toBeLessThan(0.05);
      expect(e.ci[0]).toBeLessThanOrEqual(e.value);
      expect(e.ci[1]).toBeGreaterThanOrEqual(e.value);
    }
    // And the logging policy's own value is not what we estimated (the test could fail).
    const logged = pb.reduce((acc, p, i) => acc + p * rates[i], 0);
    expect(Math.abs(s.logged.value - logged)).toBeLessThan(0.01);
    expect(Math.abs(logged - truth)).toBeGreaterThan(0.15);
  });

  it('IPW and DR of a static thompson land within 5% of its true value', () => {
    const ab: [number, number][] = [[20, 80], [30, 70], [45, 55], [50, 50], [52, 48]];
    // True action distribution: the kernel's Monte-Carlo with many draws.
    kernel.seed(3);
    const truthPi = new Float64Array(5);
    kernel.propensities(Float64Array.from(ab.map((x) => x[0])), Float64Array.from(ab.map((x) => x[1])), 1, 400_000, truthPi);
    const truth = Array.from(truthPi).reduce((acc, p, i) => acc + p * rates[i], 0);
    const r = evaluate(data, { policy: 'thompson:propensityDraws=100000', priors: priorsOf(ab), kernel, replay: false, bootstrap: { resamples: 30 } });
    for (const name of ['ipw', 'dr', 'snipw', 'dm'] as const) {
      expect(Math.abs(est(r.slots[0].estimates, name).value - truth) / truth, name).toBeLessThan(0.05);
    }
  });

  it('replay on non-uniform logs warns that it is biased', () => {
    const r = evaluate(simulatedLogs(rates, pb, 2000, 1), { policy: 'random', kernel, bootstrap: { resamples: 20 } });
    expect(r.slots[0].warnings.join(' ')).toMatch(/uniformly random log/);
  });
});

describe('replay on uniformly random logs', () => {
  const uniform = [0.2, 0.2, 0.2, 0.2, 0.2];
  const data = simulatedLogs(rates, uniform, 200_000, 7);
  const kernel = getKernel();

  it('is unbiased for a static policy', () => {
    const priors = priorsOf([[1, 9], [1, 9], [1, 9], [1, 9], [10, 10]]);
    const truth = 0.48;
    const r = evaluate(data, { policy: 'epsilon-greedy:epsilon=0.1', priors, kernel, replayLearn: false, bootstrap: { resamples: 50 } });
    const rep = est(r.slots[0].estimates, 'replay');
    expect(rep.n).toBeGreaterThan(35_000);
    expect(rep.n).toBeLessThan(45_000);
    // SE ~ 0.0025; 0.015 is 6 SE.
    expect(Math.abs(rep.value - truth)).toBeLessThan(0.015);
    expect(r.slots[0].warnings).toEqual([]);
  });

  it('estimates an adaptive thompson like running it online', () => {
    const r = evaluate(data, { policy: 'thompson', kernel, bootstrap: { resamples: 50 } });
    const rep = est(r.slots[0].estimates, 'replay');
    const online = simulate(
      parseScenario({ name: 'online', seed: 3, runs: 20, horizon: rep.n, arms: { count: 5, rates }, feedbackDelay: 1, policies: ['thompson'] }),
      { kernel },
    ).policies[0];
    // Both near 0.5 minus a small learning cost; SEs ~ 0.0025 and ~0.0006.
    expect(Math.abs(rep.value - online.rewardRate.mean)).toBeLessThan(0.015);
    // Learning matters: a static uniform policy would earn 0.3.
    expect(rep.value).toBeGreaterThan(0.45);
  });
});
