import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import { call, campaignFile, clients, tempDir, waitFor, writeCampaigns } from '../server/helpers';
import { healthCheck, killAll, metricValue, scrape, spawnServer } from './helpers';

afterEach(killAll);

describe('a worker that exits (pool mode)', () => {
  it('is replaced; only the requests it held fail, with UNAVAILABLE / NUDGE_WORKER_FAILED; the server serves on', async () => {
    const dataDir = tempDir('crash-worker-data');
    const campaignsDir = tempDir('crash-worker-campaigns');
    writeCampaigns(campaignsDir, [campaignFile('w', ['a', 'b', 'c'])]);
    const s = await spawnServer({
      NUDGE_DATA_DIR: dataDir,
      NUDGE_CAMPAIGNS: campaignsDir,
      NUDGE_MODE: 'pool',
      NUDGE_WORKERS: '2',
      NUDGE_TEST_CRASH_CUSTOMER: 'crash-me',
    });
    const c = clients(s.address);
    const decide = (customerId: string): Promise<DecideResponse__Output> =>
      call<object, DecideResponse__Output>(c.decisions.Decide.bind(c.decisions), { campaign: 'w', customerId }, { deadline: Date.now() + 20_000 });
    try {
      expect(await decide('warm-up')).toMatchObject({ policy: 'thompson' });
      for (let round = 0; round < 3; round++) {
        const normal = Array.from({ length: 60 }, (_, i) => decide(`r${round}-c${i}`).then(() => null, (e: grpc.ServiceError) => e));
        const crash = await decide('crash-me').then(() => null, (e: grpc.ServiceError) => e);
        expect(crash?.code).toBe(grpc.status.UNAVAILABLE);
        expect(crash?.details).toMatch(/^NUDGE_WORKER_FAILED: /);
        const errors = (await Promise.all(normal)).filter((e) => e !== null);
        // The 60 were sent in the same turn as the poison request and share its micro-batch; the dead
        // worker's batch is retried request by request, so only the poison request fails.
        expect(errors.map((e) => `${e.code} ${e.details}`)).toEqual([]);
      }
      // Serves on: every later request succeeds, and the pool is back to its size.
      for (let i = 0; i < 100; i++) expect((await decide(`after-${i}`)).offers.length).toBe(1);
      await waitFor(async () => metricValue(await scrape(s.metricsPort!), 'nudge_pool_threads') === 2);
      expect(await healthCheck(s.address)).toBe('SERVING');
      expect(s.proc.exitCode).toBeNull();
    } finally {
      c.decisions.close();
      c.admin.close();
    }
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });
});
