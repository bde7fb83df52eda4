import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import { STATE_FORMAT, STATE_VERSION, checkStateDump, type StateDump } from '../../src/store/state-dump';
import { call, campaignFile, clients, rng, tempDir, writeCampaigns } from '../server/helpers';
import { killAll, MAIN, spawnServer } from './helpers';

afterEach(killAll);

const run = promisify(execFile);

function nudge(args: string[], dataDir: string): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [MAIN, ...args, '--data-dir', dataDir], { env: { ...process.env, NUDGE_DATA_DIR: '' } });
}

async function stats(address: string, campaign: string): Promise<CampaignStats__Output> {
  const c = clients(address);
  try {
    return await call<object, CampaignStats__Output>(c.admin.GetCampaignStats.bind(c.admin), { campaign });
  } finally {
    c.decisions.close();
    c.admin.close();
  }
}

describe('nudge state export / import', () => {
  it('round-trips posteriors, counters and admin campaigns into a fresh data directory', async () => {
    const dataDir = tempDir('state-a');
    const campaignsDir = tempDir('state-campaigns');
    writeCampaigns(campaignsDir, [campaignFile('from-file', ['a', 'b', 'c'])]);
    const env = { NUDGE_DATA_DIR: dataDir, NUDGE_CAMPAIGNS: campaignsDir, NUDGE_METRICS_LISTEN: 'off' };
    const s1 = await spawnServer(env);
    const c = clients(s1.address);
    await call(c.admin.PutCampaign.bind(c.admin), { name: 'from-admin', policy: 'thompson', offers: [{ id: 'x' }, { id: 'y' }] });
    const r = rng(3);
    for (const campaign of ['from-file', 'from-admin']) {
      for (let i = 0; i < 150; i++) {
        const d = await call<object, DecideResponse__Output>(c.decisions.Decide.bind(c.decisions), { campaign, customerId: `${campaign}-${i}` });
        await call(c.decisions.ReportOutcome.bind(c.decisions), { decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: r() < 0.3 ? 1 : 0 });
      }
    }
    c.decisions.close();
    c.admin.close();
    const before = { file: await stats(s1.address, 'from-file'), admin: await stats(s1.address, 'from-admin') };
    s1.proc.kill('SIGTERM');
    expect(await s1.exited).toBe(0);

    const file = path.join(tempDir('state-file'), 'state.json');
    await nudge(['state', 'export', file], dataDir);
    const dump = JSON.parse(fs.readFileSync(file, 'utf8')) as StateDump;
    expect(dump).toMatchObject({ format: STATE_FORMAT, version: STATE_VERSION });
    expect(dump.campaigns.map((x) => x.name)).toEqual(['from-admin']);
    expect(new Set(dump.arms.map((a) => a.campaign))).toEqual(new Set(['from-file', 'from-admin']));

    const fresh = tempDir('state-b');
    const imported = await nudge(['state', 'import', file], fresh);
    expect(imported.stderr).toMatch(/imported 1 campaigns/);
    const s2 = await spawnServer({ ...env, NUDGE_DATA_DIR: fresh });
    try {
      const after = { file: await stats(s2.address, 'from-file'), admin: await stats(s2.address, 'from-admin') };
      for (const k of ['file', 'admin'] as const) {
        expect(after[k].treatment).toEqual(before[k].treatment);
        expect(after[k].offers.map((o) => [o.offerId, o.impressions, o.outcomes, o.rewards, o.mean])).toEqual(
          before[k].offers.map((o) => [o.offerId, o.impressions, o.outcomes, o.rewards, o.mean]),
        );
      }
    } finally {
      s2.proc.kill('SIGTERM');
      expect(await s2.exited).toBe(0);
    }
    // Export of the imported directory: the same state.
    const again = path.join(tempDir('state-file'), 'again.json');
    await nudge(['state', 'export', again], fresh);
    const dump2 = JSON.parse(fs.readFileSync(again, 'utf8')) as StateDump;
    expect({ ...dump2, exportedAt: '' }).toEqual({ ...dump, exportedAt: '' });
  });

  it('refuses a file of another format or version, or with a corrupt table, naming the problem', async () => {
    const dir = tempDir('state-bad');
    const good: StateDump = { format: STATE_FORMAT, version: STATE_VERSION, exportedAt: '', campaigns: [], layouts: [], arms: [], counters: [] };
    expect(checkStateDump(good)).toBe(good);
    expect(() => checkStateDump({ ...good, version: 2 })).toThrow(new RangeError('state.version 2 is not supported (this build reads 1)'));
    expect(() => checkStateDump({ ...good, format: 'x' })).toThrow(new RangeError('state.format must be "nudge-state"'));
    expect(() => checkStateDump({ ...good, arms: [{ campaign: 'c', segment: '', capacity: 4, words: 'AAAA' }] })).toThrow(
      new RangeError('state.arms[0].words does not hold a posterior table of capacity 4'),
    );
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ ...good, version: 9 }));
    await expect(nudge(['state', 'import', file], tempDir('state-c'))).rejects.toMatchObject({ stderr: expect.stringMatching(/state.version 9 is not supported/) });
  });
});
