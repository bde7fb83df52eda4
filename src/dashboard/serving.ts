import type { ServingTotals } from '../observability/metrics';

/**
 * The dashboard's serving panel: decisions per second, Decide latency p50 / p99, shed requests and
 * outcome lag over the last minute, from the server's own Prometheus histogram and counters. A
 * sample of the totals is kept every SAMPLE_MS; rates and quantiles come from the difference between
 * the newest sample and the one a minute before it (quantiles interpolated inside histogram buckets,
 * as Prometheus' histogram_quantile does, so they are as coarse as the buckets).
 */
export const SAMPLE_MS = 5000;
const KEEP = 13;

export interface ServingView {
  /** Seconds the figures cover (up to 60; less just after start). */
  readonly windowSeconds: number;
  readonly decisionsPerSecond: number;
  /** null while no Decide was answered in the window. */
  readonly decideP50Ms: number | null;
  readonly decideP99Ms: number | null;
  readonly shedPerSecond: number;
  readonly shedTotal: number;
  readonly decidedTotal: number;
  readonly outcomeCommitMs: number | null;
  readonly syncAgeMs: number | null;
}

interface Sample {
  readonly at: number;
  readonly totals: ServingTotals;
}

export function quantileFromBuckets(buckets: ReadonlyArray<{ le: number; count: number }>, q: number): number | null {
  const total = buckets.length === 0 ? 0 : buckets[buckets.length - 1]!.count;
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      // The +Inf bucket has no upper edge: answer its lower one.
      if (!Number.isFinite(b.le)) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket <= 0 ? b.le : prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

export class ServingSampler {
  private readonly samples: Sample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly totals: () => Promise<ServingTotals>) {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
    this.timer.unref();
  }

  private async sample(): Promise<Sample> {
    const s = { at: Date.now(), totals: await this.totals() };
    this.samples.push(s);
    if (this.samples.length > KEEP) this.samples.shift();
    return s;
  }

  async view(): Promise<ServingView> {
    // Not kept: the ring holds one sample per SAMPLE_MS however often the page asks.
    const now: Sample = { at: Date.now(), totals: await this.totals() };
    // The oldest kept sample (about a minute old once running), else this one.
    const first = this.samples[0] ?? now;
    const dt = Math.max(0.001, (now.at - first.at) / 1000);
    const a = first.totals;
    const b = now.totals;
    const deltas = b.buckets.map((x, i) => ({ le: x.le, count: x.count - (a.buckets[i]?.le === x.le ? a.buckets[i]!.count : 0) }));
    const single = first === now || now.at - first.at < 1;
    const ms = (v: number | null): number | null => (v === null ? null : v * 1000);
    return {
      windowSeconds: single ? 0 : dt,
      decisionsPerSecond: single ? 0 : (b.decided - a.decided) / dt,
      decideP50Ms: ms(quantileFromBuckets(single ? b.buckets : deltas, 0.5)),
      decideP99Ms: ms(quantileFromBuckets(single ? b.buckets : deltas, 0.99)),
      shedPerSecond: single ? 0 : (b.shed - a.shed) / dt,
      shedTotal: b.shed,
      decidedTotal: b.decided,
      outcomeCommitMs: b.outcomeCommitMs,
      syncAgeMs: b.syncAgeMs,
    };
  }

  close(): void {
    clearInterval(this.timer);
  }
}
