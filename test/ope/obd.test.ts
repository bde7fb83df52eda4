import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getKernel } from '../../src/kernel';
import { evaluate } from '../../src/ope/evaluate';
import { readObd } from '../../src/ope/obd';
import { OBD_MEN_CSV } from '../support/obd';


describe('OBD random/men evaluation', () => {
  it('replays thompson over the pooled log (~10000/34 matched) and estimates with intervals', async () => {
    const data = await readObd(OBD_MEN_CSV);
    const r = evaluate(data, { policy: 'thompson', position: 'pooled', kernel: getKernel(), bootstrap: { resamples: 200 } });
    const s = r.slots[0];
    expect(s.events).toBe(10_000);
    expect(s.logged.value).toBeCloseTo(0.0046, 6);
    const rep = s.estimates[0];
    expect(rep.estimator).toBe('replay');
    // Binomial(10000, 1/34): mean 294, SD 17.
    expect(rep.n).toBeGreaterThan(200);
    expect(rep.n).toBeLessThan(390);
    expect(rep.ci[0]).toBeLessThanOrEqual(rep.value);
    expect(rep.ci[1]).toBeGreaterThanOrEqual(rep.value);
    expect(s.warnings.filter((w) => /uniformly random/.test(w))).toEqual([]);
    // A thompson at its prior is (almost) uniform: IPW is close to the logged CTR.
    const ipw = s.estimates.find((e) => e.estimator === 'ipw');
    expect(Math.abs((ipw?.value ?? 0) - 0.0046)).toBeLessThan(0.0005);
  });

  it('evaluates position 1 by default and each position with "all"', async () => {
    const data = await readObd(OBD_MEN_CSV);
    const one = evaluate(data, { policy: 'random', kernel: getKernel(), bootstrap: { resamples: 20 } });
    expect(one.slots.map((s) => [s.position, s.events])).toEqual([[1, 3284]]);
    const all = evaluate(data, { policy: 'random', position: 'all', kernel: getKernel(), bootstrap: { resamples: 20 } });
    expect(all.slots.map((s) => [s.position, s.events])).toEqual([[1, 3284], [2, 3388], [3, 3328]]);
    expect(() => evaluate(data, { policy: 'random', position: 0 })).toThrow(RangeError);
  });
});
