import { describe, expect, it } from 'vitest';
import { backends, campaign, decision, uniqueName, useBackend } from './factories';

/**
 * PrivacyStore: forgetCustomer(customer, token) and tokenSecret() (src/store/types.ts,
 * docs/privacy.md). Node-local effects beyond these (the node log's records, features, other
 * processes) are checked end to end in test/privacy/.
 */

const WINDOW = 3_600_000;
const TOKEN = 'forgotten:0123456789abcdef0123456789abcdef';

describe.each(backends())('PrivacyStore contract: $name', (backend) => {
  const env = useBackend(backend);

  it('removes the customer\'s contact history in every campaign, tokenizes its decisions, and leaves others alone', async () => {
    const store = await env.open();
    const capped = { fatigue: { max_per_campaign: 1, window_ms: WINDOW } };
    const c1 = campaign(uniqueName('p-one'), capped);
    const c2 = campaign(uniqueName('p-two'), capped);
    store.syncCampaign(c1);
    store.syncCampaign(c2);
    const t0 = Date.now();
    const annFirst = decision(c1.name, ['x'], { customerId: 'ann', ts: t0 });
    store.logDecision(annFirst);
    store.logDecision(decision(c2.name, ['y'], { customerId: 'ann', ts: t0 }));
    store.logDecision(decision(c1.name, ['y'], { customerId: 'ann', ts: t0 + 1 }));
    store.logDecision(decision(c1.name, ['x'], { customerId: 'bob', ts: t0 }));
    await env.settle(store);
    expect(store.fatigue!(c1.name, 'ann', t0 + 2)).not.toBeNull();
    expect(store.fatigue!(c2.name, 'ann', t0 + 2)).not.toBeNull();

    expect(await store.forgetCustomer('ann', TOKEN)).toEqual({ contacts: 2, decisions: 3 });
    expect(store.fatigue!(c1.name, 'ann', t0 + 2)).toBeNull();
    expect(store.fatigue!(c2.name, 'ann', t0 + 2)).toBeNull();
    expect(store.fatigue!(c1.name, 'bob', t0 + 2)).not.toBeNull();
    await env.settle(store);
    // Still none after a round trip through the shared state: nothing wrote the history back.
    expect(store.fatigue!(c1.name, 'ann', t0 + 2)).toBeNull();

    // The decision is kept: its outcome still joins, and starts no history under the token or the id.
    const [ack] = await store.applyOutcomes([{ decisionId: annFirst.id, offerId: 'x', reward: 0, timestampMs: 0 }]);
    expect(ack!.status).toBe('APPLIED');
    await env.settle(store);
    expect(store.fatigue!(c1.name, 'ann', t0 + 2)).toBeNull();
    expect(store.fatigue!(c1.name, TOKEN, t0 + 2)).toBeNull();

    // A second time there is nothing left: no contact records, no decision still carrying the id.
    expect(await store.forgetCustomer('ann', TOKEN)).toEqual({ contacts: 0, decisions: 0 });
  });

  it('rewrites decisions still queued when the call comes', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('p-queued'));
    store.syncCampaign(c);
    store.logDecision(decision(c.name, ['x'], { customerId: 'cid-queued' }));
    expect((await store.forgetCustomer('cid-queued', TOKEN)).decisions).toBe(1);
  });

  it('keeps one token secret per installation, across restarts and for every store that shares the state', async () => {
    const store = await env.open();
    const secret = await store.tokenSecret();
    expect(secret.length).toBe(32);
    expect((await store.tokenSecret()).equals(secret)).toBe(true);
    const again = await env.reopen(store);
    expect((await again.tokenSecret()).equals(secret)).toBe(true);
    if (backend.shared) {
      const other = await env.open();
      expect((await other.tokenSecret()).equals(secret)).toBe(true);
    }
  });

  it('refuses an empty customer id or token', async () => {
    const store = await env.open();
    await expect(store.forgetCustomer('', TOKEN)).rejects.toThrow(TypeError);
    await expect(store.forgetCustomer('ann', '')).rejects.toThrow(TypeError);
  });
});
