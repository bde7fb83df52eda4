import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveOptions, optionsFromEnv } from '../../src/config';
import { NudgeError, toServiceError } from '../../src/errors';
import { Admission, EventLoopLag, lagIntervalMs, MIN_BUSY_SHARE, MIN_CALLS_PER_MS, type LagSource, type SampleListener } from '../../src/server/admission';
import { admit, call, campaignFile, clients, startTestServer, tempDir, writeCampaigns, type TestServer } from '../server/helpers';
import { killAll, spawnServer } from './helpers';

/** A delay source the test drives by hand: its clock, how overdue the next tick is, busy time, and ticks. */
class FakeDelay implements LagSource {
  t = 0;
  overdue = 0;
  reads = 0;
  busy = 0;
  /** Share of passing time the thread is busy. */
  busyShare = 1;
  private listener: SampleListener | null = null;
  now(): number {
    this.reads++;
    return this.t;
  }
  overdueMs(): number {
    return this.overdue;
  }
  busyMs(): number {
    return this.busy;
  }
  onSample(listener: SampleListener | null): void {
    this.listener = listener;
  }
  /** `ms` pass. */
  pass(ms: number): void {
    this.t += ms;
    this.busy += ms * this.busyShare;
  }
  /** A tick that fired `delayMs` late, at the current time; then `stepMs` pass. */
  tick(delayMs: number, stepMs = 3): void {
    this.listener?.(delayMs, this.t, this.busy);
    this.pass(stepMs);
  }
  /** Ticks of `delayMs` for `forMs`, with `calls` calls reaching admission after each; the answers. */
  run(a: Admission, delayMs: number, forMs: number, calls = 0, stepMs = 3): string[] {
    const out: string[] = [];
    for (let end = this.t + forMs; this.t < end; ) {
      this.tick(delayMs, stepMs);
      for (let i = 0; i < calls; i++) out.push(answer(a));
    }
    return out;
  }
}

/** Admits one call (and releases it at once); 'OK' or the refusal's code and message. */
function answer(a: Admission): string {
  try {
    admit(a, Infinity);
  } catch (err) {
    if (!(err instanceof NudgeError)) throw err;
    return `${err.code}: ${err.message}`;
  }
  a.release();
  return 'OK';
}

const refusedOnly = (answers: string[]): string[] => answers.filter((x) => x !== 'OK');

/** Keeps the main thread busy for `ms` (the server in this process cannot run meanwhile). */
function block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy on purpose
  }
}

function refusal(fn: () => void): { code: string; message: string; grpc: number } {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof NudgeError)) throw err;
    return { code: err.code, message: err.message, grpc: toServiceError(err).code };
  }
  throw new Error('admitted');
}

