import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { open, type RootDatabase } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RowBatch, RowEncoder, fastNumber } from '../../src/features/rows';
import { sortedOrder, writeBatch } from '../../src/features/batch';
import { makePlan } from '../../src/features/plan';
import { loadSnapshot } from '../../src/features/loader';
import { openFeatureReader } from '../../src/features/store';

const SEED = 20261123;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nudge-fastload-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const numberText = fc.oneof(
  fc.tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,18}$/), fc.option(fc.stringMatching(/^[0-9]{0,18}$/))).map(
    ([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}`,
  ),
  fc.double({ noNaN: true }).map(String),
  fc.constantFrom('.5', '-.5', '1.', '.', '-', '+1', '1e3', ' 1', '0x10', '1.2.3', '-0', 'Infinity', '00012.5000'),
);

describe('fastNumber', () => {
  it('equals Number() whenever it answers, and answers for plain decimals of up to 15 digits', () => {
    fc.assert(
      fc.property(numberText, (t) => {
        const v = fastNumber(`x,${t},y`, 2, 2 + t.length);
        if (!Number.isNaN(v)) expect(Object.is(v, Number(t))).toBe(true);
        const digits = t.replace(/[^0-9]/g, '').length;
        if (/^-?[0-9]*\.?[0-9]*$/.test(t) && digits > 0 && digits <= 15) expect(Number.isNaN(v)).toBe(false);
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });
});

describe('RowEncoder.csvLine', () => {
  const columns = ['customer_id', 'tier', 'spend', 'skip', 'visits'];
  const cell = fc.oneof(fc.constantFrom('', 'gold', 'silver', '1.5', '-2', '3e2', 'x', ' 4', '0.125'), fc.stringMatching(/^[a-z0-9.]{0,6}$/));
  const line = fc.oneof(
    fc.array(cell, { minLength: 5, maxLength: 5 }),
    fc.array(cell, { minLength: 1, maxLength: 8 }),
  ).map((cells) => cells.join(','));

  it('gives the same records and the same problems as the split path', () => {
    const sample = [['c1', 'gold', '1', 'a', '2']];
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const mk = (): RowEncoder => {
          const plan = makePlan({ columns, sample, exclude: ['skip'], requireColumns: true });
          return new RowEncoder(plan, new RowBatch(plan.schema.fields.length, 1));
        };
        const fast = mk();
        const slow = mk();
        for (const l of lines) {
          expect(fast.csvLine(l)).toBe(slow.csvFields(l.split(',')));
        }
        expect(fast.batch.ids).toEqual(slow.batch.ids);
        // Compared as rules see them: a bad row may have grown a dictionary in a different order.
        const decoded = (e: RowEncoder): unknown[] => {
          const { records, count, width } = e.batch;
          const cats = e.plan.compiled.categories;
          return Array.from({ length: count * width }, (_, k) => {
            const c = cats[k % width];
            return c === null ? records[k] : c[records[k]];
          });
        };
        expect(decoded(fast)).toEqual(decoded(slow));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('writeBatch', () => {
  let env: RootDatabase;
  afterEach(async () => {
    await env.close();
  });

  it('stores every id whatever its order, the later duplicate winning, across batches', () => {
    env = open({ path: join(dir, 'db'), maxDbs: 4 });
    const db = env.openDB<Buffer, string>('s', { encoding: 'binary' });
    // UTF-16 order puts the astral character first, LMDB's UTF-8 byte order puts it last: the
    // append must be refused and the row still stored.
    const first = ['m', '\u{1F600}', 'b', '\uE000', 'b', 'a', 'z'];
    const second = ['c', 'a', 'zz', '\uE000'];
    const expected = new Map<string, number>();
    const fill = (ids: string[], base: number): RowBatch => {
      const batch = new RowBatch(2, 1);
      ids.forEach((id, i) => {
        const off = batch.next();
        batch.records[off] = base + i;
        batch.records[off + 1] = -(base + i);
        batch.add(id);
        expected.set(id, base + i);
      });
      return batch;
    };
    writeBatch(env, db, fill(first, 0));
    writeBatch(env, db, fill(second, 100));
    expect(db.getStats()).toMatchObject({ entryCount: expected.size });
    for (const [id, v] of expected) {
      const buf = db.getBinary(id) as Buffer;
      expect([buf.readDoubleLE(0), buf.readDoubleLE(8)]).toEqual([v, -v]);
    }
  });

  it('sortedOrder is stable for equal ids', () => {
    expect(sortedOrder(['b', 'a', 'b', 'a'])).toEqual([1, 3, 0, 2]);
    expect(sortedOrder(['a', 'b', 'c'])).toEqual([0, 1, 2]);
  });
});

describe('loadSnapshot fast path end to end', () => {
  it('mixes quoted and plain lines, CRLF, duplicates and bad rows', async () => {
    // 1000 filler rows fill the sample, so the rows under test take the unsplit fast path.
    const filler = Array.from({ length: 1000 }, (_, i) => `f${i},gold,${i}`);
    const text = [
      'customer_id,tier,spend',
      ...filler,
      'c2,gold,1.25',
      'c1,"sil,ver",2',
      'c3,gold,abc',
      'c1,bronze,-0.5\r',
      ',gold,1',
      'c4,gold',
      'c0,,',
    ].join('\n');
    const file = join(dir, 'a.csv');
    writeFileSync(file, text);
    const bad: [number, string][] = [];
    const schemaFile = join(dir, 'schema.json');
    writeFileSync(schemaFile, JSON.stringify({ fields: [{ name: 'tier', type: 'category' }, { name: 'spend', type: 'number' }] }));
    const rep = await loadSnapshot({ dataDir: dir, file, schemaFile, maxBadRatio: 1, onBadRow: (l, p) => bad.push([l, p]) });
    expect(rep).toMatchObject({ rows: 1003, badRows: 3, duplicates: 1 });
    expect(bad).toEqual([
      [1004, 'column "spend" must be a number, got "abc"'],
      [1006, 'missing customer id (column "customer_id")'],
      [1007, 'expected 3 columns, found 2'],
    ]);
    const r = openFeatureReader(dir, { checkIntervalMs: 0 });
    try {
      const out = new Float64Array(2);
      const row = (id: string): unknown[] => (r.read(id, out) ? [r.value(out, 0), r.value(out, 1)] : []);
      expect(row('c1')).toEqual(['bronze', -0.5]);
      expect(row('c2')).toEqual(['gold', 1.25]);
      expect(row('c0')).toEqual(['', 0]);
      expect(row('c3')).toEqual([]);
    } finally {
      r.close();
    }
  });

  it('a reader with an interval picks up a swap once the interval has passed', async () => {
    const file = join(dir, 'a.csv');
    writeFileSync(file, 'customer_id,x\nc1,1\n');
    await loadSnapshot({ dataDir: dir, file });
    const r = openFeatureReader(dir, { checkIntervalMs: 20 });
    try {
      const out = new Float64Array(1);
      expect(r.read('c1', out)).toBe(true);
      expect(out[0]).toBe(1);
      writeFileSync(file, 'customer_id,x\nc1,2\n');
      const rep = await loadSnapshot({ dataDir: dir, file });
      await new Promise((res) => setTimeout(res, 60));
      expect(r.read('c1', out)).toBe(true);
      expect(out[0]).toBe(2);
      expect(r.snapshotId).toBe(rep.snapshotId);
    } finally {
      r.close();
    }
  });
});
