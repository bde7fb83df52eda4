import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CalibrationAccumulator, calibration, calibrationBin } from '../../src/monitoring/calibration';

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const pairs = fc.array(fc.tuple(unit, unit), { maxLength: 200 });

describe('calibrationBin', () => {
  it('puts decimal edges where a reader expects and closes the last bin', () => {
    expect(calibrationBin(0)).toBe(0);
    expect(calibrationBin(0.0999)).toBe(0);
    expect(calibrationBin(0.1)).toBe(1);
    expect(calibrationBin(0.3)).toBe(3); // 0.3 * 10 rounds to exactly 3
    expect(calibrationBin(0.7)).toBe(7);
    expect(calibrationBin(0.9)).toBe(9);
    expect(calibrationBin(1)).toBe(9); // last bin [0.9, 1] is closed
  });
});

describe('calibration', () => {
  it('hand-computed fixture: bins, ECE and Brier', () => {
    const p = [0.05, 0.05, 0.15, 0.95, 0.95, 0.95, 0.95, 1.0];
    const y = [0, 1, 0, 1, 1, 1, 0, 1];
    const r = calibration(p, y);
    expect(r.n).toBe(8);
    // bin 0: p = 0.05, 0.05 -> count 2, mean 0.05, observed 1/2 = 0.5
    expect(r.bins[0].count).toBe(2);
    expect(r.bins[0].meanPredicted).toBeCloseTo(0.05, 15);
    expect(r.bins[0].observedRate).toBe(0.5);
    // bin 1: p = 0.15 -> count 1, mean 0.15, observed 0
    expect(r.bins[1]).toMatchObject({ count: 1, observedRate: 0 });
    expect(r.bins[1].meanPredicted).toBeCloseTo(0.15, 15);
    // bin 9: 0.95 x4 and 1.0 -> count 5, mean (3.8 + 1) / 5 = 0.96, observed 4/5 = 0.8
    expect(r.bins[9].count).toBe(5);
    expect(r.bins[9].meanPredicted).toBeCloseTo(0.96, 14);
    expect(r.bins[9].observedRate).toBeCloseTo(0.8, 15);
    // empty bins
    for (const b of [2, 3, 4, 5, 6, 7, 8]) expect(r.bins[b]).toMatchObject({ count: 0, meanPredicted: null, observedRate: null });
    expect(r.bins[3].lower).toBe(0.3);
    expect(r.bins[3].upper).toBe(0.4);
    // ECE = 2/8 * |0.5 - 0.05| + 1/8 * |0 - 0.15| + 5/8 * |0.8 - 0.96|
    //     = 0.25 * 0.45 + 0.125 * 0.15 + 0.625 * 0.16 = 0.1125 + 0.01875 + 0.1 = 0.23125
    expect(r.ece).toBeCloseTo(0.23125, 14);
    // Brier = (0.05^2 + 0.95^2 + 0.15^2 + 3 * 0.05^2 + 0.95^2 + 0^2) / 8
    //       = (0.0025 + 0.9025 + 0.0225 + 0.0075 + 0.9025 + 0) / 8 = 1.8375 / 8 = 0.2296875
    expect(r.brier).toBeCloseTo(0.2296875, 14);
  });
  it('a constant prediction at the base rate is perfectly calibrated but has Brier p(1-p)', () => {
    // p = 0.25 for 4 outcomes, one reward: bin 2, mean 0.25, observed 1/4 -> ECE 0
    // Brier = (3 * 0.25^2 + 0.75^2) / 4 = (0.1875 + 0.5625) / 4 = 0.1875 = 0.25 * 0.75
    const r = calibration([0.25, 0.25, 0.25, 0.25], [0, 0, 1, 0]);
    expect(r.ece).toBe(0);
    expect(r.brier).toBeCloseTo(0.1875, 15);
  });
  it('no outcomes: empty bins, ECE and Brier null', () => {
    const r = calibration([], []);
    expect(r.n).toBe(0);
    expect(r.ece).toBeNull();
    expect(r.brier).toBeNull();
    expect(r.bins).toHaveLength(10);
  });
  it('ECE and Brier lie in [0, 1]; fractional rewards equal to the prediction give 0', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        const r = calibration(ps.map((x) => x[0]), ps.map((x) => x[1]));
        if (ps.length === 0) return;
        expect(r.ece!).toBeGreaterThanOrEqual(0);
        expect(r.ece!).toBeLessThanOrEqual(1 + 1e-12);
        expect(r.brier!).toBeGreaterThanOrEqual(0);
        expect(r.brier!).toBeLessThanOrEqual(1);
        expect(r.bins.reduce((s, b) => s + b.count, 0)).toBe(ps.length);
        const exact = calibration(ps.map((x) => x[0]), ps.map((x) => x[0]));
        expect(exact.ece!).toBeLessThan(1e-12);
        expect(exact.brier).toBe(0);
      }),
    );
  });
});

