import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import { call, callError, campaignFile, startTestServer, type TestServer } from '../server/helpers';
import { metricValue, scrape } from './helpers';

let ts: TestServer;
beforeAll(async () => {
  // The in-flight bound alone: 400 calls made and answered in this one process keep its event loop
  // late for about half a second, a standing queue that queueing-delay shedding (tested in
  // overload-lag.test.ts) would refuse before the bound is reached.
  ts = await startTestServer([campaignFile('ov', ['a', 'b', 'c'])], {
    mode: 'pool',
    workers: 1,
    maxQueue: 8,
    minBudgetMs: 50,
    maxEventLoopLagMs: 0,
    metricsListen: '127.0.0.1:0',
  });
});
afterAll(async () => {
  await ts?.stop();
});

async function decisions(): Promise<number> {
  const s = await call<object, CampaignStats__Output>(ts.admin.GetCampaignStats.bind(ts.admin), { campaign: 'ov' });
  return s.treatment!.decisions + s.control!.decisions;
}

describe('admission control', () => {
  it('a full queue answers RESOURCE_EXHAUSTED at once; admitted requests are answered', async () => {
    const d = ts.decisions;
    const answers = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        call(d.Decide.bind(d), { campaign: 'ov', customerId: `o${i}` }).then(
          () => 'OK',
          (e: grpc.ServiceError) => `${grpc.status[e.code]} ${e.details.split(':')[0]}`,
        ),
      ),
    );
    const counts: Record<string, number> = {};
    for (const a of answers) counts[a] = (counts[a] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(['OK', 'RESOURCE_EXHAUSTED NUDGE_OVERLOADED']);
    expect(counts['OK']).toBeGreaterThanOrEqual(8);
    const text = await scrape(ts.server.metricsPort!);
    expect(metricValue(text, 'nudge_grpc_errors_total', { method: 'Decide', error: 'NUDGE_OVERLOADED' })).toBe(counts['RESOURCE_EXHAUSTED NUDGE_OVERLOADED']);
    expect(metricValue(text, 'nudge_admission_in_flight')).toBe(0);
    // Shed requests did no work: only the admitted ones were logged as decisions.
    await new Promise((r) => setTimeout(r, 200));
    expect(await decisions()).toBe(counts['OK']);
  });

  it('a deadline that cannot be met answers DEADLINE_EXCEEDED without doing the work', async () => {
    const before = await decisions();
    const d = ts.decisions;
    const err = await callError(d.Decide.bind(d), { campaign: 'ov', customerId: 'late' }, { deadline: Date.now() + 20 });
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    const batch = await callError(d.DecideBatch.bind(d), { campaign: 'ov', customerIds: ['l1', 'l2'] }, { deadline: Date.now() + 20 });
    expect(batch.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await new Promise((r) => setTimeout(r, 200));
    expect(await decisions()).toBe(before);
  });
});
