import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecideBatchResponse__Output } from '../../src/generated/nudge/v1/DecideBatchResponse';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { Event } from '../../src/generated/nudge/v1/Event';
import type { EventAck__Output } from '../../src/generated/nudge/v1/EventAck';
import type { EventSummary__Output } from '../../src/generated/nudge/v1/EventSummary';
import type { OutcomeAck__Output } from '../../src/generated/nudge/v1/OutcomeAck';
import { call, campaignFile, startTestServer, type TestServer } from './helpers';

/**
 * Issue 15 through gRPC on a real server: session features from TrackEvent / StreamEvents, a trigger
 * over them, its window, and "nothing to show" as an answer (Decide and DecideBatch).
 */

const WINDOW_MS = 1500;

const campaigns = [
  campaignFile('pricing', ['discount', 'trial'], {
    session_features: [
      { name: 'pricing_views', event_types: ['view_pricing'], aggregate: 'count', window_ms: 600_000 },
      { name: 'recent_views', event_types: ['view_pricing'], aggregate: 'count', window_ms: WINDOW_MS },
      { name: 'last_plan', event_types: ['view_pricing'], aggregate: 'last', property: 'plan' },
      { name: 'cart_value', event_types: ['add_to_cart'], aggregate: 'sum' },
    ],
    trigger: { '>=': [{ var: 'session.pricing_views' }, 3] },
  }),
  campaignFile('window', ['a'], {
    session_features: [{ name: 'recent_views', event_types: ['view_pricing'], aggregate: 'count', window_ms: WINDOW_MS }],
    trigger: { '>=': [{ var: 'session.recent_views' }, 3] },
  }),
  campaignFile('capped', ['a', 'b'], { fatigue: { max_per_campaign: 1, window_ms: 3_600_000 } }),
  campaignFile('hold-back', ['offer'], { no_action_arm: true, segment_by: ['loyalty'] }),
];

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer(campaigns);
});
afterAll(async () => {
  await ts.stop();
});

const decide = (campaign: string, customerId: string, explain = false): Promise<DecideResponse__Output> =>
  call(ts.decisions.Decide.bind(ts.decisions), { campaign, customerId, explain });
const track = (e: Event): Promise<EventAck__Output> => call(ts.decisions.TrackEvent.bind(ts.decisions), e);

