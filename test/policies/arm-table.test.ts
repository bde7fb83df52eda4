import { describe, expect, it } from 'vitest';
import {
  ArmsScratch,
  armTableWords,
  createArmTable,
  decayTable,
  gatherArms,
  setPrior,
  withSlots,
} from '../../src/policies/arm-table';
import { createPolicy } from '../../src/policies';
import { ctxOf, seededKernel } from './helpers';

describe('arm table', () => {
  it('lays meta, alpha, beta, priorAlpha, priorBeta over caller memory without writing it', () => {
    expect(armTableWords(3)).toBe(4 + 12);
    const mem = new Float64Array(new SharedArrayBuffer(8 * armTableWords(3)));
    mem.fill(7);
    const t = createArmTable(mem, 2, 3);
    expect(Array.from(mem)).toEqual(new Array(16).fill(7));
    t.alpha[0] = 1;
    t.beta[0] = 2;
    t.priorAlpha[0] = 3;
    t.priorBeta[0] = 4;
    t.meta[1] = 9;
    expect(mem[4]).toBe(1);
    expect(mem[4 + 3]).toBe(2);
    expect(mem[4 + 6]).toBe(3);
    expect(mem[4 + 9]).toBe(4);
    expect(mem[1]).toBe(9);
    expect(t.k).toBe(2);
  });

  it('checks its arguments', () => {
    expect(() => createArmTable(new Float64Array(10), 1, 3)).toThrow(
      new RangeError('memory must hold at least armTableWords(3) = 16 Float64 words'),
    );
    expect(() => createArmTable(new Float64Array(16), 4, 3)).toThrow(new RangeError('k must be an integer between 0 and capacity'));
    expect(() => createArmTable([] as unknown as Float64Array, 1, 3)).toThrow(new TypeError('memory must be a Float64Array'));
    expect(() => armTableWords(-1)).toThrow(new RangeError('capacity must be an integer >= 0'));
    const t = createArmTable(new Float64Array(16), 2, 3);
    expect(() => setPrior(t, 2, 1, 1)).toThrow(new RangeError('slot must be an integer between 0 and 1'));
    expect(() => setPrior(t, 0, 0, 1)).toThrow(new RangeError('prior alpha and beta must be numbers > 0'));
    expect(() => decayTable(t, 1.5)).toThrow(new RangeError('factor must be a number between 0 and 1'));
  });

  it('setPrior resets a slot to its prior and bumps the version', () => {
    const t = createArmTable(new Float64Array(armTableWords(4)), 1, 4);
    setPrior(t, 0, 2, 3);
    expect([t.alpha[0], t.beta[0], t.priorAlpha[0], t.priorBeta[0], t.meta[1]]).toEqual([2, 3, 2, 3, 1]);
    t.alpha[0] = 20;
    setPrior(t, 0, 2, 3);
    expect(t.alpha[0]).toBe(2);
    expect(t.meta[1]).toBe(2);
  });

  it('decayTable shrinks evidence toward the prior', () => {
    const t = createArmTable(new Float64Array(armTableWords(2)), 2, 2);
    setPrior(t, 0, 1, 1);
    setPrior(t, 1, 2, 5);
    t.alpha[0] = 11; // 10 successes
    t.beta[0] = 5; // 4 failures
    t.alpha[1] = 4;
    t.beta[1] = 5;
    decayTable(t, 0.5);
    expect([t.alpha[0], t.beta[0], t.alpha[1], t.beta[1]]).toEqual([6, 3, 3, 5]);
  });

  it('offers added live: a new slot starts at its prior, the old ones keep their state', () => {
    const mem = new Float64Array(armTableWords(4));
    let t = createArmTable(mem, 2, 4);
    setPrior(t, 0, 1, 1);
    setPrior(t, 1, 1, 1);
    const policy = createPolicy('thompson');
    for (let i = 0; i < 30; i++) policy.update(t, 0, 1, 1000 + i);
    // the slot's memory held garbage from an earlier offer
    mem[4 + 2] = 99;
    t = withSlots(t, 3);
    setPrior(t, 2, 3, 7);
    expect([t.alpha[2], t.beta[2]]).toEqual([3, 7]);
    expect(t.alpha[0]).toBe(31);
    const scratch = new ArmsScratch();
    // the request's eligible set: offer in slot 2, offer in slot 0, and one not in the table yet
    const v = gatherArms(
      t,
      { slots: [2, 0, -1], priorAlpha: [3, 1, 4], priorBeta: [7, 1, 6], boosts: [1, 2, 1], cacheKey: 'c|s|x' },
      scratch,
    );
    expect(v.k).toBe(3);
    expect(Array.from(v.alpha)).toEqual([3, 31, 4]);
    expect(Array.from(v.beta)).toEqual([7, 1, 6]);
    expect(Array.from(v.priorAlpha)).toEqual([3, 1, 4]);
    expect(Array.from(v.weights)).toEqual([1, 1, 1]);
    expect(Array.from(v.boosts)).toEqual([1, 2, 1]);
    expect(v.version).toBe(t.meta[1]);
    expect(v.cacheKey).toBe('c|s|x');
    const r = policy.rank(v, 3, ctxOf(seededKernel(1)));
    expect(r.map((x) => x.index).sort()).toEqual([0, 1, 2]);
    expect(() => gatherArms(t, { slots: [3], cacheKey: 'x' }, scratch)).toThrow(
      new RangeError('slots[0] must be -1 or an integer between 0 and 2'),
    );
  });

  it('gatherArms reuses the scratch arrays for the same k', () => {
    const t = createArmTable(new Float64Array(armTableWords(2)), 2, 2);
    setPrior(t, 0, 1, 1);
    setPrior(t, 1, 1, 1);
    const s = new ArmsScratch();
    const a = gatherArms(t, { slots: [0, 1], cacheKey: 'a' }, s);
    const b = gatherArms(t, { slots: [1, 0], cacheKey: 'a' }, s);
    expect(b.alpha).toBe(a.alpha);
  });
});
