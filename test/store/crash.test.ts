import { fork } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLmdbStore } from '../../src/store/lmdb-store';
import { campaign, tempDir } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

describe('LmdbStore after kill -9', () => {
  it('keeps every acknowledged outcome and its posterior effect', async () => {
    const cfg = campaign('crash', { offers: [campaign('x').offers[0]!] });
    const child = fork(join(__dirname, 'fixtures', 'crash-child.cjs'), [dir, JSON.stringify(cfg), '40'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const acked: string[] = [];
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (b: Buffer) => {
        buf += b.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.startsWith('ACK ')) {
            acked.push(...line.slice(4).split(',').filter(Boolean));
          }
          if (line === 'DONE') reject(new Error('child finished before it was killed'));
        }
      });
      child.on('exit', (code, signal) => {
        if (signal === 'SIGKILL') resolve();
        else reject(new Error(`child exited with ${code}: ${stderr}`));
      });
    });
    expect(acked.length).toBeGreaterThanOrEqual(40 * 25);

    const store = await openLmdbStore({ dataDir: dir });
    try {
      store.syncCampaign(cfg);
      const again = await store.applyOutcomes(acked.map((decisionId) => ({ decisionId, offerId: 'a', reward: 1, timestampMs: 0 })));
      const notKept = again.filter((r) => r.status !== 'DUPLICATE');
      expect(notKept).toEqual([]);
      // Posterior and counters agree with the outcomes that made it (acked ones, maybe a few more).
      const outcomes = store.counters('crash').offers[0]!.outcomes;
      expect(outcomes).toBeGreaterThanOrEqual(acked.length);
      const e = store.arms('crash', 'all')!;
      expect(e.table.alpha[e.slots.get('a')!]).toBe(1 + outcomes);
      expect(store.counters('crash').treatment.decisions).toBe(20000);
    } finally {
      await store.close();
    }
  });
});
