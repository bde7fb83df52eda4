import { describe, expect, it } from 'vitest';
import { armTableWords, createArmTable, setPrior } from '../../src/policies/arm-table';
import { createPolicy } from '../../src/policies';
import { POLICY_NAMES } from '../../src/policies/names';

function table(k: number) {
  const t = createArmTable(new Float64Array(armTableWords(k)), k, k);
  for (let i = 0; i < k; i++) setPrior(t, i, 1, 1);
  return t;
}

describe('Beta update and decay', () => {
  it('adds clamped rewards, bumps the version, checks its arguments', () => {
    const t = table(2);
    const p = createPolicy('thompson');
    p.update(t, 0, 1, 0);
    p.update(t, 0, 0, 0);
    p.update(t, 1, 0.25, 0);
    p.update(t, 1, 7, 0); // clamped to 1
    p.update(t, 1, -3, 0); // clamped to 0
    expect([t.alpha[0], t.beta[0]]).toEqual([2, 2]);
    expect([t.alpha[1], t.beta[1]]).toEqual([2.25, 2.75]);
    expect(t.meta[1]).toBe(2 + 5);
    expect(() => p.update(t, 2, 1, 0)).toThrow(new RangeError('arm must be an integer between 0 and 1'));
    expect(() => p.update(t, 0, Number.NaN, 0)).toThrow(new RangeError('reward must be a number'));
  });

  it('events: after halfLife outcomes in the table, old evidence counts exactly half', () => {
    const h = 10;
    const t = table(2);
    const p = createPolicy('thompson', { halfLife: h, halfLifeUnit: 'events' });
    // old evidence on arm 0: 40 successes (decayed as it came in; reset to exactly 40 here)
    t.alpha[0] = 41;
    t.beta[0] = 1;
    for (let i = 0; i < h; i++) p.update(t, 1, 0, 0);
    expect(t.alpha[0] - 1).toBeCloseTo(20, 12);
    expect(t.beta[0]).toBe(1); // the prior never decays
    // arm 1 got h failures, each decayed by the ones after it: sum_{i<h} 2^(-i/h)
    let expected = 0;
    for (let i = 0; i < h; i++) expected += Math.pow(2, -i / h);
    expect(t.beta[1] - 1).toBeCloseTo(expected, 12);
    expect(t.alpha[1]).toBe(1);
    // and after 2 half-lives, a quarter
    for (let i = 0; i < h; i++) p.update(t, 1, 0, 0);
    expect(t.alpha[0] - 1).toBeCloseTo(10, 12);
  });

  it('ms: evidence halves per halfLife of elapsed time; the first update only records the time', () => {
    const t = table(1);
    const p = createPolicy('thompson', { halfLife: 1000, halfLifeUnit: 'ms' });
    p.update(t, 0, 1, 5000); // meta[0] was 0: no decay
    expect(t.meta[0]).toBe(5000);
    expect(t.alpha[0]).toBe(2);
    p.update(t, 0, 1, 6000); // 1 half-life later: 1 -> 0.5, + 1
    expect(t.alpha[0] - 1).toBeCloseTo(1.5, 12);
    p.update(t, 0, 0, 8000); // 2 half-lives: 1.5 -> 0.375
    expect(t.alpha[0] - 1).toBeCloseTo(0.375, 12);
    expect(t.beta[0] - 1).toBeCloseTo(1, 12);
    expect(t.meta[0]).toBe(8000);
    p.update(t, 0, 0, 7000); // clock went back: nothing decays, time is kept
    expect(t.alpha[0] - 1).toBeCloseTo(0.375, 12);
    expect(t.meta[0]).toBe(8000);
  });

  it('halfLife 0 (default) never decays', () => {
    const t = table(2);
    const p = createPolicy('thompson');
    t.alpha[0] = 41;
    for (let i = 0; i < 100; i++) p.update(t, 1, 1, i * 1e6);
    expect(t.alpha[0]).toBe(41);
  });

  it('every policy shares the update and accepts the decay parameters', () => {
    for (const name of POLICY_NAMES) {
      const t = table(1);
      const p = createPolicy(name, { halfLife: 1, halfLifeUnit: 'events' });
      p.update(t, 0, 1, 0);
      p.update(t, 0, 1, 0); // 1 -> 0.5, + 1
      expect(t.alpha[0] - 1, name).toBeCloseTo(1.5, 12);
    }
  });
});
