import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { OutcomeAck__Output } from '../../src/generated/nudge/v1/OutcomeAck';
import { loadDemoFeatures } from '../../src/features/demo';
import { call, callError, campaignFile, startTestServer, tempDir, type TestServer } from '../server/helpers';
import { healthCheck, metricValue, scrape } from './helpers';
import { describeService, listServices, unknownSymbolError } from './reflection-client';

let ts: TestServer;

beforeAll(async () => {
  const dataDir = tempDir('obs-data');
  await loadDemoFeatures(dataDir, 50);
  ts = await startTestServer([campaignFile('obs', ['a', 'b', 'c'])], { metricsListen: '127.0.0.1:0' }, { dataDir });
});
afterAll(async () => {
  await ts?.stop();
});

describe('health', () => {
  it('answers SERVING for the server and each service, NOT_FOUND for an unknown one', async () => {
    expect(await healthCheck(ts.server.address)).toBe('SERVING');
    expect(await healthCheck(ts.server.address, 'nudge.v1.DecisionService')).toBe('SERVING');
    expect(await healthCheck(ts.server.address, 'nudge.v1.AdminService')).toBe('SERVING');
    await expect(healthCheck(ts.server.address, 'no.such.Service')).rejects.toMatchObject({ code: 5 });
  });
});

describe('reflection', () => {
  it('lists the services', async () => {
    const names = await listServices(ts.server.address);
    expect(names).toEqual(expect.arrayContaining(['nudge.v1.DecisionService', 'nudge.v1.AdminService']));
  });

  it('describes DecisionService and AdminService with their methods and types', async () => {
    const d = await describeService(ts.server.address, 'nudge.v1.DecisionService');
    expect(d.methods.map((m) => m.name).sort()).toEqual(['Decide', 'DecideBatch', 'ReportOutcome', 'StreamEvents', 'StreamOutcomes', 'TrackEvent']);
    const decide = d.methods.find((m) => m.name === 'Decide')!;
    expect(decide.inputType).toBe('.nudge.v1.DecideRequest');
    expect(decide.outputType).toBe('.nudge.v1.DecideResponse');
    expect(d.methods.find((m) => m.name === 'StreamOutcomes')!.clientStreaming).toBe(true);
    const a = await describeService(ts.server.address, 'nudge.v1.AdminService');
    expect(a.methods.map((m) => m.name)).toEqual(expect.arrayContaining(['PutCampaign', 'GetCampaign', 'ListCampaigns', 'DeleteCampaign', 'GetCampaignStats']));
  });

  it('answers NOT_FOUND for an unknown symbol', async () => {
    expect(await unknownSymbolError(ts.server.address, 'nudge.v1.NoSuchService')).toBe(5);
  });
});

