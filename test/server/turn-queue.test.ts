import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/config';
import { DecisionEngine } from '../../src/engine/engine';
import { openFeatureReader } from '../../src/features/store';
import type { FeatureReader } from '../../src/features/types';
import type { CampaignStats__Output } from '../../src/generated/nudge/v1/CampaignStats';
import type { DecideRequest__Output } from '../../src/generated/nudge/v1/DecideRequest';
import type { DecideResponse } from '../../src/generated/nudge/v1/DecideResponse';
import { getKernel } from '../../src/kernel';
import { loadNudgeProto } from '../../src/proto';
import { Admission } from '../../src/server/admission';
import { decisionHandlers } from '../../src/server/decision-service';
import { InlineExecutor } from '../../src/server/executor';
import { TurnQueue } from '../../src/server/turn-queue';
import { call, campaignFile, startTestServer, type TestServer } from './helpers';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TurnQueue', () => {
  it('checks its options', () => {
    expect(() => new TurnQueue(null as unknown as () => void, 4)).toThrow(new TypeError('runAll must be a function'));
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new TurnQueue(() => undefined, bad)).toThrow(new RangeError('max must be a positive integer'));
  });

  it('runs every item once, in order, never more than max at a time, and nothing before the end of the turn unless max are waiting', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 6 }), async (max, turns) => {
        const runs: number[][] = [];
        const q = new TurnQueue<number>((items) => runs.push([...items]), max);
        let next = 0;
        for (const n of turns) {
          const before = runs.flat().length;
          for (let i = 0; i < n; i++) q.push(next++);
          // Within the turn only full runs of max have happened.
          expect(runs.flat().length - before).toBe(Math.floor(n / max) * max);
          expect(q.waiting).toBe(n % max);
          await turn();
          expect(q.waiting).toBe(0);
        }
        expect(runs.flat()).toEqual(Array.from({ length: next }, (_, i) => i));
        for (const r of runs) expect(r.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 60 },
    );
  });

  it('with max 1 runs each item at once', () => {
    const seen: number[] = [];
    const q = new TurnQueue<number>((items) => seen.push(...items), 1);
    q.push(1);
    q.push(2);
    expect(seen).toEqual([1, 2]);
  });
});

