import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSchema, decodeValue, encodeValue, fromStoredSchema, inferSchema, readSchemaFile, toStoredSchema, validateSchema } from '../../src/features/schema';
import { CsvSplitter, parseQuotedLine } from '../../src/features/csv';
import { featureContext, featureValue, toRuleData } from '../../src/features/context';
import { generateDemoFeatures } from '../../src/features/demo';

describe('schema', () => {
  it('infers numbers and categories from a sample', () => {
    const s = inferSchema(['a', 'b', 'c', 'd'], [
      ['1', 'x', '', '2.5'],
      ['2', '3', '', 'abc'],
      ['', 'y', '', '1e3'],
    ]);
    expect(s.fields).toEqual([
      { name: 'a', type: 'number', default: 0 },
      { name: 'b', type: 'category', default: '' },
      { name: 'c', type: 'category', default: '' },
      { name: 'd', type: 'category', default: '' },
    ]);
  });

  it('encodes and decodes a record, growing dictionaries', () => {
    const c = compileSchema({ fields: [{ name: 'n', type: 'number', default: 7 }, { name: 'k', type: 'category', default: 'none' }] });
    expect([...c.defaults]).toEqual([7, 0]);
    const rec = new Float64Array(2);
    expect(encodeValue(c, 0, '3.5', rec)).toBeNull();
    expect(encodeValue(c, 1, 'saver', rec)).toBeNull();
    expect([...rec]).toEqual([3.5, 1]);
    expect(decodeValue(c, rec, 0)).toBe(3.5);
    expect(decodeValue(c, rec, 1)).toBe('saver');
    expect(encodeValue(c, 0, 'abc', rec)).toMatch(/column "n" must be a number/);
    expect(encodeValue(c, 0, '', rec)).toBeNull();
    expect(rec[0]).toBe(7);
    const back = fromStoredSchema(JSON.parse(JSON.stringify(toStoredSchema(c))));
    expect(back.categories[1]).toEqual(['none', 'saver']);
    expect(back.dictionaries[1]?.get('saver')).toBe(1);
  });

  it('validates and reads schema files (JSON and YAML)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nudge-schema-'));
    writeFileSync(join(dir, 's.yaml'), 'fields:\n  - {name: a, type: number, default: 1}\n  - {name: b, type: category}\n');
    expect(readSchemaFile(join(dir, 's.yaml')).fields).toEqual([
      { name: 'a', type: 'number', default: 1 },
      { name: 'b', type: 'category', default: '' },
    ]);
    expect(() => validateSchema({ fields: [{ name: 'a', type: 'bool' }] })).toThrow(RangeError);
    expect(() => validateSchema({ fields: [{ name: 'a', type: 'number', default: 'x' }] })).toThrow(TypeError);
    expect(() => validateSchema({ fields: [{ name: 'a', type: 'number' }, { name: 'a', type: 'number' }] })).toThrow(/used twice/);
  });
});

describe('csv splitter', () => {
  it('splits records across chunks, with quotes, CRLF and quoted newlines', () => {
    const got: [string[], number][] = [];
    const s = new CsvSplitter();
    const sink = (f: string[], l: number): void => {
      got.push([f, l]);
    };
    s.push('id,name\r\n1,"a,b"\r\n2,"multi', sink);
    s.push('\nline"\n\n3,"say ""hi"""\n4,plain', sink);
    s.end(sink);
    expect(got).toEqual([
      [['id', 'name'], 1],
      [['1', 'a,b'], 2],
      [['2', 'multi\nline'], 3],
      [['3', 'say "hi"'], 6],
      [['4', 'plain'], 7],
    ]);
    expect(parseQuotedLine('"",x,""')).toEqual(['', 'x', '']);
  });
});

describe('context overrides', () => {
  const c = compileSchema({ fields: [{ name: 'n', type: 'number', default: 0 }, { name: 'k', type: 'category', default: '' }] }, [null, ['', 'saver', 'spender']]);
  const rec = Float64Array.from([5, 1]);

  it('applies known, unknown and extra keys without touching the record', () => {
    const v = featureContext(c, rec, { n: '9', k: 'gambler', channel: 'app' });
    expect([...rec]).toEqual([5, 1]);
    expect(v.record[0]).toBe(9);
    expect(v.record[1]).toBe(-1);
    expect(featureValue(c, v, 1)).toBe('gambler');
    expect(v.extra).toEqual({ channel: 'app' });
    const w = featureContext(c, rec, { n: 'oops', k: 'spender' }, new Float64Array(2));
    expect(w.record[0]).toBe(5);
    expect(featureValue(c, w, 1)).toBe('spender');
    expect(w.raw).toBeNull();
  });

  it('builds rule data with fields and extra context keys', () => {
    expect(toRuleData(c, rec, { channel: 'web' })).toEqual({ n: 5, k: 'saver', channel: 'web' });
    expect(toRuleData(c, rec, null)).toEqual({ n: 5, k: 'saver' });
  });
});

describe('demo features', () => {
  it('is deterministic and in range', () => {
    const a = generateDemoFeatures(500, 7);
    expect(generateDemoFeatures(500, 7)).toEqual(a);
    expect(a[0].customer_id).toBe('c0000');
    for (const r of a) {
      expect(['saver', 'spender', 'balanced']).toContain(r.spend_personality);
      expect(r.risk_aversion).toBeGreaterThanOrEqual(0);
      expect(r.loss_aversion).toBeLessThanOrEqual(1);
    }
    expect(new Set(a.map((r) => r.spend_personality)).size).toBe(3);
  });
});
