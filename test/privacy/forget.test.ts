import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/features/loader';
import { openFeatureReader } from '../../src/features/store';
import { tempDir, waitFor } from '../server/helpers';
import {
  ADMIN_TOKEN,
  campaignsDirWith,
  decide,
  exportDecisions,
  forget,
  forgetError,
  nudgeCli,
  privacyCampaign,
  report,
  startPrivacyServer,
  writeFeatures,
  X,
  type PrivacyServer,
} from './helpers';

const running: PrivacyServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

/** Whether a reader opened now (looking at the pointer on every read) finds a row for the customer. */
function storedRow(dataDir: string, customerId: string): boolean {
  const reader = openFeatureReader(dataDir, { checkIntervalMs: 0 });
  try {
    return reader.read(customerId, new Float64Array(reader.schema.fields.length));
  } finally {
    reader.close();
  }
}

describe('ForgetCustomer (embedded store)', () => {
  it('erases features, contact history and the id in kept decisions, and keeps the customer out of later loads', async () => {
    const files = tempDir('privacy-files');
    const dataDir = tempDir('privacy-data');
    const original = writeFeatures(files, 'customers.csv');
    await loadSnapshot({ dataDir, file: original });
    const t = await startPrivacyServer(dataDir, campaignsDirWith([privacyCampaign()]));
    running.push(t);

    // Before: stored features decide the segment, and the contact history makes fatigue apply.
    const first = await decide(t, X);
    expect(first.segment).toBe('tier=gold');
    expect(first.offers[0]!.explanation!.fatigue).toBe('ok');
    expect((await report(t, first.decisionId, first.offers[0]!.offerId, 0)).status).toBe('APPLIED');
    const second = await decide(t, X);
    // The ignored offer is cooling down, so the second decision shows another one.
    expect(second.offers[0]!.offerId).not.toBe(first.offers[0]!.offerId);
    const capped = await decide(t, X);
    expect(capped.noAction).toBe(true);
    expect(capped.noActionReason).toBe('no_eligible_offer');
    const other = await decide(t, 'other-1');
    expect(other.segment).toBe('tier=silver');

    // The admin token is required, as for every AdminService method; an empty id is refused.
    expect((await forgetError(t.admin, X, null)).code).toBe(status.UNAUTHENTICATED);
    expect((await forgetError(t.admin, X, 'not-the-admin-token-at-all')).code).toBe(status.UNAUTHENTICATED);
    const empty = await forgetError(t.admin, '', ADMIN_TOKEN);
    expect(empty.code).toBe(status.INVALID_ARGUMENT);
    expect(empty.details).toContain('customer_id');
    expect((await decide(t, X)).noActionReason).toBe('no_eligible_offer');

    const res = await forget(t.admin, X);
    expect(res.token).toMatch(/^forgotten:[0-9a-f]{32}$/);
    expect(res).toMatchObject({ featuresRemoved: true, contactRecordsRemoved: 1, decisionsTokenized: 4, tombstoneRecorded: true });

    // Exports carry the token for X's decisions, and X's id nowhere.
    const exported = await exportDecisions(dataDir);
    expect(exported.text).not.toContain(X);
    const mine = exported.decisions.filter((d) => d.customerId === res.token);
    // No-action answers are logged like others (issue 15), so the two capped decisions are X's too.
    expect(mine.map((d) => d.id)).toEqual(expect.arrayContaining([first.decisionId, second.decisionId, capped.decisionId]));
    expect(mine).toHaveLength(4);
    // Everything else of the records is kept: the outcome, offers and propensities.
    expect(mine.find((d) => d.id === first.decisionId)!.outcomes).toEqual({ [first.offers[0]!.offerId]: 0 });
    expect(exported.decisions.find((d) => d.id === other.decisionId)!.customerId).toBe('other-1');

    // The server's log names the token, never the id.
    const logText = t.logs.join('\n');
    expect(logText).toContain(res.token);
    expect(logText).not.toContain(X);

    // Afterwards Decide sees no stored features (defaults) and no contact history: no fatigue.
    const after = await decide(t, X);
    expect(after.segment).toBe('tier=');
    expect(after.offers[0]!.explanation!.fatigue).toBe('ok');
    expect((await decide(t, 'other-1')).segment).toBe('tier=silver');

    // Reloading the original file does not bring X back: its row is skipped and counted.
    const reload = await loadSnapshot({ dataDir, file: original });
    expect(reload.forgotten).toBe(1);
    expect(reload.rows).toBe(50);
    expect(storedRow(dataDir, X)).toBe(false);
    expect(storedRow(dataDir, 'other-1')).toBe(true);
    // The server serves such a snapshot without X: a file that also holds a new customer shows when.
    // (One newcomer per look: each id is decided once, far below the campaign cap.)
    const newcomers = Array.from({ length: 200 }, (_, i) => `newcomer-${i}`);
    const withNew = writeFeatures(files, 'customers-2.csv', newcomers.map((id) => `${id},platinum,0.5`));
    expect((await loadSnapshot({ dataDir, file: withNew })).forgotten).toBe(1);
    let look = 0;
    await waitFor(async () => (await decide(t, newcomers[look++ % newcomers.length]!)).segment === 'tier=platinum');
    // The second impression since: within the cap, so X's history really started again from zero.
    expect((await decide(t, X)).segment).toBe('tier=');

    // Forgetting again is harmless: same token, nothing left to remove but the decisions made since.
    const again = await forget(t.admin, X);
    expect(again.token).toBe(res.token);
    expect(again).toMatchObject({ featuresRemoved: false, contactRecordsRemoved: 1, decisionsTokenized: 2 });
    expect((await exportDecisions(dataDir)).text).not.toContain(X);
    expect(t.logs.join('\n')).not.toContain(X);
  });

  it('`nudge customers forget` calls the running server with the admin token and prints JSON', async () => {
    const dataDir = tempDir('privacy-cli');
    await loadSnapshot({ dataDir, file: writeFeatures(tempDir('privacy-files'), 'customers.csv') });
    const t = await startPrivacyServer(dataDir, campaignsDirWith([privacyCampaign()]));
    running.push(t);
    const d = await decide(t, X);
    expect(d.segment).toBe('tier=gold');

    const denied = await nudgeCli(['customers', 'forget', X, '--address', t.server.address], { NUDGE_ADMIN_TOKEN: '' });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('UNAUTHENTICATED');

    const ok = await nudgeCli(['customers', 'forget', X, '--address', t.server.address], { NUDGE_ADMIN_TOKEN: ADMIN_TOKEN });
    expect(ok.code, ok.stderr).toBe(0);
    const printed = JSON.parse(ok.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ featuresRemoved: true, contactRecordsRemoved: 1, decisionsTokenized: 1, tombstoneRecorded: true });
    expect(printed['token']).toMatch(/^forgotten:[0-9a-f]{32}$/);
    expect((await decide(t, X)).segment).toBe('tier=');
  });

  it('worker threads (pool mode) read the removed row as a miss', async () => {
    const dataDir = tempDir('privacy-pool');
    await loadSnapshot({ dataDir, file: writeFeatures(tempDir('privacy-files'), 'customers.csv') });
    // No fatigue rules here: the loop below decides for X until the worker sees the removal.
    const t = await startPrivacyServer(dataDir, campaignsDirWith([{ ...privacyCampaign(), fatigue: {} }]), { mode: 'pool', workers: 1 });
    running.push(t);
    expect((await decide(t, X)).segment).toBe('tier=gold');
    await forget(t.admin, X);
    // A worker's read transaction is renewed when its event loop turns: soon, not at once.
    await waitFor(async () => (await decide(t, X)).segment === 'tier=');
    expect((await decide(t, 'other-2')).segment).toBe('tier=silver');
  });
});
