import { parse, stringify, validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { decisionTime, isDecisionId, newDecisionId } from '../../src/decisions/id';

describe('decision ids', () => {
  it('are unique and strictly increasing over 100k ids', () => {
    const ids: string[] = [];
    for (let i = 0; i < 100_000; i++) ids.push(newDecisionId());
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) {
      if (!(ids[i - 1]! < ids[i]!)) throw new Error(`ids out of order at ${i}: ${ids[i - 1]} >= ${ids[i]}`);
    }
    expect(ids.every(isDecisionId)).toBe(true);
  });

  it('are the text uuid itself writes for their bytes: lower-case hex, 8-4-4-4-12, version 7', () => {
    for (let i = 0; i < 20_000; i++) {
      const id = newDecisionId();
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
      expect(stringify(parse(id))).toBe(id);
    }
  });

  it('carry their creation time', () => {
    const before = Date.now();
    const id = newDecisionId();
    const after = Date.now();
    const t = decisionTime(id);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(after);
  });

  it('rejects what is not a decision id', () => {
    expect(() => decisionTime('nope')).toThrow(RangeError);
    expect(() => decisionTime(5 as unknown as string)).toThrow(TypeError);
    expect(isDecisionId('00000000-0000-4000-8000-000000000000')).toBe(false);
  });
});
