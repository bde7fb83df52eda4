import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TS_REQUIRE_HOOK, native } from './helpers';

const INDEX = path.resolve(__dirname, '../../src/kernel/index.ts');

/** A worker that loads the kernel through src/kernel/index.ts, seeds it and returns draws. */
const WORKER_CODE = `${TS_REQUIRE_HOOK}
const { parentPort, workerData } = require('node:worker_threads');
const { getKernel } = require(workerData.index);
const k = getKernel();
k.seed(workerData.seed);
const alpha = new Float64Array(200).fill(3);
const beta = new Float64Array(200).fill(40);
const out = new Float64Array(200);
k.beta(alpha, beta, out);
const idx = new Uint32Array(3);
const draws = new Float64Array(200);
k.sampleTopN(alpha, beta, 3, draws, idx);
parentPort.postMessage({ impl: k.impl, out, idx });
`;

interface Reply {
  impl: string;
  out: Float64Array;
  idx: Uint32Array;
}

function runWorker(seed: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_CODE, { eval: true, workerData: { index: INDEX, seed } });
    w.once('message', (m: Reply) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

describe.skipIf(!native)('native kernel in worker_threads', () => {
  it('loads in a Worker through the loader and returns valid draws', async () => {
    const r = await runWorker(1);
    expect(r.impl).toBe('native');
    expect(r.out).toHaveLength(200);
    for (const v of r.out) expect(v > 0 && v < 1).toBe(true);
  });

  it('two workers seeded the same give the same draws; the main thread is not disturbed', async () => {
    native!.seed(1);
    const before = new Float64Array(5);
    native!.uniform(before);
    native!.seed(1);
    const [a, b, c] = await Promise.all([runWorker(42), runWorker(42), runWorker(43)]);
    expect(a.impl).toBe('native');
    expect(a.out).toEqual(b.out);
    expect(a.idx).toEqual(b.idx);
    expect(a.out).not.toEqual(c.out);
    // per-environment state: the workers' seeding did not touch this thread's generator
    const after = new Float64Array(5);
    native!.uniform(after);
    expect(after).toEqual(before);
  });

  it('the main thread draws the same as a worker seeded the same', async () => {
    const r = await runWorker(42);
    native!.seed(42);
    const out = new Float64Array(200);
    native!.beta(new Float64Array(200).fill(3), new Float64Array(200).fill(40), out);
    expect(out).toEqual(r.out);
  });

  it('many short-lived workers load and unload the addon cleanly', async () => {
    for (let i = 0; i < 6; i++) {
      const r = await runWorker(i);
      expect(r.impl).toBe('native');
    }
  });
});
