import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeSlices, type SliceRun } from '../../bench/headline-slices';

/** A slice of `ms` at `okPerSecond`, whose server used `share` of a core (main thread `mainShare`). */
function slice(ms: number, okPerSecond: number, share: number, mainShare: number, fromS: number): SliceRun {
  const w = ms / 1000;
  return {
    durationMs: ms,
    okPerSecond,
    completedPerSecond: okPerSecond + 1,
    errors: { FAILED: 1 },
    serverNonOk: { RESOURCE_EXHAUSTED: 2 },
    latencyMs: { p50: 1, p99: 2 },
    serverCpuShare: share,
    mainThreadShare: mainShare,
    mainUsPerCall: (mainShare * 1e6) / okPerSecond,
    processUsPerCall: (share * 1e6) / okPerSecond,
    okPerServerCpuSecond: Math.round(okPerSecond / share),
    window: { fromHrUs: fromS * 1e6, toHrUs: (fromS + w) * 1e6 },
  };
}

describe('mergeSlices: one saturated figure from alternating slices', () => {
  it('is the run itself for one slice, and refuses none', () => {
    const one = slice(4000, 10_000, 1, 0.9, 0);
    expect(mergeSlices([one])).toBe(one);
    expect(() => mergeSlices([])).toThrow(new RangeError('mergeSlices needs at least one run'));
  });

  it('weights rates by time and charges CPU per call as total CPU over total answers', () => {
    const m = mergeSlices([slice(1000, 10_000, 1, 0.8, 0), slice(1000, 5_000, 1, 0.8, 10)]);
    expect(m.durationMs).toBe(2000);
    expect(m.okPerSecond).toBe(7500);
    // 1.6 core-seconds of main thread over 15,000 answers.
    expect(m.mainUsPerCall).toBeCloseTo(106.7, 1);
    expect(m.mainThreadShare).toBe(0.8);
    expect(m.errors).toEqual({ FAILED: 2 });
    expect(m.serverNonOk).toEqual({ RESOURCE_EXHAUSTED: 4 });
    expect(m.latencyMs).toBeNull();
    expect(m.window).toEqual({ fromHrUs: 0, toHrUs: 11e6 });
  });

  it('has no CPU figures when a slice lacks its reading', () => {
    const m = mergeSlices([slice(1000, 10_000, 1, 0.8, 0), { ...slice(1000, 5_000, 1, 0.8, 10), window: null, serverCpuShare: null, mainThreadShare: null }]);
    expect(m.okPerSecond).toBe(7500);
    expect([m.mainUsPerCall, m.processUsPerCall, m.serverCpuShare, m.okPerServerCpuSecond, m.window]).toEqual([null, null, null, null, null]);
  });

  it('slices of one steady run give that run back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1000, max: 30_000 }),
        fc.double({ min: 0.3, max: 1, noNaN: true }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        (n, rate, share, f) => {
          const main = share * f;
          const m = mergeSlices(Array.from({ length: n }, (_, i) => slice(1000, rate, share, main, i * 3)));
          expect(m.okPerSecond).toBe(rate);
          expect(m.mainUsPerCall!).toBeCloseTo((main * 1e6) / rate, 0);
          expect(m.processUsPerCall!).toBeCloseTo((share * 1e6) / rate, 0);
          expect(m.serverCpuShare!).toBeCloseTo(share, 2);
        },
      ),
    );
  });
});