describe('metrics', () => {
  it('exposes request, latency, queue, store and campaign metrics after traffic', async () => {
    expect(ts.server.metricsPort).toBeGreaterThan(0);
    const d = ts.decisions;
    let rewards = 0;
    for (let i = 0; i < 30; i++) {
      const r = await call<object, DecideResponse__Output>(d.Decide.bind(d), { campaign: 'obs', customerId: `m${i}` });
      const reward = i % 3 === 0 ? 1 : 0;
      rewards += reward;
      const ack = await call<object, OutcomeAck__Output>(d.ReportOutcome.bind(d), { decisionId: r.decisionId, offerId: r.offers[0]!.offerId, reward });
      expect(ack.status).toBe('APPLIED');
    }
    const nf = await callError(d.Decide.bind(d), { campaign: 'missing', customerId: 'x' });
    expect(nf.code).toBe(5);

    const text = await scrape(ts.server.metricsPort!);
    expect(metricValue(text, 'nudge_grpc_requests_total', { method: 'Decide', code: 'OK' })).toBe(30);
    expect(metricValue(text, 'nudge_grpc_requests_total', { method: 'Decide', code: 'NOT_FOUND' })).toBe(1);
    expect(metricValue(text, 'nudge_grpc_requests_total', { method: 'ReportOutcome', code: 'OK' })).toBe(30);
    expect(metricValue(text, 'nudge_grpc_errors_total', { method: 'Decide', error: 'NUDGE_CAMPAIGN_NOT_FOUND' })).toBe(1);
    expect(metricValue(text, 'nudge_grpc_request_duration_seconds_count', { method: 'Decide', result: 'ok' })).toBe(30);
    expect(metricValue(text, 'nudge_grpc_request_duration_seconds_count', { method: 'Decide', result: 'error' })).toBe(1);
    expect(metricValue(text, 'nudge_grpc_request_duration_seconds_bucket', { method: 'Decide', result: 'ok', le: '+Inf' })).toBe(30);
    expect(metricValue(text, 'nudge_admission_in_flight')).toBe(0);
    expect(metricValue(text, 'nudge_admission_limit')).toBe(ts.server.options.maxQueue);
    expect(metricValue(text, 'nudge_outcomes_applied')).toBe(30);
    expect(metricValue(text, 'nudge_outcome_commit_seconds')).toBeGreaterThanOrEqual(0);
    expect(metricValue(text, 'nudge_outcome_queued_jobs')).toBe(0);
    expect(metricValue(text, 'nudge_campaign_reward_rate', { campaign: 'obs', group: 'treatment' })).toBeCloseTo(rewards / 30, 10);
    expect(metricValue(text, 'nudge_campaign_mean_delta', { campaign: 'obs' })).toBeTypeOf('number');
    expect(metricValue(text, 'nudge_process_resident_memory_bytes')).toBeGreaterThan(0);
    const age = metricValue(text, 'nudge_feature_snapshot_age_seconds')!;
    expect(age).toBeGreaterThan(0);
    expect(age).toBeLessThan(600);

    // Monitoring: the same figures as GetCampaignStats.
    const stats = await call<object, CampaignStats__Output>(ts.admin.GetCampaignStats.bind(ts.admin), { campaign: 'obs' });
    expect(metricValue(text, 'nudge_calibration_outcomes', { campaign: 'obs' })).toBe(30);
    expect(metricValue(text, 'nudge_calibration_ece', { campaign: 'obs' })).toBeCloseTo(stats.calibration!.ece, 10);
    expect(metricValue(text, 'nudge_calibration_brier', { campaign: 'obs' })).toBeCloseTo(stats.calibration!.brier, 10);
    expect(metricValue(text, 'nudge_model_calibration_ece', { campaign: 'obs', model_version: '' })).toBeCloseTo(stats.calibration!.ece, 10);
    expect(metricValue(text, 'nudge_uplift_verdict', { campaign: 'obs', verdict: stats.upliftVerdict })).toBe(1);
    for (const o of stats.offers) {
      expect(metricValue(text, 'nudge_offer_p_best', { campaign: 'obs', offer: o.offerId })).toBeCloseTo(o.pBest, 10);
      expect(metricValue(text, 'nudge_offer_expected_loss', { campaign: 'obs', offer: o.offerId })).toBeCloseTo(o.expectedLoss, 10);
    }
    for (const f of stats.drift) expect(metricValue(text, 'nudge_feature_drift_samples', { campaign: 'obs', feature: f.feature })).toBeGreaterThan(0);
  });

  it('answers 404 off /metrics', async () => {
    const res = await fetch(`http://127.0.0.1:${ts.server.metricsPort!}/other`);
    expect(res.status).toBe(404);
  });

  it('echoes the x-request-id a client sends', async () => {
    const grpc = await import('@grpc/grpc-js');
    const md = new grpc.Metadata();
    md.set('x-request-id', 'req-123');
    const got = await new Promise<string>((resolve, reject) => {
      const c = ts.decisions.Decide({ campaign: 'obs', customerId: 'rid' }, md, (err) => (err ? reject(err) : undefined));
      c.on('metadata', (m) => resolve(String(m.get('x-request-id')[0])));
    });
    expect(got).toBe('req-123');
  });

  it('sends no x-request-id header on a call that did not send one', async () => {
    const grpc = await import('@grpc/grpc-js');
    const headers = await new Promise<import('@grpc/grpc-js').Metadata>((resolve, reject) => {
      const c = ts.decisions.Decide({ campaign: 'obs', customerId: 'rid' }, new grpc.Metadata(), (err) => (err ? reject(err) : undefined));
      c.on('metadata', resolve);
    });
    expect(headers.get('x-request-id')).toEqual([]);
  });

  it('puts the request id of a failed call in its trailers: the client\'s, else a fresh one', async () => {
    const grpc = await import('@grpc/grpc-js');
    const fail = (md: import('@grpc/grpc-js').Metadata) =>
      new Promise<import('@grpc/grpc-js').ServiceError>((resolve, reject) => {
        ts.decisions.Decide({ campaign: 'no-such-campaign', customerId: 'rid' }, md, (err) => (err ? resolve(err) : reject(new Error('expected an error'))));
      });
    const md = new grpc.Metadata();
    md.set('x-request-id', 'req-err-1');
    const echoed = await fail(md);
    expect(echoed.code).toBe(grpc.status.NOT_FOUND);
    expect(echoed.details).toMatch(/^NUDGE_CAMPAIGN_NOT_FOUND: /);
    expect(echoed.metadata.get('x-request-id')).toEqual(['req-err-1']);
    const fresh = await fail(new grpc.Metadata());
    expect(fresh.details).toMatch(/^NUDGE_CAMPAIGN_NOT_FOUND: /);
    expect(String(fresh.metadata.get('x-request-id')[0])).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
