import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/proto';
import { CAMPAIGNS, countedOutcomes, startTestServer, type TestServer } from './helpers';

/**
 * `nudge decide` / `nudge outcome` from the built CLI (npm run build first) against a real server.
 * The child runs asynchronously: a synchronous spawn would block the event loop that serves it.
 */

const MAIN = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
const DECIDE_TOKEN = 'cli-decide-token-0123456789';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function nudge(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

let ts: TestServer;
let address: string;
beforeAll(async () => {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  ts = await startTestServer(CAMPAIGNS, { metricsListen: 'off', decideToken: DECIDE_TOKEN });
  address = ts.server.address;
});
afterAll(async () => {
  await ts?.stop();
});

describe('nudge decide / nudge outcome', () => {
  it('decides as JSON, reports the outcome, and a repeat is DUPLICATE', async () => {
    const d = await nudge(['decide', 'cli-1', '--campaign', 'banner', '--num-offers', '2', '--context', 'tier=gold', '--address', address, '--token', DECIDE_TOKEN, '--json']);
    expect(d.stderr).toBe('');
    expect(d.code).toBe(0);
    const decision = JSON.parse(d.stdout) as { decisionId: string; offers: { offerId: string }[] };
    expect(decision.offers).toHaveLength(2);
    const before = await countedOutcomes(ts, 'banner');
    const args = ['outcome', decision.decisionId, decision.offers[0]!.offerId, '--reward', '1', '--address', address, '--json'];
    const o = await nudge(args, { NUDGE_DECIDE_TOKEN: DECIDE_TOKEN });
    expect(o.code).toBe(0);
    expect(JSON.parse(o.stdout)).toMatchObject({ status: 'APPLIED', attempts: 1 });
    expect((await countedOutcomes(ts, 'banner')).outcomes).toBe(before.outcomes + 1);
    const again = await nudge(args.filter((a) => a !== '--json'), { NUDGE_DECIDE_TOKEN: DECIDE_TOKEN });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^DUPLICATE/);
  });

  it('prints a readable decision by default', async () => {
    const d = await nudge(['decide', 'cli-2', '--campaign', 'banner', '--address', address, '--token', DECIDE_TOKEN]);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/^decision \S+ {2}campaign banner {2}policy thompson/);
    expect(d.stdout).toMatch(/\n {2}1\. [abc] {2}score /);
    expect(d.stdout).toMatch(/label=[ABC]/);
    expect(d.stdout).toMatch(/report an outcome: nudge outcome \S+ [abc] --reward 1\n$/);
  });

  it('prints the Nudge code of a failed call and exits 1', async () => {
    const missing = await nudge(['decide', 'cli-3', '--campaign', 'nope', '--address', address, '--token', DECIDE_TOKEN]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('nudge decide: NUDGE_CAMPAIGN_NOT_FOUND (NOT_FOUND): campaign "nope" does not exist\n');
    const noToken = await nudge(['decide', 'cli-3', '--campaign', 'banner', '--address', address, '--json']);
    expect(noToken.code).toBe(1);
    expect(JSON.parse(noToken.stderr)).toMatchObject({ error: { code: 'UNAUTHENTICATED', grpcCode: 16, nudgeCode: 'NUDGE_UNAUTHENTICATED' } });
    const invalid = await nudge(['decide', '', '--campaign', 'banner', '--address', address, '--token', DECIDE_TOKEN]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^nudge decide: NUDGE_INVALID_ARGUMENT \(INVALID_ARGUMENT\): customer_id/);
  });

  it('exits 2 when the server did not count the outcome, and refuses malformed flags', async () => {
    const unknown = await nudge(['outcome', '01900000-0000-7000-8000-000000000000', 'a', '--address', address, '--token', DECIDE_TOKEN]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toMatch(/^UNKNOWN_DECISION/);
    const badReward = await nudge(['outcome', 'd', 'a', '--reward', '-1', '--address', address]);
    expect(badReward.code).not.toBe(0);
    expect(badReward.stderr).toMatch(/--reward/);
    const badContext = await nudge(['decide', 'c', '--context', 'novalue', '--address', address]);
    expect(badContext.code).not.toBe(0);
    expect(badContext.stderr).toMatch(/"novalue" is not key=value/);
  });
});
