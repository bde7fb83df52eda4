import { describe, expect, it } from 'vitest';
import { parseOverloadOptions } from '../../bench/overload';
import { capacityFrom, describeVariant, overloadGoal, overloadRate, serverShares, variantsOf, type ServerShares } from '../../bench/overload-h2load';

describe('overload (h2load): counter deltas into shares and rates', () => {
  it('takes OK, RESOURCE_EXHAUSTED and other codes between two readings, over the window', () => {
    const s = serverShares({ OK: 1000, RESOURCE_EXHAUSTED: 50 }, { OK: 7000, RESOURCE_EXHAUSTED: 18_050, DEADLINE_EXCEEDED: 2 }, 6000);
    expect(s).toMatchObject({ ok: 6000, shed: 18_000, other: 2, total: 24_002, acceptedRate: 1000, shedRate: 3000, windowMs: 6000 });
    expect(s!.counts).toEqual({ OK: 6000, RESOURCE_EXHAUSTED: 18_000, DEADLINE_EXCEEDED: 2 });
    expect(s!.okShare).toBe(0.25);
    expect(s!.shedShare).toBe(0.75);
    expect(s!.otherShare).toBe(0);
  });

  it('a code first seen after the run counts from zero; nothing answered gives zero shares', () => {
    const s = serverShares({}, { OK: 10, RESOURCE_EXHAUSTED: 30 }, 1000);
    expect(s).toMatchObject({ ok: 10, shed: 30, okShare: 0.25, shedShare: 0.75, acceptedRate: 10, shedRate: 30 });
    const none = serverShares({ OK: 5 }, { OK: 5 }, 1000);
    expect(none).toMatchObject({ total: 0, okShare: 0, shedShare: 0, acceptedRate: 0 });
    expect(none!.counts).toEqual({});
    expect(serverShares({ OK: 1 }, { OK: 2 }, 0)!.acceptedRate).toBe(0);
  });

  it('is null without both readings (metrics off or unreachable)', () => {
    expect(serverShares(null, { OK: 1 }, 1000)).toBeNull();
    expect(serverShares({ OK: 1 }, null, 1000)).toBeNull();
  });

  it('capacity: h2load req/s times the server OK share (h2load counts a refusal as HTTP 200)', () => {
    expect(capacityFrom(8000, serverShares({ OK: 0 }, { OK: 3000, RESOURCE_EXHAUSTED: 1000 }, 4000))).toBe(6000);
    expect(capacityFrom(8000.4, null)).toBe(8000);
    expect(capacityFrom(8000, serverShares({}, {}, 4000))).toBe(8000);
  });

  it('overload rate: factor x capacity, a whole number of req/s per h2load connection', () => {
    expect(overloadRate(6574, 2, 4)).toBe(13148);
    expect(overloadRate(6575, 2, 4)).toBe(13152);
    expect(overloadRate(1, 0.1, 4)).toBe(4);
    expect(() => overloadRate(0, 2, 4)).toThrow(/^capacity and factor must be positive numbers$/);
    expect(() => overloadRate(100, 2, 0)).toThrow(/^connections must be a positive integer$/);
  });
});