describe('admission sheds a standing queue, not a burst', () => {
  it('admits a burst whose delay drops below the target within the interval', () => {
    const src = new FakeDelay();
    const a = new Admission(100_000, 0, 5, src);
    src.run(a, 0.2, 30);
    for (let k = 0; k < 10; k++) {
      // 80 ms of late ticks and of calls in turns already late, 50 calls a tick, then one punctual tick.
      src.overdue = 9;
      const burst = src.run(a, 12, 80, 50);
      src.overdue = 0;
      src.tick(1);
      expect(burst.length).toBe(27 * 50);
      expect(refusedOnly(burst)).toEqual([]);
    }
    expect(a.shedding).toBe(false);
  });

  it('refuses with RESOURCE_EXHAUSTED naming the standing delay and the target after an interval above it, and admits again after', () => {
    const src = new FakeDelay();
    const a = new Admission(100, 0, 5, src);
    src.tick(1);
    // 99 ms above the target, 4 calls a tick: admitted.
    expect(refusedOnly(src.run(a, 12.34, 99, 4))).toEqual([]);
    expect(a.shedding).toBe(false);
    src.tick(12.34);
    expect(refusal(() => admit(a, Infinity))).toEqual({
      code: 'NUDGE_OVERLOADED',
      message: 'standing queueing delay 12.3 ms exceeds the target of 5 ms',
      grpc: grpc.status.RESOURCE_EXHAUSTED,
    });
    expect(a.shedding).toBe(true);
    // A batch is refused the same way; a refusal takes no place.
    expect(refusal(() => admit(a, Infinity, 10)).code).toBe('NUDGE_OVERLOADED');
    expect(a.current).toBe(0);
    // The message follows the minimum of the last interval.
    const later = src.run(a, 30, 120, 4);
    expect(new Set(later.slice(-10))).toEqual(new Set(['NUDGE_OVERLOADED: standing queueing delay 30.0 ms exceeds the target of 5 ms']));
    expect(a.standingDelayMs()).toBe(30);
    // At the target is not above it: the queue drained, admitted again at once.
    src.tick(5);
    admit(a, Infinity, 3);
    expect(a.shedding).toBe(false);
    expect(a.current).toBe(3);
    a.release(3);
  });

  it('a standing delay with few calls arriving is not theirs: nothing is refused', () => {
    const src = new FakeDelay();
    const a = new Admission(100, 0, 5, src);
    // 3 calls a tick, 100 calls per 100 ms: the least that sheds (MIN_CALLS_PER_MS).
    expect(MIN_CALLS_PER_MS).toBe(1);
    expect(refusedOnly(src.run(a, 40, 1000, 2))).toEqual([]);
    expect(a.shedding).toBe(false);
    expect(refusedOnly(src.run(a, 40, 200, 4)).length).toBeGreaterThan(0);
    expect(a.shedding).toBe(true);
    // The calls slow down to a trickle: the delay is not theirs any more.
    const trickle = src.run(a, 40, 300, 1);
    expect(refusedOnly(trickle.slice(-30))).toEqual([]);
    expect(a.shedding).toBe(false);
  });

  it('a loop late while mostly idle waits for a CPU: nothing is refused until it is busy', () => {
    const src = new FakeDelay();
    const a = new Admission(100, 0, 5, src);
    expect(MIN_BUSY_SHARE).toBe(0.5);
    src.busyShare = 0.3;
    expect(refusedOnly(src.run(a, 40, 1000, 10))).toEqual([]);
    src.busyShare = 1;
    expect(refusedOnly(src.run(a, 40, 200, 10)).length).toBeGreaterThan(0);
    expect(a.shedding).toBe(true);
  });

  it('sees a loop stuck in one turn through the calls handled in it', () => {
    const src = new FakeDelay();
    const a = new Admission(100_000, 0, 5, src);
    src.tick(0.5);
    // No tick fires; calls report how overdue it is, rising as the turn goes on.
    let refused = 0;
    for (let t = 0; t < 200; t += 0.1) {
      src.pass(0.1);
      src.overdue = t;
      if (answer(a) !== 'OK') refused++;
    }
    expect(refused).toBeGreaterThan(0);
    expect(a.shedding).toBe(true);
    // A call in a turn that is not late says nothing: it does not end the stretch.
    src.overdue = 0;
    expect(refusal(() => admit(a, Infinity)).code).toBe('NUDGE_OVERLOADED');
    // The tick that finally fires on time does.
    src.tick(0.1);
    expect(answer(a)).toBe('OK');
  });

  it('keeps the other refusals and their order as served: draining, then shedding, then deadline, then the in-flight bound', () => {
    const src = new FakeDelay();
    const a = new Admission(2, 10, 5, src);
    const answers = src.run(a, 50, 150, 4);
    expect(answers.at(-1)).toBe('NUDGE_OVERLOADED: standing queueing delay 50.0 ms exceeds the target of 5 ms');
    // The interceptor's refusal comes before the handler reads the deadline.
    expect(refusal(() => admit(a, Date.now() + 1)).code).toBe('NUDGE_OVERLOADED');
    src.tick(0);
    expect(refusal(() => admit(a, Date.now() + 1)).code).toBe('NUDGE_DEADLINE_EXCEEDED');
    expect(refusal(() => admit(a, Date.now() - 5)).message).toMatch(/^the deadline passed \d+ ms before the work started$/);
    admit(a, Infinity, 2);
    expect(refusal(() => admit(a, Infinity)).message).toBe('2 requests in flight (limit 2)');
    a.drain();
    expect(refusal(() => admit(a, Infinity)).code).toBe('NUDGE_SHUTTING_DOWN');
  });

  it('takes its interval from the fifth argument', () => {
    const src = new FakeDelay();
    const a = new Admission(1000, 0, 5, src, 300);
    src.tick(1);
    expect(refusedOnly(src.run(a, 20, 290, 4))).toEqual([]);
    expect(refusedOnly(src.run(a, 20, 12, 4)).length).toBeGreaterThan(0);
  });

  it('a target of 0 never consults the source', () => {
    const src = new FakeDelay();
    const a = new Admission(100, 0, 0, src);
    src.overdue = 1e6;
    expect(refusedOnly(src.run(a, 1e6, 1000, 5))).toEqual([]);
    expect(src.reads).toBe(0);
    expect(a.standingDelayMs()).toBe(0);
    expect(a.shedding).toBe(false);
    expect(new Admission(10, 0).current).toBe(0);
  });

  it('checks its arguments', () => {
    expect(() => new Admission(10, 0, -1, new FakeDelay())).toThrow(new RangeError('targetMs must be a non-negative number'));
    expect(() => new Admission(10, 0, '5' as unknown as number, new FakeDelay())).toThrow(new TypeError('targetMs must be a number'));
    expect(() => new Admission(10, 0, 5)).toThrow(new TypeError('lag must be a LagSource when targetMs > 0'));
    expect(() => new Admission(10, 0, 5, new FakeDelay(), 4)).toThrow(new RangeError('intervalMs must be a number >= targetMs'));
    expect(() => new EventLoopLag(0)).toThrow(new RangeError('intervalMs must be a number >= 1'));
  });
});

