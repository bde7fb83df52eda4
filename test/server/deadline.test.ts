import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import { call, callError, campaignFile, startTestServer, type TestServer } from './helpers';

describe('deadlines', () => {
  let t: TestServer;
  beforeAll(async () => {
    // A server that needs a minute per decision: every finite client deadline is too close.
    t = await startTestServer([campaignFile('d', ['a', 'b'])], { minBudgetMs: 60_000 });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('refuses a request whose deadline cannot be met without doing the work', async () => {
    const err = await callError(t.decisions.Decide.bind(t.decisions), { campaign: 'd', customerId: 'u' }, { deadline: Date.now() + 30_000 });
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(err.details).toContain('NUDGE_DEADLINE_EXCEEDED');
    const batch = await callError(t.decisions.DecideBatch.bind(t.decisions), { campaign: 'd', customerIds: ['u'] }, { deadline: Date.now() + 30_000 });
    expect(batch.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    // Without a deadline the same request is served; the refused ones were never logged.
    await call(t.decisions.Decide.bind(t.decisions), { campaign: 'd', customerId: 'u' });
    const s = await call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign: 'd' });
    expect(s.treatment.decisions).toBe(1);
  });
});
