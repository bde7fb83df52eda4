import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import { call, callError, campaignFile, clients, tempDir, writeCampaigns } from '../server/helpers';
import { killAll, spawnServer } from './helpers';

afterEach(killAll);

const SENTINEL = 'SENTINEL-7f3a9c-do-not-log';

describe('structured logs', () => {
  it('carry request and decision ids at debug level and never a context value', async () => {
    const dataDir = tempDir('logs-data');
    const campaignsDir = tempDir('logs-campaigns');
    writeCampaigns(campaignsDir, [campaignFile('logs', ['a', 'b'])]);
    const s = await spawnServer({ NUDGE_DATA_DIR: dataDir, NUDGE_CAMPAIGNS: campaignsDir, NUDGE_LOG_LEVEL: 'trace' });
    const c = clients(s.address);
    const md = new grpc.Metadata();
    md.set('x-request-id', 'trace-me-1');
    const d = await new Promise<DecideResponse__Output>((resolve, reject) =>
      c.decisions.Decide({ campaign: 'logs', customerId: 'cust-1', context: { secret: SENTINEL, other: `x${SENTINEL}x` } }, md, (e, r) => (e ? reject(e) : resolve(r!))),
    );
    await call(c.decisions.DecideBatch.bind(c.decisions), { campaign: 'logs', customerIds: ['b1', 'b2'], context: { secret: SENTINEL } });
    // Errors too: an oversized value and an unknown campaign, both carrying the sentinel.
    const big = await callError(c.decisions.Decide.bind(c.decisions), { campaign: 'logs', customerId: 'x', context: { secret: SENTINEL.repeat(200) } });
    expect(big.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(big.details).not.toContain(SENTINEL);
    await callError(c.decisions.Decide.bind(c.decisions), { campaign: 'nope', customerId: 'x', context: { secret: SENTINEL } });
    await call(c.decisions.ReportOutcome.bind(c.decisions), { decisionId: d.decisionId, offerId: d.offers[0]!.offerId, reward: 1 });
    c.decisions.close();
    c.admin.close();
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);

    const lines = s.output.join('\n');
    expect(lines).not.toContain(SENTINEL);
    const records = s.output.map((l) => JSON.parse(l) as Record<string, unknown>);
    const decide = records.find((r) => r['requestId'] === 'trace-me-1');
    expect(decide).toMatchObject({ level: 20, method: 'nudge.v1.DecisionService/Decide', code: 'OK', decisionId: d.decisionId });
    expect(records.some((r) => r['method'] === 'nudge.v1.DecisionService/Decide' && r['code'] === 'INVALID_ARGUMENT' && r['error'] === 'NUDGE_INVALID_ARGUMENT')).toBe(true);
    expect(records.some((r) => r['msg'] === 'shutting down')).toBe(true);
  });

  it('NUDGE_LOG_LEVEL=warn drops info and per-call lines', async () => {
    const { createLogger } = await import('../../src/observability/logger');
    const out: string[] = [];
    const logger = createLogger('warn', { write: (l: string) => void out.push(l) });
    logger.debug({ requestId: 'r' }, 'call');
    logger.info({}, 'info');
    logger.warn({ context: { secret: SENTINEL } }, 'warned');
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('warned');
    // Redaction is a second line of defence should a context object ever reach a log call.
    expect(out[0]).not.toContain(SENTINEL);
  });
});
