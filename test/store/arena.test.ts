import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ArenaReader, ArenaWriter } from '../../src/store/arena';

const priors = (ids: string[]) => ids.map((id, i) => ({ id, priorAlpha: 1 + i, priorBeta: 10 + i }));

describe('ArenaWriter / ArenaReader', () => {
  it('creates tables at the priors and shows writes to readers at once', () => {
    const w = new ArenaWriter();
    w.syncOffers('c', priors(['a', 'b']));
    const t = w.ensureTable('c', 'seg');
    w.publish();
    expect([...t.alpha.subarray(0, 2)]).toEqual([1, 2]);
    expect([...t.beta.subarray(0, 2)]).toEqual([10, 11]);
    const r = new ArenaReader(w.handles);
    const e = r.arms('c', 'seg')!;
    expect(e.table.k).toBe(2);
    t.alpha[1] = 42;
    expect(e.table.alpha[e.slots.get('b')!]).toBe(42);
    // Cached views: the same entry object until the directory changes.
    expect(r.arms('c', 'seg')).toBe(e);
    expect(r.arms('c', 'nope')).toBeNull();
    expect(r.arms('nope', 'seg')).toBeNull();
  });

  it('grows a campaign past its capacity, keeping state, and readers follow', () => {
    const w = new ArenaWriter({ initialCapacity: 2, initialBytes: 256 });
    w.syncOffers('c', priors(['a', 'b']));
    const t = w.ensureTable('c', 's');
    t.alpha[0] = 7;
    w.publish();
    const r = new ArenaReader(w.handles);
    expect(r.arms('c', 's')!.table.alpha[0]).toBe(7);
    const ids = Array.from({ length: 50 }, (_, i) => `o${i}`);
    w.syncOffers('c', priors(['a', 'b', ...ids]).map((p, i) => (i < 2 ? { ...p, priorAlpha: 1 + i, priorBeta: 10 + i } : p)));
    w.publish();
    const e = r.arms('c', 's')!;
    expect(e.table.k).toBe(52);
    expect(e.table.alpha.length).toBeGreaterThanOrEqual(52);
    expect(e.table.alpha[e.slots.get('a')!]).toBe(7);
    expect(e.table.alpha[e.slots.get('o49')!]).toBe(52); // prior of the 52nd offer
    expect(w.arms('c', 's')!.table.alpha[0]).toBe(7);
    expect(w.handles.arena.byteLength).toBeGreaterThan(256);
  });

  it('checks its options and refuses to grow past maxBytes', () => {
    expect(() => new ArenaWriter({ initialCapacity: 0 })).toThrow('options.initialCapacity must be a positive integer');
    expect(() => new ArenaWriter({ maxBytes: '1' as unknown as number })).toThrow(TypeError);
    const w = new ArenaWriter({ maxBytes: 1024, initialCapacity: 4 });
    w.syncOffers('c', priors(['a']));
    // armTableWords(4) = 20 words = 160 bytes: six tables fit in 1024 bytes, the seventh does not.
    for (let i = 0; i < 6; i++) w.ensureTable('c', `s${i}`);
    expect(() => w.ensureTable('c', 's6')).toThrow(RangeError);
  });

  it('removes offers from the slot map and gives a returning offer its old slot', () => {
    const w = new ArenaWriter();
    w.syncOffers('c', priors(['a', 'b']));
    const t = w.ensureTable('c', 's');
    t.alpha[1] = 9;
    w.syncOffers('c', priors(['a']));
    expect([...w.arms('c', 's')!.slots.keys()]).toEqual(['a']);
    w.syncOffers('c', [...priors(['a']), { id: 'x', priorAlpha: 3, priorBeta: 3 }, { id: 'b', priorAlpha: 2, priorBeta: 11 }]);
    const e = w.arms('c', 's')!;
    expect(e.slots.get('b')).toBe(1);
    expect(e.slots.get('x')).toBe(2);
    expect(e.table.alpha[1]).toBe(9);
  });

  it('shifts evidence when a prior changes', () => {
    const w = new ArenaWriter();
    w.syncOffers('c', [{ id: 'a', priorAlpha: 1, priorBeta: 1 }]);
    const t = w.ensureTable('c', 's');
    t.alpha[0] = 4; // 3 successes
    w.syncOffers('c', [{ id: 'a', priorAlpha: 2, priorBeta: 5 }]);
    const e = w.arms('c', 's')!;
    expect(e.table.alpha[0]).toBe(5);
    expect(e.table.beta[0]).toBe(5);
    expect(e.table.priorAlpha[0]).toBe(2);
  });

  it('is read by a worker thread that sees posteriors written by the main thread', async () => {
    const w = new ArenaWriter();
    w.syncOffers('c', priors(['a', 'b']));
    w.ensureTable('c', 's');
    w.publish();
    const readerPath = join(__dirname, '../../src/store/arena-reader.ts');
    // Plain Node in the worker: ts-register.cjs compiles the TypeScript sources on require.
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      require(workerData.register);
      const { ArenaReader } = require(workerData.readerPath);
      const r = new ArenaReader(workerData.handles);
      parentPort.on('message', (m) => {
        const e = r.arms(m.campaign, m.segment);
        parentPort.postMessage(e ? { alpha: e.table.alpha[e.slots.get(m.offer)], k: e.table.k } : null);
      });`;
    const worker = new Worker(code, {
      eval: true,
      workerData: { handles: w.handles, readerPath, register: join(__dirname, '..', 'support', 'ts-register.cjs') },
    });
    const ask = (m: object) =>
      new Promise<unknown>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(m);
      });
    try {
      expect(await ask({ campaign: 'c', segment: 's', offer: 'b' })).toEqual({ alpha: 2, k: 2 });
      w.arms('c', 's')!.table.alpha[1] = 123.5;
      expect(await ask({ campaign: 'c', segment: 's', offer: 'b' })).toEqual({ alpha: 123.5, k: 2 });
      // A new segment and a new offer published later are picked up too.
      w.syncOffers('c', priors(['a', 'b', 'z']));
      w.ensureTable('c', 's2')[`alpha`][2] = 77;
      w.publish();
      expect(await ask({ campaign: 'c', segment: 's2', offer: 'z' })).toEqual({ alpha: 77, k: 3 });
      expect(await ask({ campaign: 'c', segment: 'none', offer: 'z' })).toBeNull();
    } finally {
      await worker.terminate();
    }
  });
});
