import { describe, expect, it } from 'vitest';
import { QueueDelayController } from '../../src/server/codel';

/** Feeds `delay(t)` every `stepMs` from `from` to `to` (exclusive), asking shedding() after each sample. */
function run(c: QueueDelayController, from: number, to: number, stepMs: number, delay: (t: number) => number): Array<{ t: number; shed: boolean }> {
  const out: Array<{ t: number; shed: boolean }> = [];
  for (let t = from; t < to; t += stepMs) {
    c.observe(delay(t), t);
    out.push({ t, shed: c.shedding(t) });
  }
  return out;
}

describe('QueueDelayController (CoDel-like)', () => {
  it('checks its arguments', () => {
    expect(() => new QueueDelayController('5' as unknown as number, 100)).toThrow(new TypeError('targetMs must be a number'));
    expect(() => new QueueDelayController(0, 100)).toThrow(new RangeError('targetMs must be a positive number'));
    expect(() => new QueueDelayController(Number.NaN, 100)).toThrow(new RangeError('targetMs must be a positive number'));
    expect(() => new QueueDelayController(5, null as unknown as number)).toThrow(new TypeError('intervalMs must be a number'));
    expect(() => new QueueDelayController(5, 4)).toThrow(new RangeError('intervalMs must be a number >= targetMs'));
    expect(() => new QueueDelayController(5, Number.POSITIVE_INFINITY)).toThrow(new RangeError('intervalMs must be a number >= targetMs'));
    expect(() => new QueueDelayController(5, 100, { minCallsPerMs: '1' as unknown as number })).toThrow(new TypeError('minCallsPerMs must be a number'));
    expect(() => new QueueDelayController(5, 100, { minCallsPerMs: -1 })).toThrow(new RangeError('minCallsPerMs must be a non-negative number'));
    expect(() => new QueueDelayController(5, 100, { minBusyShare: null as unknown as number })).toThrow(new TypeError('minBusyShare must be a number'));
    expect(() => new QueueDelayController(5, 100, { minBusyShare: 1.5 })).toThrow(new RangeError('minBusyShare must be in [0, 1]'));
    const c = new QueueDelayController(5, 100);
    expect([c.targetMs, c.intervalMs, c.isShedding, c.standingMs(0), c.stretchMs(0)]).toEqual([5, 100, false, 0, 0]);
  });

  it('never sheds a burst whose minimum drops below the target within the interval', () => {
    const c = new QueueDelayController(5, 100);
    // Idle, then a burst: 90 ms of samples far above the target (a queue building and draining), then the
    // queue is empty again. Repeated: bursts back to back, each draining once, are still bursts.
    run(c, 0, 50, 3, () => 0.3);
    for (let k = 0; k < 5; k++) {
      const start = 50 + k * 100;
      const burst = run(c, start, start + 90, 3, (t) => 40 - Math.abs(t - start - 45) * 0.5);
      expect(burst.filter((s) => s.shed)).toEqual([]);
      expect(c.stretchMs(start + 89)).toBeGreaterThan(5);
      const drained = run(c, start + 90, start + 100, 3, () => 1);
      expect(drained.filter((s) => s.shed)).toEqual([]);
    }
    // One huge stall (a major GC, a snapshot load) is one sample: nothing.
    c.observe(800, 1000);
    expect(c.shedding(1000)).toBe(false);
    expect(c.shedding(1099)).toBe(false);
    c.observe(0.5, 1003);
    expect(c.shedding(1200)).toBe(false);
    expect(c.isShedding).toBe(false);
  });

  it('sheds a delay that stays above the target for an interval, naming its minimum, and stops when it drops', () => {
    const c = new QueueDelayController(5, 100);
    run(c, 0, 30, 3, () => 1);
    // From t = 30 every sample is at least 8 ms: a standing queue.
    const sustained = run(c, 30, 300, 3, (t) => 8 + ((t * 7) % 13));
    const firstShed = sustained.find((s) => s.shed)!;
    expect(firstShed.t).toBeGreaterThanOrEqual(130);
    expect(firstShed.t).toBeLessThan(133);
    expect(sustained.filter((s) => s.t < 130).every((s) => !s.shed)).toBe(true);
    expect(sustained.filter((s) => s.t >= 130).every((s) => s.shed)).toBe(true);
    // The standing delay is the smallest sample of the last interval.
    expect(c.standingMs(297)).toBeGreaterThanOrEqual(8);
    expect(c.standingMs(297)).toBeLessThan(9);
    expect(c.stretchMs(297)).toBe(c.standingMs(297));
    expect(c.isShedding).toBe(true);
    // Between samples the answer holds.
    expect(c.shedding(299)).toBe(true);
    // One sample at or below the target: the queue drained, shedding stops at once.
    c.observe(5, 300);
    expect(c.shedding(300)).toBe(false);
    expect(c.isShedding).toBe(false);
    expect(c.standingMs(300)).toBe(5);
    // A queue that comes back within an interval of that is shed from its first sample above the target.
    c.observe(9, 303);
    expect(c.shedding(303)).toBe(true);
    c.observe(2, 306);
    expect(c.shedding(306)).toBe(false);
    // After an interval below the target, a new stretch is a burst again until it lasts an interval.
    run(c, 306, 420, 3, () => 1);
    const again = run(c, 420, 600, 3, () => 20);
    expect(again.find((s) => s.shed)!.t).toBeGreaterThanOrEqual(520);
    expect(again.filter((s) => s.t < 520).every((s) => !s.shed)).toBe(true);
    // Recovery: the delay drops, shedding stops, and the standing delay falls with it.
    const recovered = run(c, 600, 800, 3, () => 0.5);
    expect(recovered.every((s) => !s.shed)).toBe(true);
    expect(c.standingMs(799)).toBe(0.5);
    expect(c.stretchMs(799)).toBe(0);
  });

  it('sheds a loop stuck in one long turn, seen only through samples above the target', () => {
    const c = new QueueDelayController(5, 100);
    c.observe(1, 0);
    // No tick fires while the loop is stuck; calls handled meanwhile report how overdue the tick is.
    const stuck: boolean[] = [];
    for (let t = 10; t <= 150; t += 0.01) {
      c.observe(t - 3, t);
      stuck.push(c.shedding(t));
    }
    expect(stuck.indexOf(true)).toBeGreaterThan(0);
    expect(stuck.slice(stuck.indexOf(true)).every(Boolean)).toBe(true);
    // The minimum of the last interval: the oldest sample still in it.
    expect(c.stretchMs(150)).toBeGreaterThan(45);
    expect(c.stretchMs(150)).toBeLessThan(49);
  });

  it('forgets samples older than the interval, and holds a clock that steps back', () => {
    const c = new QueueDelayController(5, 100);
    c.observe(2, 0);
    c.observe(30, 50);
    expect(c.standingMs(99)).toBe(2);
    expect(c.standingMs(100)).toBe(30);
    expect(c.standingMs(150)).toBe(0);
    // An earlier time than already seen counts as the latest one.
    c.observe(7, 160);
    c.observe(6, 10);
    expect(c.standingMs(20)).toBe(6);
    expect(c.stretchMs(20)).toBe(6);
  });

  it('keeps a bounded window under any number of samples', () => {
    const c = new QueueDelayController(5, 100);
    // Rising samples are all candidates for a window minimum; the window keeps about 100 of them.
    for (let i = 0; i < 200_000; i++) c.observe(6 + i * 1e-4, i * 0.005);
    expect(c.shedding(999.995)).toBe(true);
    const m = c.standingMs(999.995);
    expect(m).toBeGreaterThan(6 + (900 / 0.005) * 1e-4 - 0.1);
    expect(m).toBeLessThan(6 + (900 / 0.005) * 1e-4 + 0.3);
  });

  it('counts arrivals over about the last interval', () => {
    const c = new QueueDelayController(5, 100);
    expect(c.arrivals(0)).toBe(0);
    for (let t = 0; t < 100; t += 1) c.arrive(t);
    expect(c.arrivals(99)).toBe(100);
    // Half of the previous bucket is still in the window.
    c.arrive(150);
    expect(c.arrivals(150)).toBe(51);
    expect(c.arrivals(199)).toBeCloseTo(1 + 100 * 0.01);
    // The bucket before has left it.
    expect(c.arrivals(250)).toBeCloseTo(0.5);
    expect(c.arrivals(300)).toBe(0);
    c.arrive(1000);
    expect(c.arrivals(1000)).toBe(1);
  });

  it('tells how busy the thread was over about the last interval from the busy times samples carry', () => {
    const c = new QueueDelayController(5, 100);
    expect(c.busyShare(0, 0)).toBe(1);
    // Busy 20% of the time for 500 ms, then all the time.
    for (let t = 0; t <= 500; t += 3) c.observe(20, t, t * 0.2);
    expect(c.busyShare(500, 100)).toBeCloseTo(0.2, 1);
    for (let t = 503; t <= 800; t += 3) c.observe(20, t, 100 + (t - 500));
    expect(c.busyShare(800, 400)).toBe(1);
    // Clamped, and 1 when no time has passed.
    expect(c.busyShare(800, 1e9)).toBe(1);
    expect(c.busyShare(800, -1e9)).toBe(0);
    const d = new QueueDelayController(5, 100);
    d.observe(1, 10, 3);
    expect(d.busyShare(10, 3)).toBe(1);
    expect(d.busyShare(20, 4)).toBeCloseTo(0.1);
  });

  it('sheds only while enough calls arrive and the thread is busy enough (the gates)', () => {
    const c = new QueueDelayController(5, 100, { minCallsPerMs: 1, minBusyShare: 0.5 });
    let busy = 0;
    let share = 1;
    const step = (t: number, calls: number): boolean => {
      busy += 3 * share;
      for (let i = 0; i < calls; i++) c.arrive(t);
      c.observe(30, t, busy);
      return c.shedding(t, () => busy);
    };
    // A standing delay with a trickle of calls (one a tick, ~33 per 100 ms): not theirs, never shed.
    const trickle: boolean[] = [];
    for (let t = 0; t < 1000; t += 3) trickle.push(step(t, 1));
    expect(trickle.some(Boolean)).toBe(false);
    // Four a tick (~133 per 100 ms): shed once a full interval of them has arrived.
    let t = 1000;
    const flood: boolean[] = [];
    for (; t < 1300; t += 3) flood.push(step(t, 4));
    expect(flood.indexOf(true)).toBeGreaterThan(0);
    expect(flood.slice(flood.indexOf(true)).every(Boolean)).toBe(true);
    expect(c.isShedding).toBe(true);
    // The thread goes mostly idle (its CPU taken by another process): the episode ends.
    share = 0.2;
    const idle: boolean[] = [];
    for (; t < 1600; t += 3) idle.push(step(t, 4));
    expect(idle.at(-1)).toBe(false);
    expect(c.isShedding).toBe(false);
    // Busy again: shed again, at once (the stretch never ended).
    share = 1;
    const again: boolean[] = [];
    for (; t < 1900; t += 3) again.push(step(t, 4));
    expect(again.at(-1)).toBe(true);
    // Without a busy reader the busy gate is not applied.
    share = 0;
    for (; t < 2200; t += 3) step(t, 4);
    expect(c.shedding(t)).toBe(true);
  });
});
