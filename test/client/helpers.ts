import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import { NudgeClient, type NudgeClientOptions } from '../../src/client/index';
import { call, campaignFile, type TestServer } from '../server/helpers';

export { startTestServer, tempDir, waitFor, type TestServer } from '../server/helpers';

/** `banner`: a plain Thompson campaign; `moments`: reads `view` events into a session feature. */
export const CAMPAIGNS = [
  campaignFile('banner', ['a', 'b', 'c']),
  campaignFile('moments', ['x', 'y'], {
    session_features: [{ name: 'views', event_types: ['view'], aggregate: 'count', window_ms: 3_600_000 }],
  }),
];

/** A client of the test server; reconnects quickly, because tests stop and start servers. */
export function clientOf(address: string, options: NudgeClientOptions = {}): NudgeClient {
  return new NudgeClient({
    address,
    deadlineMs: 10_000,
    ...options,
    channelOptions: { 'grpc.initial_reconnect_backoff_ms': 50, 'grpc.max_reconnect_backoff_ms': 250, ...options.channelOptions },
  });
}

export function stats(ts: TestServer, campaign: string): Promise<CampaignStats__Output> {
  return call<object, CampaignStats__Output>(ts.admin.GetCampaignStats.bind(ts.admin), { campaign }, { deadline: Date.now() + 10_000 });
}

/** Outcomes the server counted for a campaign, over its offers: the figure a double count would raise. */
export async function countedOutcomes(ts: TestServer, campaign: string): Promise<{ outcomes: number; rewards: number }> {
  const s = await stats(ts, campaign);
  return {
    outcomes: s.offers.reduce((n, o) => n + o.outcomes, 0),
    rewards: s.offers.reduce((n, o) => n + o.rewards, 0),
  };
}
