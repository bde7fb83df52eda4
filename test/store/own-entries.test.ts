import { describe, expect, it } from 'vitest';
import { OwnEntryIndex, ownEntry } from '../../src/store/own-entries';

describe('OwnEntryIndex', () => {
  it('finds entries of several objects in turn, adds any key as an own data property, and sees entries added beside it', () => {
    let made = 0;
    const index = new OwnEntryIndex(() => ({ n: ++made }));
    const a: Record<string, { n: number }> = {};
    const b: Record<string, { n: number }> = Object.create(null) as Record<string, { n: number }>;
    const x = index.get(a, '__proto__');
    expect(index.get(b, 'constructor')).not.toBe(x);
    expect(index.get(a, '__proto__')).toBe(x); // back to the first object: its own Map
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(Object.keys(a)).toEqual(['__proto__']);
    // An entry added to the object without the index is found through it, not made again.
    const direct = ownEntry(b, 'toString', () => ({ n: 100 }));
    expect(index.get(b, 'toString')).toBe(direct);
    expect(made).toBe(2);
  });
});