describe('shedding options', () => {
  it('maxEventLoopLagMs (the target) defaults to 5, comes from NUDGE_MAX_LAG_MS, and is validated', () => {
    expect(resolveOptions({}).maxEventLoopLagMs).toBe(5);
    expect(optionsFromEnv({ NUDGE_MAX_LAG_MS: '0' }).maxEventLoopLagMs).toBe(0);
    expect(optionsFromEnv({ NUDGE_MAX_LAG_MS: '12' }).maxEventLoopLagMs).toBe(12);
    expect(() => optionsFromEnv({ NUDGE_MAX_LAG_MS: '-1' })).toThrow(new RangeError('NUDGE_MAX_LAG_MS: options.maxEventLoopLagMs must be a non-negative integer'));
    expect(() => resolveOptions({ maxEventLoopLagMs: '5' as unknown as number })).toThrow(new TypeError('options.maxEventLoopLagMs must be a number'));
    expect(() => resolveOptions({ maxEventLoopLagMs: 2.5 })).toThrow(new RangeError('options.maxEventLoopLagMs must be a non-negative integer'));
  });

  it('shedIntervalMs defaults to 100, comes from NUDGE_SHED_INTERVAL_MS, and is at least the target', () => {
    expect(resolveOptions({}).shedIntervalMs).toBe(100);
    expect(optionsFromEnv({ NUDGE_SHED_INTERVAL_MS: '250' }).shedIntervalMs).toBe(250);
    expect(optionsFromEnv({ NUDGE_MAX_LAG_MS: '0', NUDGE_SHED_INTERVAL_MS: '1' }).shedIntervalMs).toBe(1);
    expect(() => optionsFromEnv({ NUDGE_SHED_INTERVAL_MS: '0' })).toThrow(new RangeError('NUDGE_SHED_INTERVAL_MS: options.shedIntervalMs must be a positive integer'));
    expect(() => optionsFromEnv({ NUDGE_SHED_INTERVAL_MS: 'soon' })).toThrow(new RangeError('NUDGE_SHED_INTERVAL_MS must be an integer (got "soon")'));
    expect(() => resolveOptions({ shedIntervalMs: '100' as unknown as number })).toThrow(new TypeError('options.shedIntervalMs must be a number'));
    expect(() => resolveOptions({ shedIntervalMs: 99.5 })).toThrow(new RangeError('options.shedIntervalMs must be a positive integer'));
    expect(() => resolveOptions({ maxEventLoopLagMs: 50, shedIntervalMs: 20 })).toThrow(
      new RangeError('options.shedIntervalMs must be at least options.maxEventLoopLagMs (the target)'),
    );
    expect(() => optionsFromEnv({ NUDGE_MAX_LAG_MS: '50', NUDGE_SHED_INTERVAL_MS: '20' })).toThrow(
      new RangeError('NUDGE_SHED_INTERVAL_MS: options.shedIntervalMs must be at least options.maxEventLoopLagMs (the target)'),
    );
  });

  it('samples at half the target, between 1 and 20 ms', () => {
    expect([0, 1, 5, 10, 100].map(lagIntervalMs)).toEqual([1, 1, 3, 5, 20]);
  });
});

describe('EventLoopLag', () => {
  const turn = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

  it('reports each tick with how late it fired, and how overdue the next one is while the loop is stuck', async () => {
    const l = new EventLoopLag(2);
    const samples: Array<{ delayMs: number; atMs: number; busyMs: number }> = [];
    l.onSample((delayMs, atMs, busyMs) => samples.push({ delayMs, atMs, busyMs }));
    try {
      for (let k = 0; k < 100 && samples.length === 0; k++) await turn();
      const t0 = l.now();
      block(40);
      // Stuck: the next tick is at least 40 - 2 ms overdue (a lower bound; a busy machine only adds).
      expect(l.overdueMs(l.now())).toBeGreaterThanOrEqual(37);
      expect(l.overdueMs(t0 - 1000)).toBe(0);
      const before = samples.length;
      for (let k = 0; k < 5 && samples.length === before; k++) await turn();
      const late = samples.slice(before).find((s) => s.delayMs >= 37);
      expect(late).toBeDefined();
      expect(late!.atMs).toBeGreaterThanOrEqual(t0 + 40);
      expect(l.latestMs).toBeGreaterThanOrEqual(0);
      // The 40 ms of blocking were busy time of the loop.
      expect(late!.busyMs).toBeGreaterThanOrEqual(samples[before - 1]!.busyMs + 39);
      expect(l.ticks).toBeGreaterThanOrEqual(samples.length);
    } finally {
      l.stop();
    }
    const n = samples.length;
    await turn();
    await turn();
    await turn();
    expect(samples.length).toBe(n);
  });
});