function stream(events: Event[]): Promise<EventSummary__Output> {
  return new Promise((resolve, reject) => {
    const s = ts.decisions.StreamEvents((err: grpc.ServiceError | null, res?: EventSummary__Output) => (err ? reject(err) : resolve(res!)));
    for (const e of events) s.write(e);
    s.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('session features and triggers through TrackEvent', () => {
  it('answers no_action before the third view_pricing event and offers after it', async () => {
    const id = 'track-1';
    const first = await decide('pricing', id);
    expect(first.noAction).toBe(true);
    expect(first.noActionReason).toBe('trigger');
    expect(first.offers).toEqual([]);
    expect(first.decisionId).not.toBe('');
    for (let i = 1; i <= 3; i++) {
      const ack = await track({ customerId: id, type: 'view_pricing', properties: { plan: i === 3 ? 'pro' : 'basic' } });
      expect(ack.status).toBe('ACCEPTED');
      const r = await decide('pricing', id, true);
      if (i < 3) {
        expect(r.noAction).toBe(true);
        expect(r.session.pricing_views).toBe(String(i));
      } else {
        expect(r.noAction).toBe(false);
        expect(r.offers).toHaveLength(1);
        expect(r.session).toMatchObject({ pricing_views: '3', last_plan: 'pro', cart_value: '0' });
      }
    }
  });

  it('counts only the campaign-read types; others are IGNORED, bad ones INVALID with a reason', async () => {
    expect((await track({ customerId: 'track-2', type: 'scroll' })).status).toBe('IGNORED');
    const noType = await track({ customerId: 'track-2', type: '' });
    expect(noType.status).toBe('INVALID');
    expect(noType.detail).toMatch(/type/);
    const future = await track({ customerId: 'track-2', type: 'view_pricing', timestampMs: Date.now() + 3_600_000 });
    expect(future.status).toBe('INVALID');
    expect(future.detail).toMatch(/future/);
    const noCustomer = await track({ customerId: '', type: 'view_pricing' });
    expect(noCustomer.status).toBe('INVALID');
    expect(noCustomer.detail).toMatch(/customer_id/);
  });

  it('the window expires as configured', async () => {
    const id = 'window-1';
    for (let i = 0; i < 3; i++) expect((await track({ customerId: id, type: 'view_pricing' })).status).toBe('ACCEPTED');
    expect((await decide('window', id)).noAction).toBe(false);
    await sleep(WINDOW_MS + 300);
    const later = await decide('window', id);
    expect(later.noAction).toBe(true);
    expect(later.noActionReason).toBe('trigger');
  });

  it('an event time in the past counts from then', async () => {
    const id = 'window-2';
    const old = Date.now() - WINDOW_MS - 500;
    for (let i = 0; i < 3; i++) await track({ customerId: id, type: 'view_pricing', timestampMs: old });
    expect((await decide('window', id)).noAction).toBe(true);
    expect((await decide('pricing', id)).noAction).toBe(false);
  });
});

describe('StreamEvents', () => {
  it('the same through a stream, with per-item statuses in the summary', async () => {
    const id = 'stream-1';
    expect((await decide('pricing', id)).noAction).toBe(true);
    const summary = await stream([
      { customerId: id, type: 'view_pricing' },
      { customerId: id, type: 'view_pricing' },
      { customerId: '', type: 'view_pricing' },
      { customerId: id, type: 'scroll' },
      { customerId: id, type: 'view_pricing', properties: { plan: 'team' } },
    ]);
    expect(summary).toMatchObject({ received: 5, accepted: 3, ignored: 1, invalid: 1 });
    expect(summary.problems).toHaveLength(1);
    expect(summary.problems[0]!.index).toBe(2);
    expect(summary.problems[0]!.detail).toMatch(/customer_id/);
    const r = await decide('pricing', id, true);
    expect(r.noAction).toBe(false);
    expect(r.session.last_plan).toBe('team');
  });

  it('keeps many customers apart in one stream', async () => {
    const events: Event[] = [];
    for (let c = 0; c < 500; c++) for (let i = 0; i < (c % 2 === 0 ? 3 : 2); i++) events.push({ customerId: `many-${c}`, type: 'view_pricing' });
    const summary = await stream(events);
    expect(summary.accepted).toBe(events.length);
    const even = await decide('pricing', 'many-10');
    const odd = await decide('pricing', 'many-11');
    expect(even.noAction).toBe(false);
    expect(odd.noAction).toBe(true);
  });
});

describe('nothing to show is an answer', () => {
  it('a capped customer gets no_action no_eligible_offer, and the decision is logged', async () => {
    const first = await decide('capped', 'cap-x');
    expect(first.noAction).toBe(false);
    const second = await decide('capped', 'cap-x');
    expect(second.noAction).toBe(true);
    expect(second.noActionReason).toBe('no_eligible_offer');
    expect(second.offers).toEqual([]);
    // Logged: an outcome for it names a decision that exists, but no offer of it.
    const ack = await call<object, OutcomeAck__Output>(ts.decisions.ReportOutcome.bind(ts.decisions), { decisionId: second.decisionId, offerId: 'a', reward: 1 });
    expect(ack.status).not.toBe('UNKNOWN_DECISION');
    expect(ack.status).not.toBe('APPLIED');
  });

  it('DecideBatch of 1,000 customers with some capped answers all 1,000', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `batch-${i}`);
    const capped = ids.filter((_, i) => i % 7 === 0);
    for (const id of capped) expect((await decide('capped', id)).noAction).toBe(false);
    const res = await call<object, DecideBatchResponse__Output>(ts.decisions.DecideBatch.bind(ts.decisions), { campaign: 'capped', customerIds: ids });
    expect(res.decisions).toHaveLength(1000);
    const cappedSet = new Set(capped);
    res.decisions.forEach((d, i) => {
      expect(d.error).toBeNull();
      expect(d.decisionId).not.toBe('');
      if (cappedSet.has(ids[i]!)) {
        expect(d.noAction).toBe(true);
        expect(d.noActionReason).toBe('no_eligible_offer');
      } else {
        expect(d.noAction).toBe(false);
        expect(d.offers).toHaveLength(1);
      }
    });
  });
});

describe('no_action_arm through the service', () => {
  it('learns per segment to hold back where customers convert anyway, and to nudge elsewhere', async () => {
    // loyal: 50 % convert without a nudge, 10 % with it; new: 5 % without, 50 % with.
    const rate = { loyal: { 'no-action': 0.5, offer: 0.1 }, new: { 'no-action': 0.05, offer: 0.5 } } as const;
    let seed = 15;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const late = { loyal: 0, new: 0 };
    for (let i = 0; i < 800; i++) {
      const loyalty = i % 2 === 0 ? 'loyal' : 'new';
      const r = await call<object, DecideResponse__Output>(ts.decisions.Decide.bind(ts.decisions), { campaign: 'hold-back', customerId: `hb-${i}`, context: { loyalty } });
      const chosen = r.noAction ? 'no-action' : r.offers[0]!.offerId;
      if (r.noAction) expect(r.noActionReason).toBe('no_action_arm');
      if (i >= 600 && r.noAction) late[loyalty]++;
      const reward = rnd() < rate[loyalty][chosen as 'offer' | 'no-action'] ? 1 : 0;
      const ack = await call<object, OutcomeAck__Output>(ts.decisions.ReportOutcome.bind(ts.decisions), { decisionId: r.decisionId, offerId: chosen, reward });
      expect(ack.status).toBe('APPLIED');
    }
    // Of the last 100 decisions per segment.
    expect(late.loyal).toBeGreaterThan(80);
    expect(late.new).toBeLessThan(20);
  });
});
