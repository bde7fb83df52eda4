import { status as grpcStatus } from '@grpc/grpc-js';
import * as prom from 'prom-client';
import type { SessionStoreStats } from '../sessions/types';
import type { LearningStore } from '../store/types';
import { LatencyHistogram, type LatencySeries } from './latency-histogram';
import { registerMonitorGauges, type StatsSource } from './monitor-metrics';

/** Readings the metrics take at scrape time (nothing is polled between scrapes). */
export interface MetricsSources {
  /** Decide requests in flight (admitted, not answered). */
  inFlight(): number;
  readonly maxQueue: number;
  /** Pool figures; null in inline mode. */
  pool(): { utilization: number; queueSize: number; threads: number } | null;
  readonly store: LearningStore;
  /** Names of the live campaigns. */
  campaigns(): string[];
  /** Seconds since the served feature snapshot was created; null without a snapshot. */
  featureSnapshotAgeSeconds(): number | null;
  /** GetCampaignStats of every live campaign, for the monitoring gauges (monitor-metrics.ts). */
  campaignStats?: StatsSource;
  /** The session store's figures (docs/events.md). */
  sessions?: () => SessionStoreStats;
}

/**
 * Store figures the stores report (LmdbStore.metrics(), RedisStore.metrics()); a figure a store does
 * not have is left out of the exposition.
 */
interface StoreFigures {
  pendingDecisions?: number;
  commits?: number;
  lastCommitMs?: number;
  queuedJobs?: number;
  outcomesApplied?: number;
  defaultRewardsApplied?: number;
  posteriorErrors?: number;
  degraded?: boolean;
  syncAgeMs?: number;
  spooledDecisions?: number;
  droppedDecisions?: number;
  retentionRemoved?: number;
}

function storeFigures(store: LearningStore): StoreFigures | null {
  const m = (store as { metrics?: () => StoreFigures }).metrics;
  return typeof m === 'function' ? m.call(store) : null;
}

export interface ServingTotals {
  /** Decide calls answered OK since start. */
  readonly decided: number;
  /** Decide / DecideBatch calls refused with RESOURCE_EXHAUSTED (shed) since start. */
  readonly shed: number;
  /** Cumulative latency histogram of Decide calls answered OK (seconds). */
  readonly buckets: ReadonlyArray<{ readonly le: number; readonly count: number }>;
  /** Embedded store: the last group commit (how long an outcome waits for its ack). */
  readonly outcomeCommitMs: number | null;
  /** Redis store: the age of the local copy (how late other replicas' outcomes are seen). */
  readonly syncAgeMs: number | null;
}

/** The metrics of one (method, status) pair: calls counted since the counter was last read. */
interface CallChild {
  readonly labels: { method: string; code: string };
  calls: number;
  readonly latency: LatencySeries;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** gRPC status number -> its name ("OK", "RESOURCE_EXHAUSTED"), the label Prometheus users expect. */
export function statusName(code: number): string {
  return (grpcStatus as unknown as Record<number, string>)[code] ?? String(code);
}

/**
 * Every Prometheus metric of one server, in a registry of its own (several servers can live in one
 * process, e.g. in tests). Label values are method names, status names, error codes and campaign
 * names: never anything a customer's request carries.
 */
export class ServerMetrics {
  readonly registry = new prom.Registry();
  private readonly requests: prom.Counter<'method' | 'code'>;
  private readonly errors: prom.Counter<'method' | 'error'>;
  private noAction!: prom.Counter<'campaign' | 'reason'>;
  private readonly latency: LatencyHistogram<'method' | 'result'>;
  /** method -> gRPC status code -> its child (below). */
  private readonly children = new Map<string, Array<CallChild | undefined>>();

