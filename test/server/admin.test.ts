import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Campaign__Output } from '../../src/generated/nudge/v1/Campaign';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { OutcomeAck__Output } from '../../src/generated/nudge/v1/OutcomeAck';
import { call, callError, campaignFile, startTestServer, type TestServer } from './helpers';

describe.each(['inline', 'pool'] as const)('AdminService (%s mode)', (mode) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer([campaignFile('from-file', ['x', 'y'])], { mode });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const decide = (req: object) => call<object, DecideResponse__Output>(t.decisions.Decide.bind(t.decisions), req);
  const put = (req: object) => call<object, Campaign__Output>(t.admin.PutCampaign.bind(t.admin), req);

  it('puts a campaign that Decide serves at once, and gets, lists and deletes it', async () => {
    const stored = await put({ name: 'api-made', offers: [{ id: 'p' }, { id: 'q', attributes: { tone: 'warm' } }], policy: 'ucb1' });
    expect(stored.version).toBeGreaterThan(0);
    expect(stored.policy).toBe('ucb1');
    expect(stored.offers.map((o) => o.id)).toEqual(['p', 'q']);
    expect(stored.offers[0]!.priorAlpha).toBe(1);

    const d = await decide({ campaign: 'api-made', customerId: 'u1', numOffers: 2 });
    expect(d.policy).toBe('ucb1');
    expect(d.configVersion).toBe(stored.version);
    expect(d.offers.map((o) => o.offerId).sort()).toEqual(['p', 'q']);

    const got = await call<object, Campaign__Output>(t.admin.GetCampaign.bind(t.admin), { name: 'api-made' });
    expect(got).toEqual(stored);
    const list = await call<object, { campaigns: Campaign__Output[] }>(t.admin.ListCampaigns.bind(t.admin), {});
    expect(list.campaigns.map((c) => c.name)).toEqual(['api-made', 'from-file']);

    // A new version replaces the old one for the next decision.
    const v2 = await put({ name: 'api-made', offers: [{ id: 'p' }, { id: 'q' }, { id: 'r' }], policy: 'ucb1' });
    expect(v2.version).toBeGreaterThan(stored.version);
    const d2 = await decide({ campaign: 'api-made', customerId: 'u1', numOffers: 3 });
    expect(d2.configVersion).toBe(v2.version);
    expect(d2.offers).toHaveLength(3);

    const del = await call<object, { deleted: boolean }>(t.admin.DeleteCampaign.bind(t.admin), { name: 'api-made' });
    expect(del.deleted).toBe(true);
    const err = await callError(t.decisions.Decide.bind(t.decisions), { campaign: 'api-made', customerId: 'u1' });
    expect(err.code).toBe(grpc.status.NOT_FOUND);
  });

  it('serves the standard health service', async () => {
    const Health = grpc.makeGenericClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'Health');
    const client = new Health(t.server.address, grpc.credentials.createInsecure()) as unknown as {
      check: (req: object, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void) => void;
      close: () => void;
    };
    const res = await new Promise<{ status: string }>((resolve, reject) =>
      client.check({ service: 'nudge.v1.DecisionService' }, (err, r) => (err ? reject(err) : resolve(r!))),
    );
    client.close();
    expect(res.status).toBe('SERVING');
  });

  it('refuses a campaign with a bad field with INVALID_ARGUMENT naming the field', async () => {
    const err = await callError(t.admin.PutCampaign.bind(t.admin), { name: 'bad', offers: [{ id: 'a', priorAlpha: -1 }] });
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toContain('NUDGE_CAMPAIGN_INVALID');
    expect(err.details).toContain('offers[0].prior_alpha');
    const noName = await callError(t.admin.GetCampaign.bind(t.admin), { name: '' });
    expect(noName.code).toBe(grpc.status.INVALID_ARGUMENT);
    const missing = await callError(t.admin.GetCampaignStats.bind(t.admin), { campaign: 'nope' });
    expect(missing.code).toBe(grpc.status.NOT_FOUND);
  });

  it('reports control and treatment reward rates with the uplift', async () => {
    await put({ name: 'uplift', offers: [{ id: 'a' }, { id: 'b' }], controlShare: 0.5, defaultOffer: 'a' });
    let control = 0;
    let treatment = 0;
    for (let i = 0; i < 60; i++) {
      const d = await decide({ campaign: 'uplift', customerId: `cust-${i}` });
      if (d.control) control++;
      else treatment++;
      // Treatment converts, control does not: the uplift is the whole treatment rate.
      const ack = await call<object, OutcomeAck__Output>(t.decisions.ReportOutcome.bind(t.decisions), {
        decisionId: d.decisionId,
        offerId: d.offers[0]!.offerId,
        reward: d.control ? 0 : 1,
      });
      expect(ack.status).toBe('APPLIED');
    }
    expect(control).toBeGreaterThan(0);
    expect(treatment).toBeGreaterThan(0);
    const s = await call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign: 'uplift' });
    expect(s.campaign).toBe('uplift');
    expect(s.control).toMatchObject({ decisions: control, outcomes: control, rewards: 0, rewardRate: 0 });
    expect(s.treatment).toMatchObject({ decisions: treatment, outcomes: treatment, rewards: treatment, rewardRate: 1 });
    expect(s.uplift).toBeCloseTo(1, 9);
    expect(s.relativeUplift).toBe(0);
    // Per-offer counters are treatment only: control decisions measure the uplift and do not learn.
    const impressions = s.offers.reduce((n, o) => n + o.impressions, 0);
    expect(impressions).toBe(treatment);
    expect(s.offers.reduce((n, o) => n + o.rewards, 0)).toBe(treatment);
    for (const o of s.offers) {
      expect(o.ciLow).toBeLessThanOrEqual(o.mean);
      expect(o.ciHigh).toBeGreaterThanOrEqual(o.mean);
    }
    expect(s.offers.reduce((p, o) => p + o.pBest, 0)).toBeCloseTo(1, 6);
  });
});