describe('a real server process and a grpc-js client', () => {
  afterEach(killAll);

  for (const mode of ['inline', 'pool'] as const) {
    it(`${mode}: answers bursts of 50 concurrent Decide calls on an idle server, none refused`, async () => {
      const campaignsDir = tempDir('campaigns');
      writeCampaigns(campaignsDir, [campaignFile('burst', ['a', 'b', 'c'])]);
      const s = await spawnServer({ NUDGE_DATA_DIR: tempDir('data'), NUDGE_CAMPAIGNS: campaignsDir, NUDGE_MODE: mode, NUDGE_WORKERS: '1' });
      const { decisions: d, admin } = clients(s.address);
      try {
        const decide = (i: number): Promise<string> =>
          call(d.Decide.bind(d), { campaign: 'burst', customerId: `c${i}` }, { deadline: Date.now() + 10_000 }).then(
            () => 'OK',
            (e: grpc.ServiceError) => `${grpc.status[e.code]} ${e.details}`,
          );
        // The connection is up; then the server is idle.
        expect(await decide(0)).toBe('OK');
        for (let round = 0; round < 5; round++) {
          await new Promise((r) => setTimeout(r, 200));
          const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => decide(100 * round + i)));
          expect(answers.filter((a) => a !== 'OK')).toEqual([]);
        }
      } finally {
        d.close();
        admin.close();
      }
    });
  }
});

describe('a real server', () => {
  let ts: TestServer | undefined;
  let hog: NodeJS.Timeout | undefined;
  afterEach(async () => {
    if (hog) clearInterval(hog);
    hog = undefined;
    await ts?.stop();
    ts = undefined;
  });

  const decideWith = (t: TestServer, campaign: string) => {
    const d = t.decisions;
    return (i: number): Promise<string> =>
      call(d.Decide.bind(d), { campaign, customerId: `c${i}` }, { deadline: Date.now() + 10_000 }).then(
        () => 'OK',
        (e: grpc.ServiceError) => `${grpc.status[e.code]} ${e.details}`,
      );
  };

  /**
   * Blocks the main thread 30 ms in every turn of the loop until stopped, and in any case for at most
   * `maxMs`: the server in this process sees a standing queue of at least 27 ms.
   */
  function startHog(maxMs: number): void {
    const end = performance.now() + maxMs;
    hog = setInterval(() => {
      if (performance.now() > end) {
        clearInterval(hog);
        return;
      }
      block(30);
    }, 1);
  }
  function stopHog(): void {
    clearInterval(hog);
    hog = undefined;
  }

  for (const mode of ['inline', 'pool'] as const) {
    it(`${mode}: sheds a sustained overload with RESOURCE_EXHAUSTED (NUDGE_OVERLOADED, standing delay named), and serves again after`, async () => {
      ts = await startTestServer([campaignFile('lag', ['a', 'b', 'c'])], { mode, workers: 1, maxEventLoopLagMs: 5 });
      const decide = decideWith(ts, 'lag');
      expect(await decide(0)).toBe('OK');
      const answers: string[] = [];
      // The standing queue must last an interval (100 ms), with calls arriving (at least 100 in it),
      // before anything is shed: the calls go out in waves of 200 while the loop stays blocked, until
      // some are shed (at most 5 s of blocking).
      startHog(5000);
      try {
        for (let wave = 0; wave < 10 && !answers.some((a) => a !== 'OK'); wave++) {
          answers.push(...(await Promise.all(Array.from({ length: 200 }, (_, i) => decide(1000 + 200 * wave + i)))));
        }
      } finally {
        stopHog();
      }
      const refused = answers.filter((a) => a !== 'OK');
      expect(refused.length).toBeGreaterThan(0);
      for (const a of refused) expect(a).toMatch(/^RESOURCE_EXHAUSTED NUDGE_OVERLOADED: standing queueing delay \d+\.\d ms exceeds the target of 5 ms$/);
      // Once the loop runs freely, requests are admitted again (retried: a shared machine may lag too).
      let after = '';
      for (let i = 0; i < 100 && after !== 'OK'; i++) {
        after = await decide(100 + i);
        if (after !== 'OK') await new Promise((r) => setTimeout(r, 20));
      }
      expect(after).toBe('OK');
      // Recovered: an interval later the server serves as it did before the overload.
      await new Promise((r) => setTimeout(r, 250));
      const later: string[] = [];
      for (let i = 0; i < 20; i++) later.push(await decide(5000 + i));
      expect(later.filter((a) => a !== 'OK')).toEqual([]);
    });
  }
});
