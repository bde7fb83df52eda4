import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { armTableWords, createArmTable, createPolicy, POLICY_NAMES, setPrior } from '../../src/policies';
import type { ArmTable } from '../../src/policies/types';
import { OutcomeBuffer, sumsAreExact } from '../../src/sim/outcomes';
import { Rng } from '../../src/sim/rng';
import { parseScenario } from '../../src/sim/scenario';
import { simulate } from '../../src/sim/simulate';

/**
 * The simulator may apply a feedback window as per-arm sums instead of one policy.update per
 * outcome. That is only allowed where it changes nothing: these tests compare the two paths bit for
 * bit, and check that decayed policies keep the per-outcome path.
 */

function table(k: number, pa: number, pb: number): ArmTable {
  const t = createArmTable(new Float64Array(armTableWords(k)), k, k);
  for (let i = 0; i < k; i++) setPrior(t, i, pa, pb);
  return t;
}

/** A window op: an outcome (arm, reward), or the retirement of an arm (drop + setPrior). */
type Op = { kind: 'outcome'; arm: number; reward: number } | { kind: 'churn'; arm: number };

const K = 5;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 20, arbitrary: fc.record({ kind: fc.constant('outcome' as const), arm: fc.integer({ min: 0, max: K - 1 }), reward: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('churn' as const), arm: fc.integer({ min: 0, max: K - 1 }) }) },
);

/** Replays windows of ops into a buffer the way runOne does; returns the table's words. */
function replay(windows: Op[][], aggregate: boolean, spec: { name: string; pa: number; pb: number }): Float64Array {
  const policy = createPolicy(spec.name, {});
  const t = table(K, spec.pa, spec.pb);
  const cap = Math.max(K, ...windows.map((w) => w.length));
  const buf = new OutcomeBuffer(cap, K, aggregate);
  expect(buf.sums).toBe(aggregate);
  let now = 1;
  for (const w of windows) {
    for (const op of w) {
      if (op.kind === 'churn') {
        setPrior(t, op.arm, spec.pa, spec.pb);
        buf.drop(op.arm);
      } else if (buf.sums) {
        buf.count[op.arm] += 1;
        buf.successes[op.arm] += op.reward;
      } else {
        buf.arm[buf.n] = op.arm;
        buf.reward[buf.n++] = op.reward;
      }
      now++;
    }
    buf.flush(t, policy, now);
  }
  return Float64Array.from([t.meta[0], t.meta[1], ...t.alpha, ...t.beta]);
}

describe('feedback windows as per-arm sums', () => {
  it('leave the table bit for bit as per-outcome Policy.update does, for every policy without decay', () => {
    for (const name of POLICY_NAMES) {
      fc.assert(
        fc.property(
          fc.array(fc.array(opArb, { maxLength: 40 }), { maxLength: 8 }),
          fc.constantFrom([1, 1], [0.5, 0.5], [2.25, 7], [1 / 4096, 3]),
          (windows, [pa, pb]) => {
            expect(sumsAreExact(name, {}, [pa, pb], 1e6)).toBe(true);
            const spec = { name, pa, pb };
            expect(replay(windows, true, spec)).toEqual(replay(windows, false, spec));
          },
        ),
        { seed: 42, numRuns: 60 },
      );
    }
  });

  it('are refused where they would not be exact: decay, non-dyadic priors, counts past 2^40', () => {
    expect(sumsAreExact('thompson', {}, [1, 1], 1e6)).toBe(true);
    expect(sumsAreExact('thompson', { halfLife: 10000 }, [1, 1], 1e6)).toBe(false);
    expect(sumsAreExact('ucb1', { halfLife: 5, halfLifeUnit: 'ms' }, [1, 1], 1e6)).toBe(false);
    expect(sumsAreExact('thompson', {}, [0.1, 1], 1e6)).toBe(false);
    expect(sumsAreExact('thompson', {}, [1, 1], 2 ** 40)).toBe(false);
    // Too many arms for the window: a flush would scan k arms for fewer outcomes.
    expect(new OutcomeBuffer(10, 11, true).sums).toBe(false);
  });

  it('sums differ from the decayed per-outcome path (so the guard above matters)', () => {
    const windows: Op[][] = [[{ kind: 'outcome', arm: 0, reward: 1 }, { kind: 'outcome', arm: 1, reward: 0 }, { kind: 'outcome', arm: 0, reward: 1 }]];
    const decayed = createPolicy('thompson', { halfLife: 2 });
    const t = table(K, 1, 1);
    for (const op of windows[0]) if (op.kind === 'outcome') decayed.update(t, op.arm, op.reward, 1);
    expect(t.alpha[0]).not.toBe(replay(windows, true, { name: 'thompson', pa: 1, pb: 1 })[2]);
  });

  it('give the same simulation report as per-outcome updates (churn, drift, several delays)', () => {
    for (const feedbackDelay of [1, 7, 100]) {
      const scenario = parseScenario({
        name: 'sums-vs-updates',
        seed: 11,
        runs: 2,
        horizon: 6000,
        arms: { count: 6, rateDistribution: { beta: [2, 5] } },
        churn: 0.003,
        feedbackDelay,
        drift: [{ at: 3000, rates: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] }],
        policies: ['thompson', 'ucb1', 'epsilon-greedy:epsilon=0.1', 'thompson:halfLife=300'],
      });
      const strip = (r: ReturnType<typeof simulate>): unknown =>
        r.policies.map((p) => ({ regret: p.cumulativeRegret, reward: p.rewardRate, curve: p.curve }));
      expect(strip(simulate(scenario))).toEqual(strip(simulate(scenario, { perOutcomeUpdates: true })));
    }
  });
});

describe('Rng.fill', () => {
  it('writes the values uniform() would return, and leaves the stream where they would', () => {
    const a = new Rng(3, 1, 2);
    const b = new Rng(3, 1, 2);
    const out = new Float64Array(1000);
    a.fill(out, 999);
    for (let i = 0; i < 999; i++) expect(out[i]).toBe(b.uniform());
    expect(out[999]).toBe(0);
    expect(a.uniform()).toBe(b.uniform());
  });
});
