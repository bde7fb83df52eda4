import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { OutcomeAck__Output } from '../../src/generated/nudge/v1/OutcomeAck';
import { call, campaignFile, startTestServer, waitFor, type TestServer } from './helpers';

describe('default reward', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer([campaignFile('quick', ['only'], { reward_wait_ms: 100, default_reward: 0 })], { sweepMs: 20 });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const stats = async () =>
    (await call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign: 'quick' })).offers[0]!;

  it('is applied exactly once by the sweeper; a late real outcome is EXPIRED', async () => {
    const d = await call<object, DecideResponse__Output>(t.decisions.Decide.bind(t.decisions), { campaign: 'quick', customerId: 'u1' });
    await waitFor(async () => (await stats()).outcomes === 1);
    const late = await call<object, OutcomeAck__Output>(t.decisions.ReportOutcome.bind(t.decisions), {
      decisionId: d.decisionId,
      offerId: 'only',
      reward: 1,
    });
    expect(late.status).toBe('EXPIRED');
    // Several more sweeps run; none applies the default again.
    await new Promise((r) => setTimeout(r, 300));
    const s = await stats();
    expect(s.outcomes).toBe(1);
    expect(s.rewards).toBe(0);
    expect(s.impressions).toBe(1);
  });
});