describe('overload (h2load): goal and variants', () => {
  const shares = (counts: Record<string, number>): ServerShares => serverShares({}, counts, 1000)!;

  it('met: accepted p99 within 10 ms, every offered call answered, only OK and RESOURCE_EXHAUSTED', () => {
    expect(overloadGoal({ probeOk: 100, probeOkP99Ms: 9.9, h2loadAnsweredShare: 0.99, h2loadFailed: 0, server: shares({ OK: 5, RESOURCE_EXHAUSTED: 5 }) })).toEqual({ met: true, reasons: [] });
  });

  it('missed, with every reason named', () => {
    const g = overloadGoal({ probeOk: 100, probeOkP99Ms: 32.5, h2loadAnsweredShare: 0.39, h2loadFailed: 3, server: shares({ OK: 5, UNAVAILABLE: 1 }) });
    expect(g.met).toBe(false);
    expect(g.reasons).toEqual([
      'accepted p99 32.5 ms > 10 ms (probe)',
      'h2load got answers to 39% of its offered calls (< 95%): the excess waited at the client instead of being answered',
      '3 h2load streams failed',
      'the server answered 1 calls with other statuses ({"OK":5,"UNAVAILABLE":1})',
    ]);
    expect(overloadGoal({ probeOk: 0, probeOkP99Ms: 0, h2loadAnsweredShare: 1, h2loadFailed: 0, server: null }).reasons).toEqual([
      'the probe got no OK answer',
      'the server counters could not be read: whether the excess was answered RESOURCE_EXHAUSTED is not known',
    ]);
  });

  it('--compare adds shedding off and the HTTP/2-level stream limit', () => {
    expect(variantsOf({ compare: false, compareStreams: 16 }).map((v) => v.key)).toEqual(['overload']);
    const v = variantsOf({ compare: true, compareStreams: 16 });
    expect(v.map((x) => [x.key, x.env])).toEqual([
      ['overload', {}],
      ['overloadWithoutLagShedding', { NUDGE_MAX_LAG_MS: '0' }],
      ['overloadMaxStreams', { NUDGE_MAX_CONCURRENT_STREAMS: '16' }],
    ]);
    expect(v[2]!.meaning).toMatch(/delayed at the client, not answered RESOURCE_EXHAUSTED/);
  });

  it('describes a variant in one line', () => {
    const line = describeVariant({
      label: 'defaults', offeredRate: 13148, acceptedVsCapacity: 0.5, server: shares({ OK: 10, RESOURCE_EXHAUSTED: 30 }),
      probe: { acceptedP50Ms: 1, acceptedP99Ms: 4, acceptedMaxMs: 9, shedShare: 0.7, valid: true },
      h2load: { completedRate: 13000, answeredShare: 0.99, latencyAllMs: { p99: 3 } }, rssMaxMb: 200, rssEndMb: 190, goalMet: true, goalMissed: [],
    });
    expect(line).toBe('defaults: offered 13148/s; server accepted 10/s (0.5 x capacity), shed 75.0% of 40 calls; probe OK p50 1 p99 4 max 9 ms, shed 70.0%; h2load 13000/s answered (99%), p99 all 3 ms; RSS max 200 end 190 MB; goal met');
  });
});

describe('overload options', () => {
  it('defaults and overrides', () => {
    const o = parseOverloadOptions(['--generator', 'h2load']);
    expect(o).toMatchObject({ generator: 'h2load', factor: 2, durationMs: 15000, warmupMs: 2000, capacity: null, connections: 4, capacityStreams: 16, streams: 100, probeRate: 200, compare: false, compareStreams: 16 });
    expect(parseOverloadOptions(['--generator', 'builtin', '--rates', '500,250', '--capacity', '3000', '--compare']).rates).toEqual([250, 500]);
  });

  it('checks each option where it comes in', () => {
    expect(() => parseOverloadOptions(['--generator', 'wrk'])).toThrow(/^--generator must be h2load or builtin$/);
    expect(() => parseOverloadOptions(['--factor', 'abc'])).toThrow(TypeError);
    expect(() => parseOverloadOptions(['--factor', 'abc'])).toThrow(/^--factor must be a number, got "abc"$/);
    expect(() => parseOverloadOptions(['--factor', '0'])).toThrow(RangeError);
    expect(() => parseOverloadOptions(['--factor', '-1'])).toThrow(/^--factor must be a positive number$/);
    expect(() => parseOverloadOptions(['--duration', '1.5'])).toThrow(/^--duration must be a positive integer$/);
    expect(() => parseOverloadOptions(['--warmup', '-1'])).toThrow(/^--warmup must be a non-negative integer$/);
    expect(() => parseOverloadOptions(['--rates', '100,x'])).toThrow(/^--rates must be a comma-separated list of positive numbers$/);
    // h2load takes whole milliseconds (bench/h2load.ts writes -D 1500ms).
    expect(parseOverloadOptions(['--generator', 'h2load', '--duration', '1500']).durationMs).toBe(1500);
    expect(parseOverloadOptions(['--generator', 'builtin', '--duration', '1500']).durationMs).toBe(1500);
  });
});