  constructor(private readonly src: MetricsSources) {
    const registers = [this.registry];
    prom.collectDefaultMetrics({ register: this.registry, prefix: 'nudge_' });
    this.requests = new prom.Counter({
      name: 'nudge_grpc_requests_total',
      help: 'gRPC calls answered, by method and status',
      labelNames: ['method', 'code'],
      registers,
      // Calls are counted in plain numbers and handed to prom-client when it is read (a scrape, the
      // dashboard's serving panel): its inc() hashes the label set on every call.
      collect: () => this.flushRequests(),
    });
    this.errors = new prom.Counter({
      name: 'nudge_grpc_errors_total',
      help: 'gRPC calls answered with an error, by method and Nudge error code',
      labelNames: ['method', 'error'],
      registers,
    });
    this.latency = new LatencyHistogram({
      name: 'nudge_grpc_request_duration_seconds',
      help: 'Time from receiving a call to answering it, by method (Decide latency: method="Decide") and result (ok: answered OK; error: any error status, sheds included)',
      labelNames: ['method', 'result'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.gauges(registers);
  }

  /** Records one answered call. */
  observe(method: string, code: number, errorCode: string | null, seconds: number): void {
    let byCode = this.children.get(method);
    if (byCode === undefined) this.children.set(method, (byCode = []));
    let c = byCode[code];
    if (c === undefined) {
      c = {
        labels: { method, code: statusName(code) },
        calls: 0,
        latency: this.latency.labels({ method, result: code === grpcStatus.OK ? 'ok' : 'error' }),
      };
      byCode[code] = c;
    }
    c.calls += 1;
    if (errorCode !== null) this.errors.inc({ method, error: errorCode });
    c.latency.observe(seconds);
  }

  private flushRequests(): void {
    for (const byCode of this.children.values()) {
      for (const c of byCode) {
        if (c === undefined || c.calls === 0) continue;
        this.requests.inc(c.labels, c.calls);
        c.calls = 0;
      }
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Totals since start that the dashboard's serving panel turns into rates (src/dashboard/serving.ts). */
  async servingTotals(): Promise<ServingTotals> {
    const [req, lat] = await Promise.all([this.requests.get(), this.latency.get()]);
    let decided = 0;
    let shed = 0;
    for (const v of req.values) {
      const m = v.labels['method'];
      if (m !== 'Decide' && m !== 'DecideBatch') continue;
      if (v.labels['code'] === 'OK' && m === 'Decide') decided += v.value;
      if (v.labels['code'] === 'RESOURCE_EXHAUSTED') shed += v.value;
    }
    const buckets: Array<{ le: number; count: number }> = [];
    for (const v of lat.values) {
      if (v.metricName !== 'nudge_grpc_request_duration_seconds_bucket' || v.labels['method'] !== 'Decide' || v.labels['result'] !== 'ok') continue;
      const le = (v.labels as Record<string, string | number | undefined>)['le'];
      buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: v.value });
    }
    buckets.sort((a, b) => a.le - b.le);
    const f = storeFigures(this.src.store);
    return { decided, shed, buckets, outcomeCommitMs: f?.lastCommitMs ?? null, syncAgeMs: f?.syncAgeMs ?? null };
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private gauges(registers: prom.Registry[]): void {
    const src = this.src;
    new prom.Gauge({
      name: 'nudge_admission_in_flight',
      help: 'Decide requests admitted and not yet answered (the admission queue depth)',
      registers,
      collect() {
        this.set(src.inFlight());
      },
    });
    new prom.Gauge({ name: 'nudge_admission_limit', help: 'Most Decide requests admitted at once (NUDGE_MAX_QUEUE)', registers }).set(src.maxQueue);
    new prom.Gauge({
      name: 'nudge_pool_utilization',
      help: 'Share of the worker pool busy since start (Piscina utilization, 0..1); absent inline',
      registers,
      collect() {
        const p = src.pool();
        if (p !== null) this.set(p.utilization);
      },
    });
    new prom.Gauge({
      name: 'nudge_pool_queue_size',
      help: 'Micro-batch tasks waiting for a worker',
      registers,
      collect() {
        const p = src.pool();
        if (p !== null) this.set(p.queueSize);
      },
    });
    new prom.Gauge({
      name: 'nudge_pool_threads',
      help: 'Live worker threads',
      registers,
      collect() {
        const p = src.pool();
        if (p !== null) this.set(p.threads);
      },
    });
    this.storeGauges(registers);
    this.campaignGauges(registers);
    if (src.campaignStats !== undefined) registerMonitorGauges(registers, src.campaignStats);
    if (src.sessions !== undefined) this.sessionMetrics(registers, src.sessions);
    this.noAction = new prom.Counter({
      name: 'nudge_no_action_total',
      help: 'Decisions that showed nothing, by campaign and reason (trigger, no_eligible_offer, min_probability, no_action_arm)',
      labelNames: ['campaign', 'reason'],
      registers,
    });
    new prom.Gauge({
      name: 'nudge_feature_snapshot_age_seconds',
      help: 'Age of the served feature snapshot (since it was created)',
      registers,
      collect() {
        const age = src.featureSnapshotAgeSeconds();
        if (age !== null) this.set(age);
      },
    });
  }

  /** Counts one decision that showed nothing. */
  noActionDecision(campaign: string, reason: string): void {
    this.noAction.inc({ campaign, reason });
  }

  private sessionMetrics(registers: prom.Registry[], stats: () => SessionStoreStats): void {
    new prom.Gauge({ name: 'nudge_session_customers', help: 'Customers whose session events are kept in memory', registers, collect() { this.set(stats().customers); } });
    new prom.Gauge({ name: 'nudge_session_bytes', help: 'Memory the in-memory session store accounts for (bytes)', registers, collect() { this.set(stats().bytes); } });
    let seen = 0;
    new prom.Counter({
      name: 'nudge_session_evictions_total',
      help: 'Customers whose session events were dropped (least recently active first) to stay within NUDGE_SESSION_MEMORY',
      registers,
      collect() {
        const n = stats().evictions;
        if (n > seen) this.inc(n - seen);
        seen = n;
      },
    });
  }

  private storeGauges(registers: prom.Registry[]): void {
    const store = this.src.store;
    const gauge = (name: string, help: string, pick: (f: StoreFigures) => number | undefined): void => {
      new prom.Gauge({
        name,
        help,
        registers,
        collect() {
          const f = storeFigures(store);
          const v = f === null ? undefined : pick(f);
          if (v !== undefined && Number.isFinite(v)) this.set(v);
        },
      });
    };
    gauge('nudge_store_pending_decisions', 'Decisions logged but not yet committed to LMDB', (f) => f.pendingDecisions);
    gauge('nudge_outcome_queued_jobs', 'Outcome batches and sweeps waiting for the next group commit (outcome lag, in jobs)', (f) => f.queuedJobs);
    gauge('nudge_outcome_commit_seconds', 'Duration of the last group commit: how long an outcome waits for its ack (outcome lag)', (f) =>
      f.lastCommitMs === undefined ? undefined : f.lastCommitMs / 1000,
    );
    gauge('nudge_store_commits', 'Group commits since start', (f) => f.commits);
    gauge('nudge_outcomes_applied', 'Outcomes applied since start', (f) => f.outcomesApplied);
    gauge('nudge_default_rewards_applied', 'Default rewards applied since start', (f) => f.defaultRewardsApplied);
    gauge('nudge_posterior_errors', 'Posterior updates that failed (arena full) since start', (f) => f.posteriorErrors);
    gauge('nudge_store_degraded', '1 while the shared store (Redis) is unreachable and Decide serves from the local copy', (f) =>
      f.degraded === undefined ? undefined : f.degraded ? 1 : 0,
    );
    gauge('nudge_store_sync_age_seconds', 'Age of the local copy of posteriors and counters (Redis store)', (f) =>
      f.syncAgeMs === undefined ? undefined : f.syncAgeMs / 1000,
    );
    gauge('nudge_store_spooled_decisions', 'Decisions in the local spool waiting for Redis', (f) => f.spooledDecisions);
    gauge('nudge_decisions_retention_removed', 'Decisions removed from the decision log by retention (NUDGE_DECISION_RETENTION) since start', (f) => f.retentionRemoved);
    gauge('nudge_store_dropped_decisions', 'Decisions not spooled because the spool was full, since start', (f) => f.droppedDecisions);
  }

  private campaignGauges(registers: prom.Registry[]): void {
    const src = this.src;
    new prom.Gauge({
      name: 'nudge_campaign_reward_rate',
      help: 'Rewards per decision, by campaign and group (treatment, control)',
      labelNames: ['campaign', 'group'],
      registers,
      collect() {
        this.reset();
        for (const name of src.campaigns()) {
          const c = src.store.counters(name);
          for (const [group, g] of [['treatment', c.treatment], ['control', c.control]] as const) {
            this.set({ campaign: name, group }, g.decisions > 0 ? g.rewards / g.decisions : 0);
          }
        }
      },
    });
    new prom.Gauge({
      name: 'nudge_campaign_mean_delta',
      help: 'Mean of reward minus predicted probability over the outcomes of a campaign (calibration)',
      labelNames: ['campaign'],
      registers,
      collect() {
        this.reset();
        for (const name of src.campaigns()) {
          let n = 0;
          let sum = 0;
          for (const o of src.store.counters(name).offers) {
            n += o.outcomes;
            sum += o.deltaSum;
          }
          this.set({ campaign: name }, n > 0 ? sum / n : 0);
        }
      },
    });
  }
}
