import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { OutcomeAck__Output } from '../../src/generated/nudge/v1/OutcomeAck';
import { packageRoot } from '../../src/proto';
import { call, campaignFile, clients, tempDir, writeCampaigns } from './helpers';

const MAIN = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

interface Child {
  proc: ChildProcess;
  address: string;
  exited: Promise<number | null>;
}

/** Spawns `nudge serve` and resolves with the address from its "nudge listening on" log line. */
function serve(dataDir: string, campaignsDir: string, mode: string): Promise<Child> {
  const proc = spawn(process.execPath, [MAIN, 'serve'], {
    env: { ...process.env, NUDGE_LISTEN: '127.0.0.1:0', NUDGE_DATA_DIR: dataDir, NUDGE_CAMPAIGNS: campaignsDir, NUDGE_DEMO: '0', NUDGE_MODE: mode, NUDGE_WORKERS: '2' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let stderr = '';
  proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      try {
        const rec = JSON.parse(line) as { msg?: string; address?: string; port?: number };
        if (rec.msg?.startsWith('nudge listening on') && typeof rec.port === 'number' && rec.port > 0) resolve({ proc, address: rec.address!, exited });
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`nudge serve exited with ${code} before listening: ${stderr}`)));
  });
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe.each(['inline', 'pool'] as const)('kill -9 (%s mode)', (mode) => {
  it('keeps every acknowledged outcome', async () => {
    const dataDir = tempDir('crash-data');
    const campaignsDir = tempDir('crash-campaigns');
    writeCampaigns(campaignsDir, [campaignFile('crash', ['a', 'b', 'c'])]);

    const first = await serve(dataDir, campaignsDir, mode);
    children.push(first.proc);
    let c = clients(first.address);
    const acked: { decisionId: string; offerId: string; reward: number }[] = [];
    for (let i = 0; i < 40; i++) {
      const d = await call<object, DecideResponse__Output>(c.decisions.Decide.bind(c.decisions), { campaign: 'crash', customerId: `k${i}` });
      const o = { decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: i % 3 === 0 ? 1 : 0 };
      const ack = await call<object, OutcomeAck__Output>(c.decisions.ReportOutcome.bind(c.decisions), o);
      expect(ack.status).toBe('APPLIED');
      acked.push(o);
    }
    // More outcomes in flight when the process dies: they may or may not survive, never half.
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      const d = await call<object, DecideResponse__Output>(c.decisions.Decide.bind(c.decisions), { campaign: 'crash', customerId: `f${i}` });
      inflight.push(call(c.decisions.ReportOutcome.bind(c.decisions), { decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: 1 }).catch(() => null));
    }
    first.proc.kill('SIGKILL');
    await first.exited;
    await Promise.all(inflight);
    c.decisions.close();
    c.admin.close();

    const second = await serve(dataDir, campaignsDir, mode);
    children.push(second.proc);
    c = clients(second.address);
    try {
      const s = await call<object, CampaignStats__Output>(c.admin.GetCampaignStats.bind(c.admin), { campaign: 'crash' });
      const outcomes = s.offers.reduce((n, o) => n + o.outcomes, 0);
      const rewards = s.offers.reduce((n, o) => n + o.rewards, 0);
      const ackedRewards = acked.reduce((n, o) => n + o.reward, 0);
      expect(outcomes).toBeGreaterThanOrEqual(acked.length);
      expect(outcomes).toBeLessThanOrEqual(acked.length + 10);
      expect(rewards - ackedRewards).toBe(outcomes - acked.length);
      for (const o of acked) {
        const again = await call<object, OutcomeAck__Output>(c.decisions.ReportOutcome.bind(c.decisions), o);
        expect(again.status).toBe('DUPLICATE');
      }
      const after = await call<object, CampaignStats__Output>(c.admin.GetCampaignStats.bind(c.admin), { campaign: 'crash' });
      expect(after.offers.reduce((n, o) => n + o.outcomes, 0)).toBe(outcomes);
    } finally {
      c.decisions.close();
      c.admin.close();
      second.proc.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