describe('CalibrationAccumulator', () => {
  it('merging buckets equals accumulating everything at once', () => {
    fc.assert(
      fc.property(pairs, pairs, (a, b) => {
        const whole = new CalibrationAccumulator();
        for (const [p, y] of [...a, ...b]) whole.add(p, y);
        const left = new CalibrationAccumulator();
        for (const [p, y] of a) left.add(p, y);
        const right = new CalibrationAccumulator();
        for (const [p, y] of b) right.add(p, y);
        const merged = left.merge(right).result();
        const w = whole.result();
        expect(merged.n).toBe(w.n);
        if (w.n > 0) {
          expect(merged.ece!).toBeCloseTo(w.ece!, 10);
          expect(merged.brier!).toBeCloseTo(w.brier!, 10);
        }
        merged.bins.forEach((bin, i) => expect(bin.count).toBe(w.bins[i].count));
      }),
    );
  });
  it('sums() and fromSums() round-trip', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        const acc = new CalibrationAccumulator();
        for (const [p, y] of ps) acc.add(p, y);
        expect(CalibrationAccumulator.fromSums(acc.sums()).result()).toEqual(acc.result());
      }),
    );
  });
  it('checks its arguments', () => {
    const acc = new CalibrationAccumulator();
    expect(() => acc.add(1.2, 0)).toThrow(new RangeError('p must be in [0, 1], got 1.2'));
    expect(() => acc.add(0.5, NaN)).toThrow(new RangeError('y must be in [0, 1], got NaN'));
    expect(() => acc.add('0.5' as never, 0)).toThrow(new TypeError('p must be a number, got a string'));
    expect(() => acc.merge({} as never)).toThrow(new TypeError('other must be a CalibrationAccumulator, got an object'));
    const good = acc.sums();
    expect(() => CalibrationAccumulator.fromSums(null as never)).toThrow(new TypeError('sums must be an object, got null'));
    expect(() => CalibrationAccumulator.fromSums({ ...good, count: [1] })).toThrow(new RangeError('sums.count must have 10 entries, got 1'));
    expect(() => CalibrationAccumulator.fromSums({ ...good, sumReward: 'x' as never })).toThrow(new TypeError('sums.sumReward must be an array of numbers, got a string'));
    const c = [...good.count];
    c[4] = 1.5;
    expect(() => CalibrationAccumulator.fromSums({ ...good, count: c })).toThrow(new RangeError('sums.count[4] must be a non-negative integer, got 1.5'));
    const sr = [...good.sumReward];
    sr[0] = 2;
    expect(() => CalibrationAccumulator.fromSums({ ...good, count: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], sumReward: sr })).toThrow(new RangeError('sums.sumReward[0] must be in [0, count], got 2'));
    expect(() => CalibrationAccumulator.fromSums({ ...good, sumSquaredError: 3 })).toThrow(new RangeError('sums.sumSquaredError must be in [0, n], got 3'));
  });
});

describe('calibration argument checks', () => {
  it('names the argument and the element', () => {
    expect(() => calibration(null as never, [])).toThrow(new TypeError('predicted must be an array of numbers, got null'));
    expect(() => calibration([0.5], {} as never)).toThrow(new TypeError('rewards must be an array of numbers, got an object'));
    expect(() => calibration([0.5, 0.5], [1])).toThrow(new RangeError('rewards must have one entry per prediction (2), got 1'));
    expect(() => calibration([0.5, -0.1], [1, 0])).toThrow(new RangeError('predicted[1] must be in [0, 1], got -0.1'));
    expect(() => calibration([0.5, 0.1], [1, 3])).toThrow(new RangeError('rewards[1] must be in [0, 1], got 3'));
    expect(() => calibration(new Float64Array([0.5]), new Float64Array([1])).n).not.toThrow();
  });
});
