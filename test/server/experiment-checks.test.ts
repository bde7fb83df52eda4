import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import type { DecideBatchResponse__Output } from '../../src/generated/nudge/v1/DecideBatchResponse';
import { call, rng, startTestServer, type TestServer } from './helpers';

/** GetCampaignStats' experiment checks through gRPC: SRM, the uplift interval, expected loss. */
describe('experiment checks in GetCampaignStats', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer([]);
  });
  afterAll(async () => t?.stop());

  const stats = (campaign: string) => call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign });
  const decideMany = (campaign: string, n: number, prefix: string) =>
    call<object, DecideBatchResponse__Output>(t.decisions.DecideBatch.bind(t.decisions), { campaign, customerIds: Array.from({ length: n }, (_, i) => `${prefix}${i}`) });

  it('raises the SRM flag when a 10% control group was served at 20%', async () => {
    const offers = [{ id: 'a' }, { id: 'b' }];
    await call(t.admin.PutCampaign.bind(t.admin), { name: 'srm', offers, controlShare: 0.2 });
    await decideMany('srm', 2000, 'srm-');
    const before = await stats('srm');
    const served = before.srm.find((x) => x.name === 'control')!;
    expect(served.flagged).toBe(false);
    // The configuration now says 10%: what was served (about 20%) no longer matches it.
    await call(t.admin.PutCampaign.bind(t.admin), { name: 'srm', offers, controlShare: 0.1 });
    const after = await stats('srm');
    const check = after.srm.find((x) => x.name === 'control')!;
    expect(check.observed.map(Number).reduce((a, b) => a + b, 0)).toBe(2000);
    expect(check.expected[0]).toBeCloseTo(200, 6);
    expect(check.pValue).toBeLessThan(0.001);
    expect(check.flagged).toBe(true);
  });

  it('checks a fixed split against its weights, and reports an uplift interval and each offer\'s expected loss', async () => {
    await call(t.admin.PutCampaign.bind(t.admin), { name: 'split', policy: 'fixed', offers: [{ id: 'a', weight: 1 }, { id: 'b', weight: 3 }], controlShare: 0.1 });
    const res = await decideMany('split', 2000, 'split-');
    const outcomes = res.decisions.filter((d) => d.offers.length > 0);
    await Promise.all(outcomes.slice(0, 400).map((d, i) => call(t.decisions.ReportOutcome.bind(t.decisions), { decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: i % 2 })));
    const s = await stats('split');
    const split = s.srm.find((x) => x.name === 'fixed-split')!;
    expect(split.df).toBe(1);
    expect(split.flagged).toBe(false);
    expect(['better', 'worse', 'inconclusive']).toContain(s.upliftVerdict);
    expect(s.upliftCiLow).toBeLessThanOrEqual(s.uplift);
    expect(s.upliftCiHigh).toBeGreaterThanOrEqual(s.uplift);
    for (const o of s.offers) expect(o.expectedLoss).toBeGreaterThanOrEqual(0);
    // The same counters give the same figures on the next call (seeded by the posterior).
    const again = await stats('split');
    expect(again.offers.map((o) => o.expectedLoss)).toEqual(s.offers.map((o) => o.expectedLoss));
  });

  it('shows a high ECE for offers served with a mis-calibrated prior and a low one for a calibrated prior', async () => {
    const run = async (name: string, priorAlpha: number, priorBeta: number): Promise<CampaignStats__Output> => {
      await call(t.admin.PutCampaign.bind(t.admin), { name, offers: [{ id: 'only', priorAlpha, priorBeta }] });
      // Random rewards: a fixed pattern would correlate with the bin the learning posterior is in.
      const random = rng(11);
      for (let i = 0; i < 200; i++) {
        const d = await call<object, { decisionId: string; offers: { offerId: string }[] }>(t.decisions.Decide.bind(t.decisions), { campaign: name, customerId: `${name}-${i}` });
        // The true reward rate is 0.1.
        await call(t.decisions.ReportOutcome.bind(t.decisions), { decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: random() < 0.1 ? 1 : 0 });
      }
      return stats(name);
    };
    const wrong = await run('miscalibrated', 90, 10); // predicts 0.9 at first
    const right = await run('calibrated', 1, 9); // predicts 0.1
    expect(wrong.calibration!.n).toBe(200);
    expect(wrong.calibration!.ece).toBeGreaterThan(0.3);
    expect(right.calibration!.ece).toBeLessThan(0.1);
    expect(wrong.calibration!.brier).toBeGreaterThan(right.calibration!.brier);
    expect(wrong.offers[0]!.calibration!.ece).toBeCloseTo(wrong.calibration!.ece, 12);
    const bins = right.calibration!.bins;
    expect(bins).toHaveLength(10);
    expect(bins.reduce((a, b) => a + Number(b.count), 0)).toBe(200);
    // Over the default window (24 h), per model version: these decisions used the priors ('').
    expect(right.calibrationWindowMs).toBe(86_400_000);
    expect(right.modelCalibration.map((m) => [m.modelVersion, Number(m.calibration!.n)])).toEqual([['', 200]]);
    expect(right.modelCalibration[0]!.calibration!.ece).toBeCloseTo(right.calibration!.ece, 12);
    // A window asked for is rounded up to whole minutes.
    const short = await call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign: 'calibrated', windowMs: 90_000 });
    expect(short.calibrationWindowMs).toBe(120_000);
    expect(short.calibration!.n).toBe(200);
  });
});