/** Decide through decisionHandlers with the real engine and store of a running server. */
describe('inline Decide at the end of the turn', () => {
  let t: TestServer;
  let features: FeatureReader;
  beforeAll(async () => {
    t = await startTestServer([campaignFile('tq', ['a', 'b', 'c'])]);
    features = openFeatureReader(t.dataDir);
  });
  afterAll(async () => {
    features?.close();
    await t?.stop();
  });

  const handlersFor = (maxBatch: number) => {
    const d = DEFAULT_OPTIONS;
    const admission = new Admission(d.maxQueue, d.minBudgetMs, 0, null, d.shedIntervalMs);
    const engine = new DecisionEngine({ kernel: getKernel(), features, arms: t.server.store, campaigns: t.server.registry });
    return { admission, handlers: decisionHandlers({ executor: new InlineExecutor(engine), store: t.server.store, admission, maxBatch }) };
  };
  type Answer = { err: Partial<grpc.StatusObject> | null; res: DecideResponse | null | undefined };
  // The request as grpc-js hands it over: proto-loader's decoding, with its defaults.
  const method = loadNudgeProto().nudge.v1.DecisionService.service.Decide!;
  const decoded = (campaign: string, customerId: string): DecideRequest__Output =>
    method.requestDeserialize(method.requestSerialize({ campaign, customerId, numOffers: 1 })) as DecideRequest__Output;
  const decideCall = (customerId: string, deadline: grpc.Deadline = Infinity) => {
    const c = { request: decoded('tq', customerId), getDeadline: () => deadline, cancelled: false };
    return c as typeof c & grpc.ServerUnaryCall<DecideRequest__Output, DecideResponse>;
  };
  const answers = (): { list: Answer[]; cb: grpc.sendUnaryData<DecideResponse> } => {
    const list: Answer[] = [];
    return { list, cb: (err, res) => list.push({ err: err as Partial<grpc.StatusObject> | null, res }) };
  };
  const decisions = async (): Promise<number> => {
    await t.server.store.flush();
    const s = await call<object, CampaignStats__Output>(t.admin.GetCampaignStats.bind(t.admin), { campaign: 'tq' });
    return Number(s.treatment.decisions);
  };

  it('answers the calls of a turn at its end, in order, each decided and logged once', async () => {
    const { admission, handlers } = handlersFor(64);
    const before = await decisions();
    const a = answers();
    for (let i = 0; i < 5; i++) handlers.Decide(decideCall(`u${i}`), a.cb);
    expect(a.list).toHaveLength(0);
    expect(admission.current).toBe(5);
    await turn();
    expect(a.list.map((x) => x.err)).toEqual([null, null, null, null, null]);
    expect(new Set(a.list.map((x) => x.res!.decisionId)).size).toBe(5);
    expect(admission.current).toBe(0);
    expect(await decisions()).toBe(before + 5);
  });

  it('decides at once when maxBatch calls are waiting, and with maxBatch 1 each call at once', async () => {
    const two = handlersFor(2);
    const a = answers();
    two.handlers.Decide(decideCall('v0'), a.cb);
    expect(a.list).toHaveLength(0);
    two.handlers.Decide(decideCall('v1'), a.cb);
    expect(a.list).toHaveLength(2);
    const one = handlersFor(1);
    const b = answers();
    one.handlers.Decide(decideCall('v2'), b.cb);
    expect(b.list).toHaveLength(1);
    expect(b.list[0]!.err).toBeNull();
  });

  it('skips a call cancelled while it waited, and one whose deadline passed: answered, not decided, not logged', async () => {
    const { admission, handlers } = handlersFor(64);
    const before = await decisions();
    const a = answers();
    const cancelled = decideCall('w0');
    handlers.Decide(cancelled, a.cb);
    // 5 ms of budget passes admission (NUDGE_MIN_BUDGET_MS 1); the turn then outlasts it.
    handlers.Decide(decideCall('w1', Date.now() + 5), a.cb);
    handlers.Decide(decideCall('w2'), a.cb);
    cancelled.cancelled = true;
    const until = Date.now() + 15;
    while (Date.now() < until) {
      // the rest of a long turn
    }
    await turn();
    expect(a.list[0]!.err).toEqual({ code: grpc.status.CANCELLED, details: 'the client cancelled the call before it was decided; nothing was decided or logged' });
    expect(a.list[1]!.err!.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(a.list[1]!.err!.details).toMatch(/^NUDGE_DEADLINE_EXCEEDED: the deadline passed \d+ ms before the work started/);
    expect(a.list[2]!.err).toBeNull();
    expect(admission.current).toBe(0);
    expect(await decisions()).toBe(before + 1);
  });

  it('refuses a maxBatch that is not a positive integer', () => {
    const d = DEFAULT_OPTIONS;
    const admission = new Admission(d.maxQueue, d.minBudgetMs, 0, null, d.shedIntervalMs);
    const engine = new DecisionEngine({ kernel: getKernel(), features, arms: t.server.store, campaigns: t.server.registry });
    expect(() => decisionHandlers({ executor: new InlineExecutor(engine), store: t.server.store, admission, maxBatch: 0 })).toThrow(
      new RangeError('deps.maxBatch must be a positive integer'),
    );
  });

  it('serves a burst of concurrent calls from a real client, every one logged once', async () => {
    const before = await decisions();
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call<object, DecideResponse>(t.decisions.Decide.bind(t.decisions), { campaign: 'tq', customerId: `b${i}` }).then((r) => r.decisionId)),
    );
    expect(new Set(ids).size).toBe(50);
    expect(await decisions()).toBe(before + 50);
  });
});
