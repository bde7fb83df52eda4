import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Length, writeUtf8 } from '../../src/shared/utf8';

/** Any UTF-16 unit, lone surrogates included, and whole code points. */
const unit = fc.oneof(fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), fc.constantFrom('a', 'é', '✓', '😀', '\ud800', '\udc00'));
const anyString = fc.string({ unit, maxLength: 80 });

describe('utf8Length and writeUtf8', () => {
  it('count and write exactly the bytes Buffer does, for any string', () => {
    fc.assert(
      fc.property(anyString, fc.nat({ max: 8 }), (s, at) => {
        const expected = Buffer.from(s, 'utf8');
        expect(utf8Length(s)).toBe(expected.length);
        const buf = Buffer.alloc(at + s.length * 3);
        const end = writeUtf8(buf, at, s);
        expect(end - at).toBe(expected.length);
        expect(buf.subarray(at, end).equals(expected)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes a lone surrogate as U+FFFD and a pair as one 4-byte code point', () => {
    const buf = Buffer.alloc(16);
    expect(writeUtf8(buf, 0, '\ud83d')).toBe(3);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbf, 0xbd]);
    expect(writeUtf8(buf, 0, '😀')).toBe(4);
    expect([...buf.subarray(0, 4)]).toEqual([0xf0, 0x9f, 0x98, 0x80]);
  });
});
