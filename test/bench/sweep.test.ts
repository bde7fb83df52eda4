import { describe, expect, it } from 'vitest';
import { capacityOf, sweep, type SweepSettings } from '../../bench/sweep';
import type { LoadSummary } from '../../bench/loadgen/types';
import type { LoadRequest } from '../../bench/loadgen/driver';

/** A fake load result whose p99 is p99Ms; enough of LoadSummary for the sweep's judgement. */
function fake(rate: number, p99Ms: number, valid = true): LoadSummary {
  const lat = { count: 100, p50: p99Ms / 2, p90: p99Ms, p99: p99Ms, p999: p99Ms, max: p99Ms, mean: p99Ms / 2 };
  return {
    offeredRate: rate, processes: 1, connections: 1, durationMs: 1, warmupMs: 0, scheduled: 100, sent: 100, completed: 100, ok: 100,
    errors: {}, errorRate: 0, achievedSendRate: rate, achievedRate: rate, latencyMs: lat, latencyFromSentMs: lat,
    lateness: { p99Ms: 0, p999Ms: 0, maxMs: 0 }, generator: { cpuMs: 1, wallMs: 1, cpuShare: 0.1 }, valid, invalidReasons: valid ? [] : ['x'], histograms: { fromScheduled: '', fromSent: '', lateness: '' },
  };
}

const settings: SweepSettings = {
  rates: [100, 200, 300, 400, 500, 600], durationMs: 1, warmupMs: 0, connections: 1, timer: 'nap', client: 'raw',
  sloMs: 10, maxErrorRate: 0.01, stopAfterFailures: 2, driver: {},
};

describe('sweep', () => {
  it('alternates targets per rate and stops a target after two failures in a row', async () => {
    // floor fails from 400 on; nudge fails at 200 only (one miss is tolerated), then from 500 on.
    const p99 = (addr: string, rate: number): number =>
      addr === 'floor' ? (rate >= 400 ? 20 : 1) : rate === 200 || rate >= 500 ? 20 : 2;
    const calls: string[] = [];
    const runner = async (req: LoadRequest): Promise<LoadSummary> => {
      calls.push(`${req.target}@${req.rate}`);
      return fake(req.rate, p99(req.target, req.rate));
    };
    const targets = ['floor', 'nudge'].map((n) => ({ name: n, address: n, pid: -1, alive: () => true }));
    const runs = await sweep(targets, {}, settings, () => {}, runner);
    expect(calls).toEqual([
      'floor@100', 'nudge@100', 'floor@200', 'nudge@200', 'floor@300', 'nudge@300',
      'floor@400', 'nudge@400', 'floor@500', 'nudge@500', 'nudge@600',
    ]);
    expect(capacityOf(runs, 'floor')).toEqual({ rate: 300, firstFailRate: 400, generatorLimited: false, open: false });
    expect(capacityOf(runs, 'nudge')).toEqual({ rate: 400, firstFailRate: 200, generatorLimited: false, open: false });
  });

  it('an invalid run fails and marks the capacity generator-limited', async () => {
    const runner = async (req: LoadRequest): Promise<LoadSummary> => fake(req.rate, 1, req.rate < 300);
    const runs = await sweep([{ name: 'floor', address: 'f', pid: -1, alive: () => true }], {}, settings, () => {}, runner);
    expect(runs.map((r) => r.rate)).toEqual([100, 200, 300, 400]);
    expect(capacityOf(runs, 'floor')).toMatchObject({ rate: 200, generatorLimited: true });
  });
});
