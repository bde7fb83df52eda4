import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDemoFeatures, loadDemoFeatures } from '../../src/features/demo';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import { packageRoot } from '../../src/proto';
import { call, startTestServer, tempDir, waitFor } from './helpers';

const CUSTOMERS = 2000;

describe.each(['inline', 'pool'] as const)('feature snapshot swap under load (%s mode)', (mode) => {
  it('fails no Decide while new snapshots are loaded', async () => {
    const dataDir = tempDir('swap-data');
    const campaignsDir = tempDir('swap-campaigns');
    // The repo's demo campaign: segments and routing rules read the features.
    fs.copyFileSync(path.join(packageRoot(), 'campaigns', 'demo.yaml'), path.join(campaignsDir, 'demo.yaml'));
    await loadDemoFeatures(dataDir, CUSTOMERS, 1);
    const t = await startTestServer([], { mode }, { dataDir, campaignsDir });
    try {
      let stop = false;
      let ok = 0;
      const failures: unknown[] = [];
      const segments = new Set<string>();
      const loop = async (w: number): Promise<void> => {
        for (let i = 0; !stop; i++) {
          const id = `c${String((i * 7 + w * 131) % CUSTOMERS).padStart(4, '0')}`;
          try {
            const d = await call<object, DecideResponse__Output>(t.decisions.Decide.bind(t.decisions), { campaign: 'home-banner', customerId: id });
            segments.add(d.segment);
            ok++;
          } catch (err) {
            failures.push(err);
          }
        }
      };
      const loops = [0, 1, 2, 3].map(loop);
      await loadDemoFeatures(dataDir, CUSTOMERS, 2);
      await loadDemoFeatures(dataDir, CUSTOMERS, 3);
      // Let the reader pick the last snapshot up while requests keep coming.
      await new Promise((r) => setTimeout(r, 500));
      stop = true;
      await Promise.all(loops);
      expect(failures).toEqual([]);
      expect(ok).toBeGreaterThan(0);
      expect([...segments].some((s) => s !== 'spend_personality=')).toBe(true);

      // The last snapshot is the one served: pick customers whose personality changed since the first.
      const before = generateDemoFeatures(CUSTOMERS, 1);
      const after = generateDemoFeatures(CUSTOMERS, 3);
      const changed = after.filter((r, i) => r.spend_personality !== before[i]!.spend_personality).slice(0, 5);
      expect(changed.length).toBeGreaterThan(0);
      await waitFor(async () => {
        for (const r of changed) {
          const d = await call<object, DecideResponse__Output>(t.decisions.Decide.bind(t.decisions), { campaign: 'home-banner', customerId: r.customer_id });
          if (d.segment !== `spend_personality=${r.spend_personality}`) return false;
        }
        return true;
      }, 10_000);
    } finally {
      await t.stop();
    }
  });
});
