import type * as prom from 'prom-client';

/**
 * A Prometheus histogram for the per-call latency, registered in a prom-client Registry and exposed by
 * it exactly as a prom-client Histogram is (same value objects from get(), same text).
 *
 * Why not prom-client's Histogram: its observe() converts and validates the label set, hashes it into
 * a string and looks the series up on every call, even through labels(): about 0.6 us per observation
 * here (docs/performance.md), once per answered call on the main thread, the hot path the server is
 * judged by (prometheus/client_js#594 sped up the hash, not the rest). Here a series is a handle made
 * once per label set: an observation is a bucket search over a Float64Array and two additions.
 * prom-client still owns the registry, the exposition format and everything else.
 */
export interface LatencyHistogramConfig<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** Upper bounds in seconds, increasing; +Inf is implied, as in prom-client. */
  readonly buckets: readonly number[];
  readonly registers: readonly prom.Registry[];
}

export class LatencyHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly labelNames: readonly L[];
  private readonly bounds: Float64Array;
  private readonly series = new Map<string, LatencySeries>();

  /** The configuration of prom-client's Histogram, less what this one does not do (exemplars, collect). */
  constructor({ name, help, labelNames, buckets, registers }: LatencyHistogramConfig<L>) {
    if (typeof name !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new TypeError('name must be a Prometheus metric name');
    if (!Array.isArray(buckets) || buckets.length === 0) throw new TypeError('buckets must be a non-empty array');
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i];
      if (typeof b !== 'number' || !Number.isFinite(b)) throw new TypeError('buckets must be finite numbers');
      if (i > 0 && !(b > buckets[i - 1]!)) throw new RangeError('buckets must increase');
    }
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    this.bounds = Float64Array.from(buckets);
    // The registry takes any metric with name, help, type, get() and reset(); its type names only
    // prom-client's own classes.
    for (const r of registers) r.registerMetric(this as unknown as prom.Metric);
  }

  /** The series of one label set (made on first use; keep the handle, it is the fast path). */
  labels(labels: Readonly<Record<L, string>>): LatencySeries {
    const values = this.labelNames.map((n) => {
      const v = labels[n];
      if (typeof v !== 'string') throw new TypeError(`label ${n} must be a string`);
      return v;
    });
    const key = values.join('\u0000');
    let s = this.series.get(key);
    if (s === undefined) {
      const own: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (own[n] = values[i]!));
      s = new LatencySeries(this.bounds, own);
      this.series.set(key, s);
    }
    return s;
  }

  /** What prom-client's Histogram.get() returns: the registry formats this. */
  get(): Promise<HistogramValues> {
    const values: HistogramValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      let acc = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        acc += s.counts[i]!;
        values.push({ value: acc, metricName: bucket, exemplar: null, labels: { le: this.bounds[i]!, ...s.labels } });
      }
      values.push({ value: s.count, metricName: bucket, exemplar: null, labels: { le: '+Inf', ...s.labels } });
      values.push({ value: s.sum, metricName: `${this.name}_sum`, labels: { ...s.labels } });
      values.push({ value: s.count, metricName: `${this.name}_count`, labels: { ...s.labels } });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  reset(): void {
    for (const s of this.series.values()) s.reset();
  }
}

export interface HistogramValue {
  readonly value: number;
  readonly metricName: string;
  /** Bucket values only, always null: prom-client's shape without exemplars. */
  readonly exemplar?: null;
  readonly labels: Readonly<Record<string, string | number>>;
}

export interface HistogramValues {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly aggregator: 'sum';
  readonly values: readonly HistogramValue[];
}

/** One label set's buckets: counts[i] observations in (bounds[i-1], bounds[i]]; above the last only in count. */
export class LatencySeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    private readonly bounds: Float64Array,
    readonly labels: Readonly<Record<string, string>>,
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  /** Seconds; a value that is not a finite number is refused, as prom-client does. */
  observe(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new TypeError(`Value is not a valid number: ${String(seconds)}`);
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (seconds <= b[i]!) {
        this.counts[i]! += 1;
        break;
      }
    }
    this.sum += seconds;
    this.count += 1;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}
