import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/sim/scenario';
import { simulate, type PolicyReport } from '../../src/sim/simulate';

/**
 * Regret orderings that bandit theory predicts, with fixed seeds and gaps of many standard errors
 * (measured: thompson ~60 +- 7, ucb1 ~290 +- 8, random ~3800 +- 5 on the stationary scenario).
 */
function byName(policies: PolicyReport[], spec: string): PolicyReport {
  const p = policies.find((x) => x.policy === spec);
  if (!p) throw new Error(`no report for ${spec}`);
  return p;
}

function gapInSe(a: PolicyReport, b: PolicyReport): number {
  const se = Math.hypot(a.cumulativeRegret.se, b.cumulativeRegret.se);
  return (b.cumulativeRegret.mean - a.cumulativeRegret.mean) / se;
}

describe('simulated regret', () => {
  it('ranks thompson < ucb1 < random on a stationary scenario', () => {
    const report = simulate(
      parseScenario({
        name: 'stationary',
        seed: 5,
        runs: 10,
        horizon: 20_000,
        // Best arm not first: ties at the prior go to the lower index and must not favour it.
        arms: { count: 5, rates: [0.2, 0.5, 0.35, 0.4, 0.1] },
        feedbackDelay: 10,
        policies: ['random', 'ucb1', 'thompson'],
      }),
    );
    const ts = byName(report.policies, 'thompson');
    const ucb = byName(report.policies, 'ucb1');
    const rnd = byName(report.policies, 'random');
    expect(gapInSe(ts, ucb)).toBeGreaterThan(6);
    expect(gapInSe(ucb, rnd)).toBeGreaterThan(6);
    // Random's regret is known in closed form: horizon * (best - mean rate) = 20000 * 0.19.
    expect(rnd.cumulativeRegret.mean).toBeGreaterThan(3800 - 6 * rnd.cumulativeRegret.se - 30);
    expect(rnd.cumulativeRegret.mean).toBeLessThan(3800 + 6 * rnd.cumulativeRegret.se + 30);
    // Reward rates mirror regret.
    expect(ts.rewardRate.mean).toBeGreaterThan(ucb.rewardRate.mean);
    expect(ts.curve[ts.curve.length - 1].mean).toBeCloseTo(ts.cumulativeRegret.mean, 6);
  });

  it('a decayed thompson recovers from an abrupt change with less regret than plain thompson', () => {
    const at = 20_000;
    const report = simulate(
      parseScenario({
        name: 'drift',
        seed: 6,
        runs: 20,
        horizon: 40_000,
        arms: { count: 3, rates: [0.6, 0.4, 0.3] },
        feedbackDelay: 10,
        drift: [{ at, rates: [0.3, 0.4, 0.65] }],
        policies: ['thompson', 'thompson:halfLife=2000'],
      }),
    );
    const after = (p: PolicyReport): { mean: number; se: number } => {
      const c = p.curve.find((x) => x.step === at);
      if (!c) throw new Error('the drift step must be a checkpoint');
      // Regret accumulated after the change; its SE is bounded by the sum of both points' SEs.
      return { mean: p.cumulativeRegret.mean - c.mean, se: p.cumulativeRegret.se + c.se };
    };
    const plain = after(byName(report.policies, 'thompson'));
    const decayed = after(byName(report.policies, 'thompson:halfLife=2000'));
    expect(decayed.mean).toBeLessThan(plain.mean / 2);
    expect((plain.mean - decayed.mean) / Math.hypot(plain.se, decayed.se)).toBeGreaterThan(4);
  });

  it('is deterministic for a seed and sees the same world for every policy', () => {
    const sc = parseScenario({
      name: 'churn',
      seed: 9,
      runs: 2,
      horizon: 3000,
      arms: { count: 6, rateDistribution: { beta: [2, 8] } },
      churn: 0.01,
      feedbackDelay: 7,
      policies: ['thompson', 'epsilon-greedy:epsilon=0.1'],
    });
    const a = simulate(sc);
    const b = simulate(sc);
    expect(a.policies.map((p) => p.cumulativeRegret)).toEqual(b.policies.map((p) => p.cumulativeRegret));
    for (const p of a.policies) {
      expect(p.cumulativeRegret.mean).toBeGreaterThan(0);
      expect(p.rewardRate.mean).toBeGreaterThan(0);
      expect(p.rewardRate.mean).toBeLessThan(1);
    }
  });
});
