import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/features/loader';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import { call, rng, startTestServer, tempDir, waitFor, type TestServer } from './helpers';

const CUSTOMERS = 2000;

/** Customers with an age, an income and a tier; `incomeShift` moves every income. */
function writeFeatures(file: string, incomeShift: number): void {
  const random = rng(7);
  const tiers = ['bronze', 'silver', 'gold'];
  const lines = ['customer_id,age,income,tier'];
  for (let i = 0; i < CUSTOMERS; i++) {
    const age = 20 + Math.floor(random() * 40);
    const income = Math.round(1000 + random() * 4000) + incomeShift;
    lines.push(`d${i},${age},${income},${tiers[Math.floor(random() * 3)]}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** Feature drift (PSI) in GetCampaignStats: the served snapshot against recent decisions' features. */
describe('feature drift in GetCampaignStats', () => {
  let t: TestServer;
  let dataDir: string;
  let dir: string;
  beforeAll(async () => {
    dataDir = tempDir('drift-data');
    dir = tempDir('drift-files');
    writeFeatures(path.join(dir, 'a.csv'), 0);
    writeFeatures(path.join(dir, 'b.csv'), 3000);
    await loadSnapshot({ dataDir, file: path.join(dir, 'a.csv') });
    t = await startTestServer([{ name: 'drift', offers: [{ id: 'x' }, { id: 'y' }] }], { driftEvery: 1, driftSample: 5000 }, { dataDir });
  });
  afterAll(async () => t?.stop());

  const stats = () => call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign: 'drift' });
  const decideAll = () =>
    call(t.decisions.DecideBatch.bind(t.decisions), { campaign: 'drift', customerIds: Array.from({ length: CUSTOMERS }, (_, i) => `d${i}`) });

  it('is stable while decisions see the loaded snapshot, and flags the one feature a new snapshot shifted', async () => {
    await decideAll();
    const before = await stats();
    expect(before.drift.map((d) => d.feature)).toEqual(['age', 'income', 'tier']);
    for (const d of before.drift) {
      expect(d.nReference).toBe(CUSTOMERS);
      expect(d.nCurrent).toBe(CUSTOMERS);
      // Every customer of the snapshot was decided once: the same sample on both sides.
      expect(d.psi).toBeLessThan(1e-9);
      expect(d.band).toBe('stable');
    }
    expect(before.drift.find((d) => d.feature === 'tier')!.kind).toBe('category');
    expect(before.drift.find((d) => d.feature === 'tier')!.bins.map((b) => b.label)).toEqual(['bronze', 'gold', 'silver']);

    await loadSnapshot({ dataDir, file: path.join(dir, 'b.csv') });
    // The server picks the new snapshot up on a read; one Decide after the reader's check interval.
    let after: CampaignStats__Output | null = null;
    await waitFor(async () => {
      await call(t.decisions.Decide.bind(t.decisions), { campaign: 'drift', customerId: 'd0' });
      after = await stats();
      return after.drift.find((d) => d.feature === 'income')!.psi > 0.25;
    });
    const byName = new Map(after!.drift.map((d) => [d.feature, d]));
    expect(byName.get('income')!.band).toBe('significant');
    expect(byName.get('age')!.psi).toBeLessThan(0.1);
    expect(byName.get('tier')!.psi).toBeLessThan(0.1);
  });
});
