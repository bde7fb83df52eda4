import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { OutcomeAck__Output } from '../../src/generated/nudge/v1/OutcomeAck';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import { call, callError, campaignFile, rng, startTestServer, type TestServer } from './helpers';

const TRUE_RATES: Record<string, number> = { low: 0.05, mid: 0.1, high: 0.3 };

describe.each(['inline', 'pool'] as const)('Decide and outcomes (%s mode)', (mode) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(
      [
        campaignFile('bandit', ['low', 'mid', 'high']),
        campaignFile('ucb', ['a', 'b', 'c', 'd'], { policy: 'ucb1', segment_by: ['tier'] }),
      ],
      { mode },
    );
  });
  afterAll(async () => {
    await t?.stop();
  });

  const decide = (req: object, opts?: grpc.CallOptions) => call<object, DecideResponse__Output>(t.decisions.Decide.bind(t.decisions), req, opts);
  const report = (req: object) => call<object, OutcomeAck__Output>(t.decisions.ReportOutcome.bind(t.decisions), req);
  const stats = (campaign: string) => call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign });

  it('answers Decide with a ranked offer and acknowledges its outcome', async () => {
    const d = await decide({ campaign: 'bandit', customerId: 'u1', numOffers: 2 });
    expect(t.server.mode).toBe(mode);
    expect(d.decisionId).not.toBe('');
    expect(d.offers).toHaveLength(2);
    expect(d.policy).toBe('thompson');
    expect(d.route).toBe('default');
    expect(d.control).toBe(false);
    expect(d.configVersion).toBeGreaterThan(0);
    expect(d.offers[0]!.attributes['label']).toBe(d.offers[0]!.offerId.toUpperCase());
    for (const o of d.offers) {
      expect(o.propensity).toBeGreaterThanOrEqual(0);
      expect(o.propensity).toBeLessThanOrEqual(1);
      expect(o.probability).toBeGreaterThan(0);
    }
    expect(d.offers[0]!.explanation).toBeNull();
    const ack = await report({ decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: 1 });
    expect(ack.status).toBe('APPLIED');
    const explained = await decide({ campaign: 'bandit', customerId: 'u1', explain: true });
    expect(explained.offers[0]!.explanation).toMatchObject({ route: 'default', policy: 'thompson', draw: explained.offers[0]!.score });
    expect(ack.delta).toBeCloseTo(1 - d.offers[0]!.probability, 9);
  });

  it('reports a duplicate outcome as DUPLICATE and does not count it', async () => {
    const d = await decide({ campaign: 'bandit', customerId: 'dup' });
    const offerId = d.offers[0]!.offerId;
    const before = (await stats('bandit')).offers.find((o) => o.offerId === offerId)!;
    expect((await report({ decisionId: d.decisionId, offerId, reward: 1 })).status).toBe('APPLIED');
    const again = await report({ decisionId: d.decisionId, offerId, reward: 1 });
    expect(again.status).toBe('DUPLICATE');
    expect(again.delta).toBe(0);
    const after = (await stats('bandit')).offers.find((o) => o.offerId === offerId)!;
    expect(after.outcomes).toBe(before.outcomes + 1);
    expect(after.rewards).toBe(before.rewards + 1);
  });

  it('reports an outcome of an unknown decision as UNKNOWN_DECISION', async () => {
    const ack = await report({ decisionId: '01900000-0000-7000-8000-000000000000', offerId: 'low', reward: 1 });
    expect(ack.status).toBe('UNKNOWN_DECISION');
    const invalid = await report({ decisionId: '', offerId: 'low', reward: 1 });
    expect(invalid.status).toBe('INVALID');
    expect(invalid.detail).toContain('decision_id');
  });

  it('refuses an unknown campaign with NOT_FOUND', async () => {
    const err = await callError(t.decisions.Decide.bind(t.decisions), { campaign: 'nope', customerId: 'u1' });
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    expect(err.details).toContain('NUDGE_CAMPAIGN_NOT_FOUND');
  });

  it('refuses a missing customer_id with INVALID_ARGUMENT naming the field', async () => {
    const err = await callError(t.decisions.Decide.bind(t.decisions), { campaign: 'bandit' });
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err.details).toContain('customer_id');
    const tooMany = await callError(t.decisions.Decide.bind(t.decisions), { campaign: 'bandit', customerId: 'u', numOffers: 101 });
    expect(tooMany.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(tooMany.details).toContain('num_offers');
  });

  it('answers DEADLINE_EXCEEDED for a deadline that has already passed', async () => {
    const err = await callError(t.decisions.Decide.bind(t.decisions), { campaign: 'bandit', customerId: 'late' }, { deadline: Date.now() - 1000 });
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
  });

  it('DecideBatch agrees with Decide for the same customers', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `batch-${i}`);
    const context = { tier: 'gold' };
    const batch = await call<object, { decisions: DecideResponse__Output[] }>(t.decisions.DecideBatch.bind(t.decisions), {
      campaign: 'ucb',
      customerIds: ids,
      context,
      numOffers: 3,
    });
    expect(batch.decisions).toHaveLength(ids.length);
    const seen = new Set<string>();
    for (let i = 0; i < ids.length; i++) {
      const one = await decide({ campaign: 'ucb', customerId: ids[i], context, numOffers: 3 });
      const b = batch.decisions[i]!;
      expect(b.segment).toBe('tier=gold');
      expect(b.segment).toBe(one.segment);
      expect(b.control).toBe(one.control);
      expect(b.policy).toBe('ucb1');
      expect(b.offers.map((o) => o.offerId)).toEqual(one.offers.map((o) => o.offerId));
      expect(seen.has(b.decisionId)).toBe(false);
      seen.add(b.decisionId);
    }
    // Stats of one segment, and pooled: 20 batch + 20 single decisions of 3 offers each.
    const seg = await call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign: 'ucb', segment: 'tier=gold' });
    expect(seg.offers.reduce((n, o) => n + o.impressions, 0)).toBe(120);
    const other = await call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign: 'ucb', segment: 'tier=none' });
    expect(other.offers.reduce((n, o) => n + o.impressions, 0)).toBe(0);
    expect(other.offers[0]!.mean).toBeCloseTo(0.5, 9);
    expect((await stats('ucb')).offers.reduce((n, o) => n + o.impressions, 0)).toBe(120);
  });

  it('StreamOutcomes counts each status in its summary', async () => {
    const ds: DecideResponse__Output[] = [];
    for (let i = 0; i < 10; i++) ds.push(await decide({ campaign: 'bandit', customerId: `s${i}` }));
    const summary = await new Promise<Record<string, number>>((resolve, reject) => {
      const stream = t.decisions.StreamOutcomes((err, res) => (err ? reject(err) : resolve(res as unknown as Record<string, number>)));
      for (const d of ds) stream.write({ decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: 0 });
      for (const d of ds.slice(0, 3)) stream.write({ decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: 0 });
      stream.write({ decisionId: '01900000-0000-7000-8000-000000000001', offerId: 'low', reward: 1 });
      stream.write({ decisionId: '', offerId: 'low', reward: 1 });
      stream.end();
    });
    expect(summary).toMatchObject({ applied: 10, duplicate: 3, unknownDecision: 1, invalid: 1, expired: 0, received: 15 });
  });

  it('StreamOutcomes takes a long stream (chunked commits, back-pressure) and answers after the last commit', async () => {
    const n = 12_000;
    const d = await decide({ campaign: 'bandit', customerId: 'long-stream' });
    const summary = await new Promise<Record<string, number>>((resolve, reject) => {
      const stream = t.decisions.StreamOutcomes((err, res) => (err ? reject(err) : resolve(res as unknown as Record<string, number>)));
      let i = 0;
      const pump = (): void => {
        while (i < n) {
          const o = i === n - 1 ? { decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: 1 } : { decisionId: `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`, offerId: 'low', reward: 0 };
          i++;
          if (!stream.write(o)) {
            stream.once('drain', pump);
            return;
          }
        }
        stream.end();
      };
      pump();
    });
    expect(summary).toMatchObject({ applied: 1, unknownDecision: n - 1, received: n });
    // The applied one is durable and visible: a repeat is a duplicate.
    expect((await report({ decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: 1 })).status).toBe('DUPLICATE');
  });

  it('learns: the offer with the best true rate wins', async () => {
    const random = rng(mode === 'inline' ? 7 : 8);
    // Rounds of parallel customers: outcomes arrive after the next decisions, as in production, and
    // the store groups their commits.
    const rounds = 75;
    const parallel = 20;
    for (let r = 0; r < rounds; r++) {
      const ds = await Promise.all(
        Array.from({ length: parallel }, (_, j) => decide({ campaign: 'bandit', customerId: `learn-${r}-${j}` })),
      );
      const acks = await Promise.all(
        ds.map((d) => {
          const offerId = d.offers[0]!.offerId;
          return report({ decisionId: d.decisionId, offerId, reward: random() < TRUE_RATES[offerId]! ? 1 : 0 });
        }),
      );
      for (const a of acks) expect(a.status).toBe('APPLIED');
    }
    const total = rounds * parallel;
    const s = await stats('bandit');
    const byId = Object.fromEntries(s.offers.map((o) => [o.offerId, o]));
    expect(byId['high']!.impressions).toBeGreaterThan(byId['mid']!.impressions);
    expect(byId['high']!.impressions).toBeGreaterThan(byId['low']!.impressions);
    expect(byId['high']!.impressions).toBeGreaterThan(total / 2);
    expect(byId['high']!.pBest).toBeGreaterThan(0.9);
    expect(byId['high']!.mean).toBeGreaterThan(0.2);
    expect(byId['high']!.ciLow).toBeLessThan(byId['high']!.mean);
    expect(byId['high']!.ciHigh).toBeGreaterThan(byId['high']!.mean);
  });
});
