import fc from 'fast-check';
import * as prom from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/observability/latency-histogram';

const BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.1, 1];
const LABELS = ['method', 'result'] as const;

describe('LatencyHistogram', () => {
  it('exposes exactly what a prom-client Histogram fed the same observations exposes', async () => {
    const observation = fc.record({
      method: fc.constantFrom('Decide', 'DecideBatch', 'ApplyOutcomes'),
      result: fc.constantFrom('ok', 'error'),
      seconds: fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.constantFrom(...BUCKETS)),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 200 }), async (list) => {
        const ours = new prom.Registry();
        const theirs = new prom.Registry();
        const h = new LatencyHistogram({ name: 't_seconds', help: 'help text', labelNames: LABELS, buckets: BUCKETS, registers: [ours] });
        const p = new prom.Histogram({ name: 't_seconds', help: 'help text', labelNames: LABELS, buckets: BUCKETS, registers: [theirs] });
        for (const o of list) {
          h.labels({ method: o.method, result: o.result }).observe(o.seconds);
          p.labels({ method: o.method, result: o.result }).observe(o.seconds);
        }
        expect(await ours.metrics()).toBe(await theirs.metrics());
        expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
      }),
      { numRuns: 100 },
    );
  });

  it('keeps one series per label set, resets with the registry, and refuses a value that is not a number', async () => {
    const r = new prom.Registry();
    const h = new LatencyHistogram({ name: 't_seconds', help: 'h', labelNames: LABELS, buckets: BUCKETS, registers: [r] });
    const a = h.labels({ method: 'Decide', result: 'ok' });
    expect(h.labels({ method: 'Decide', result: 'ok' })).toBe(a);
    a.observe(0.003);
    expect(() => a.observe(Number.NaN)).toThrow(new TypeError('Value is not a valid number: NaN'));
    expect(a.count).toBe(1);
    r.resetMetrics();
    expect(a.count).toBe(0);
    expect(await r.metrics()).toContain('t_seconds_count{method="Decide",result="ok"} 0');
  });

  it('checks its options', () => {
    const r = (): prom.Registry[] => [new prom.Registry()];
    expect(() => new LatencyHistogram({ name: 'bad name', help: 'h', labelNames: LABELS, buckets: BUCKETS, registers: r() })).toThrow(new TypeError('name must be a Prometheus metric name'));
    expect(() => new LatencyHistogram({ name: 't', help: 'h', labelNames: LABELS, buckets: [], registers: r() })).toThrow(new TypeError('buckets must be a non-empty array'));
    expect(() => new LatencyHistogram({ name: 't', help: 'h', labelNames: LABELS, buckets: [0.1, Number.POSITIVE_INFINITY], registers: r() })).toThrow(new TypeError('buckets must be finite numbers'));
    expect(() => new LatencyHistogram({ name: 't', help: 'h', labelNames: LABELS, buckets: [0.1, 0.1], registers: r() })).toThrow(new RangeError('buckets must increase'));
    const h = new LatencyHistogram({ name: 't', help: 'h', labelNames: LABELS, buckets: BUCKETS, registers: r() });
    expect(() => h.labels({ method: 'Decide' } as never)).toThrow(new TypeError('label result must be a string'));
    const shared = new prom.Registry();
    new LatencyHistogram({ name: 't', help: 'h', labelNames: LABELS, buckets: BUCKETS, registers: [shared] });
    expect(() => new LatencyHistogram({ name: 't', help: 'h', labelNames: LABELS, buckets: BUCKETS, registers: [shared] })).toThrow('A metric with the name t has already been registered.');
  });
});
