import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeatureLoadError, loadSnapshot } from '../../src/features/loader';
import { openFeatureReader } from '../../src/features/store';
import { demoFeaturesCsv, generateDemoFeatures, loadDemoFeatures } from '../../src/features/demo';
import type { FeatureReader } from '../../src/features/types';
import { OBD_MEN_CSV } from '../support/obd';

const OBD_EVENTS = ['timestamp', 'item_id', 'position', 'click', 'propensity_score'];
const HOOK = resolve(__dirname, '..', 'support', 'ts-register.cjs');
const STORE = resolve(__dirname, '../../src/features/store.ts');

let dir: string;
let readers: FeatureReader[] = [];
const reader = (): FeatureReader => {
  const r = openFeatureReader(dir, { checkIntervalMs: 0 });
  readers.push(r);
  return r;
};
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nudge-features-'));
});
afterEach(() => {
  for (const r of readers) r.close();
  readers = [];
  rmSync(dir, { recursive: true, force: true });
});

describe('loadSnapshot + reader', () => {
  it('serves defaults before any load', () => {
    const r = reader();
    const out = new Float64Array(4).fill(9);
    expect(r.read('c1', out)).toBe(false);
    expect(r.snapshotId).toBe('');
    expect(r.schema.fields).toEqual([]);
  });

  it('loads a small CSV and reads it back', async () => {
    const csv = file('a.csv', 'customer_id,tier,spend\nc1,gold,10.5\nc2,silver,3\nc3,gold,\n');
    const rep = await loadSnapshot({ dataDir: dir, file: csv });
    expect(rep).toMatchObject({ rows: 3, badRows: 0, duplicates: 0 });
    const r = reader();
    expect(r.snapshotId).toBe(rep.snapshotId);
    const out = new Float64Array(2);
    expect(r.read('c1', out)).toBe(true);
    expect([r.value(out, 0), r.value(out, 1)]).toEqual(['gold', 10.5]);
    expect(r.read('c3', out)).toBe(true);
    expect(r.value(out, 1)).toBe(0);
    expect(r.read('nobody', out)).toBe(false);
    expect([r.value(out, 0), r.value(out, 1)]).toEqual(['', 0]);
  });

  it('loads NDJSON, later duplicate wins', async () => {
    const nd = file('a.ndjson', ['{"customer_id":"u1","age":30,"seg":"a"}', '{"customer_id":"u2","age":"41","seg":"b"}', '{"customer_id":"u1","age":31,"seg":"c"}', ''].join('\n'));
    const rep = await loadSnapshot({ dataDir: dir, file: nd });
    expect(rep).toMatchObject({ rows: 2, badRows: 0, duplicates: 1 });
    const r = reader();
    const out = new Float64Array(2);
    expect(r.read('u1', out)).toBe(true);
    expect([r.value(out, 0), r.value(out, 1)]).toEqual([31, 'c']);
    expect(r.read('u2', out) && r.value(out, 0)).toBe(41);
  });

  it('reports bad rows with line numbers and skips them', async () => {
    const lines = ['customer_id,x,k'];
    for (let i = 0; i < 1200; i++) lines.push(`c${i},${i},k${i % 3}`);
    lines[10] = 'c9,1'; // line 11
    lines[20] = ',5,k1'; // line 21
    // Past the 1000-row inference sample, so x is inferred as a number.
    lines[1100] = 'c1099,notanumber,k0'; // line 1101
    const bad: [number, string][] = [];
    const rep = await loadSnapshot({ dataDir: dir, file: file('b.csv', lines.join('\n')), onBadRow: (l, p) => bad.push([l, p]) });
    expect(rep.rows).toBe(1197);
    expect(rep.badRows).toBe(3);
    expect(bad.map((b) => b[0])).toEqual([11, 21, 1101]);
    expect(bad[0][1]).toBe('expected 3 columns, found 2');
    expect(bad[1][1]).toMatch(/missing customer id/);
    expect(bad[2][1]).toMatch(/"x" must be a number/);
    const r = reader();
    expect(r.read('c9', new Float64Array(2))).toBe(false);
    expect(r.read('c1099', new Float64Array(2))).toBe(false);
    expect(r.read('c1098', new Float64Array(2))).toBe(true);
  });

  it('fails past the threshold, swaps nothing, and keeps serving the old snapshot', async () => {
    const good = await loadSnapshot({ dataDir: dir, file: file('g.csv', 'customer_id,x\na,1\nb,2\n') });
    const r = reader();
    // A schema file: inference would (rightly) make a column with text in its sample a category.
    const schemaFile = file('s.json', JSON.stringify({ fields: [{ name: 'x', type: 'number', default: 0 }] }));
    const lines = ['customer_id,x', ...Array.from({ length: 50 }, (_, i) => `c${i},${i % 5 === 0 ? 'bad' : i}`)];
    await expect(loadSnapshot({ dataDir: dir, file: file('bad.csv', lines.join('\n')), schemaFile, maxBadRows: 5 })).rejects.toBeInstanceOf(FeatureLoadError);
    await expect(loadSnapshot({ dataDir: dir, file: file('bad.csv', lines.join('\n')), schemaFile, maxBadRatio: 0.1 })).rejects.toThrow(/maxBadRatio/);
    await tick();
    const out = new Float64Array(1);
    expect(r.read('b', out)).toBe(true);
    expect(out[0]).toBe(2);
    expect(r.snapshotId).toBe(good.snapshotId);
    expect(reader().snapshotId).toBe(good.snapshotId);
  });

  it('loads the OBD men.csv with the event columns excluded', async () => {
    const rep = await loadSnapshot({ dataDir: dir, file: OBD_MEN_CSV, exclude: OBD_EVENTS });
    expect(rep).toMatchObject({ rows: 10_000, badRows: 0 });
    const fields = rep.schema.fields;
    expect(fields.length).toBe(4 + 34);
    expect(fields.slice(0, 4).every((f) => f.type === 'category')).toBe(true);
    expect(fields.slice(4).every((f) => f.type === 'number')).toBe(true);
    const r = reader();
    const out = new Float64Array(fields.length);
    // Row 0 of the file: index 0, user_feature_2 = 7bc94a2d..., all affinities 0.
    expect(r.read('0', out)).toBe(true);
    expect(r.value(out, r.schema.index.get('user_feature_2') as number)).toBe('7bc94a2da491829b777c49c4b5e480f2');
    expect(r.value(out, r.schema.index.get('user-item_affinity_0') as number)).toBe(0);
    expect(r.read('9999', out)).toBe(true);
    expect(r.read('10000', out)).toBe(false);
  });

  it('a reader sees a new snapshot after a swap, and old ones are dropped after the grace period', async () => {
    const first = await loadSnapshot({ dataDir: dir, file: file('1.csv', 'customer_id,x\na,1\n') });
    const r = reader();
    const out = new Float64Array(2);
    expect(r.read('a', out) && out[0]).toBe(1);
    const second = await loadSnapshot({ dataDir: dir, file: file('2.csv', 'customer_id,x,k\na,2,z\n'), graceMs: 0 });
    await tick();
    expect(r.read('a', out)).toBe(true);
    expect(r.snapshotId).toBe(second.snapshotId);
    expect([r.value(out, 0), r.value(out, 1)]).toEqual([2, 'z']);
    const third = await loadSnapshot({ dataDir: dir, file: file('3.csv', 'customer_id,x\na,3\n'), graceMs: 0 });
    expect(third.dropped).toEqual([first.snapshotId]);
    await tick();
    expect(r.read('a', out) && out[0]).toBe(3);
  });

  it('reads from a worker thread', async () => {
    await loadDemoFeatures(dir, 1000);
    const code = `
      require(${JSON.stringify(HOOK)});
      const { parentPort, workerData } = require('node:worker_threads');
      const { openFeatureReader } = require(${JSON.stringify(STORE)});
      const r = openFeatureReader(workerData.dir);
      const out = new Float64Array(r.schema.fields.length);
      const got = ['c0000', 'c0999', 'zz'].map((id) => [r.read(id, out), r.value(out, 0), out[1]]);
      r.close();
      parentPort.postMessage(got);`;
    const w = new Worker(code, { eval: true, workerData: { dir } });
    const got = await new Promise<unknown>((res, rej) => {
      w.once('message', res);
      w.once('error', rej);
    });
    await w.terminate();
    const rows = generateDemoFeatures(1000, 42);
    expect(got).toEqual([
      [true, rows[0].spend_personality, rows[0].recency_days],
      [true, rows[999].spend_personality, rows[999].recency_days],
      [false, '', 0],
    ]);
  });

  it('lookups never fail while a new snapshot is loaded and swapped', async () => {
    await loadDemoFeatures(dir, 2000, 1);
    const r = reader();
    const out = new Float64Array(5);
    let misses = 0;
    let reads = 0;
    let loading = true;
    const next = file('next.csv', demoFeaturesCsv(generateDemoFeatures(2000, 2)));
    const done = loadSnapshot({ dataDir: dir, file: next }).finally(() => {
      loading = false;
    });
    const before = r.snapshotId;
    while (loading) {
      for (let i = 0; i < 500; i++) {
        reads++;
        if (!r.read(`c${String(i * 3).padStart(4, '0')}`, out)) misses++;
      }
      await new Promise((res) => setImmediate(res));
    }
    const rep = await done;
    await tick();
    for (let i = 0; i < 500; i++) if (!r.read(`c${String(i * 3).padStart(4, '0')}`, out)) misses++;
    expect(reads).toBeGreaterThan(0);
    expect(misses).toBe(0);
    expect(r.snapshotId).not.toBe(before);
    expect(r.snapshotId).toBe(rep.snapshotId);
  });

  it('checks options', async () => {
    await expect(loadSnapshot({ dataDir: dir, file: 'x.csv', maxBadRows: -1 })).rejects.toThrow('options.maxBadRows must be a non-negative integer');
    await expect(loadSnapshot({ dataDir: dir, file: file('e.csv', 'customer_id,x\na,1\n'), exclude: ['nope'] })).rejects.toThrow(/options.exclude names columns/);
    expect(() => openFeatureReader(dir, { checkIntervalMs: -1 })).toThrow(RangeError);
  });
});
