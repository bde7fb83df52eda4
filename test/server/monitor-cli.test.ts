import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsOf, formatReport } from '../../src/cli/monitor-report';
import { fetchStats } from '../../src/cli/monitor';
import { MAIN } from '../hardening/helpers';
import { startTestServer, type TestServer } from './helpers';

const run = promisify(execFile);
const TOKEN = 'monitor-admin-token-0123456789';

/** `nudge monitor` against a real server: the report, the alerts, and --check's exit status. */
describe('nudge monitor', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer([], { adminToken: TOKEN });
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${TOKEN}`);
    const put = (controlShare: number) =>
      new Promise((resolve, reject) =>
        t.admin.PutCampaign({ name: 'mon', offers: [{ id: 'a' }, { id: 'b' }], controlShare }, m, (err, res) => (err ? reject(err) : resolve(res))),
      );
    await put(0.2);
    await new Promise((resolve, reject) =>
      t.decisions.DecideBatch({ campaign: 'mon', customerIds: Array.from({ length: 2000 }, (_, i) => `m${i}`) }, (err, res) => (err ? reject(err) : resolve(res))),
    );
    // Served at about 20%, configured at 10% from now on: a sample ratio mismatch.
    await put(0.1);
  });
  afterAll(async () => t?.stop());

  const flags = () => ({ address: t.server.address, token: TOKEN, deadlineMs: 10_000, maxEce: 0.1 });

  it('reports every campaign with an SRM alert', async () => {
    const stats = await fetchStats(flags());
    expect(stats.map((s) => s.campaign)).toEqual(['mon']);
    const alerts = alertsOf(stats);
    expect(alerts.map((a) => [a.campaign, a.kind])).toEqual([['mon', 'srm']]);
    const text = formatReport(stats, alerts);
    expect(text).toContain('campaign mon');
    expect(text).toContain('control: chi2');
    expect(text).toContain('MISMATCH');
    expect(text).toContain('1 alert:');
  });

  it('exits with 2 under --check when there is an alert, and fails clearly without the token', async () => {
    const args = [MAIN, 'monitor', '--address', t.server.address, '--json', '--check'];
    const err = await run(process.execPath, args, { env: { ...process.env, NUDGE_ADMIN_TOKEN: TOKEN } }).then(
      () => null,
      (e: { code: number; stdout: string }) => e,
    );
    expect(err?.code).toBe(2);
    const out = JSON.parse(err!.stdout) as { alerts: Array<{ kind: string }>; stats: Array<{ campaign: string }> };
    expect(out.alerts.map((a) => a.kind)).toEqual(['srm']);
    expect(out.stats[0]!.campaign).toBe('mon');
    const denied = await run(process.execPath, [MAIN, 'monitor', '--address', t.server.address], { env: { ...process.env, NUDGE_ADMIN_TOKEN: '' } }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(denied?.code).toBe(1);
    expect(denied!.stderr).toMatch(/ListCampaigns failed: UNAUTHENTICATED/);
  });
});
