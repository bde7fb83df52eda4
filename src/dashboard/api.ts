import type { CampaignRegistry } from '../campaigns/registry';
import type { CampaignConfig } from '../campaigns/types';
import type { CampaignStats__Output } from '../generated/nudge/v1/CampaignStats';
import type { Kernel } from '../kernel/types';
import { campaignStats, statsWindowMs, type StatsMonitor } from '../server/stats';
import { BUCKET_MS, bucketStart } from '../store/series';
import type { LearningStore } from '../store/types';
import { overTime, stepFor, type OverTime } from './series-view';
import type { ServingSampler, ServingView } from './serving';

/**
 * The dashboard's JSON API (docs/dashboard.md): what the page draws, for scripts too. GET only;
 * answers `{ error: { code, message } }` with 400 / 404 on a bad request.
 */
export interface ApiDeps {
  readonly registry: CampaignRegistry;
  readonly store: LearningStore;
  readonly kernel: Kernel;
  readonly monitor: StatsMonitor;
  readonly serving: ServingSampler | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CampaignSummary {
  readonly name: string;
  readonly description: string;
  readonly policy: string;
  readonly offers: number;
  readonly controlShare: number;
  readonly version: number;
  /** Decisions per minute over the last five minutes (all processes with a shared store). */
  readonly decisionsPerMinute: number;
  readonly decisions: number;
  readonly health: {
    readonly srmFlagged: boolean;
    readonly driftSignificant: string[];
    readonly upliftVerdict: string;
    readonly ece: number | null;
  };
}

export interface CampaignView {
  readonly campaign: {
    readonly name: string;
    readonly description: string;
    readonly policy: string;
    readonly policyParams: Readonly<Record<string, string>>;
    readonly controlShare: number;
    readonly defaultOffer: string;
    readonly segmentBy: readonly string[];
    readonly version: number;
    readonly routes: ReadonlyArray<{ name: string; when: unknown; policy: string }>;
    readonly offers: ReadonlyArray<{ id: string; attributes: Readonly<Record<string, string>> }>;
  };
  readonly segments: string[];
  readonly segment: string;
  readonly stats: CampaignStats__Output;
}

const MAX_MINUTES = 7 * 24 * 60;

export class DashboardApi {
  constructor(private readonly d: ApiDeps) {}

  private campaign(name: string): CampaignConfig {
    const c = this.d.registry.get(name);
    if (c === undefined) throw new ApiError(404, 'NUDGE_CAMPAIGN_NOT_FOUND', `campaign "${name}" does not exist`);
    return c;
  }

  private async stats(c: CampaignConfig, segment: string, windowMs = 0): Promise<CampaignStats__Output> {
    const w = statsWindowMs(windowMs, this.d.monitor);
    return campaignStats(c, this.d.store, this.d.kernel, segment, await this.d.monitor.window(c, w));
  }

  async campaigns(now = Date.now()): Promise<{ campaigns: CampaignSummary[] }> {
    const list = this.d.registry.list();
    const out = await Promise.all(
      list.map(async (c): Promise<CampaignSummary> => {
        const s = await this.stats(c, '');
        const recent = await this.d.store.series(c.name, bucketStart(now) - 5 * BUCKET_MS, bucketStart(now));
        let d = 0;
        for (const b of recent) d += b.control.decisions + b.treatment.decisions;
        return {
          name: c.name,
          description: c.description,
          policy: c.policy,
          offers: c.offers.length,
          controlShare: c.controlShare,
          version: c.version,
          decisionsPerMinute: d / 5,
          decisions: Number(s.control?.decisions ?? 0) + Number(s.treatment?.decisions ?? 0),
          health: {
            srmFlagged: s.srm.some((x) => x.flagged),
            driftSignificant: s.drift.filter((x) => x.band === 'significant').map((x) => x.feature),
            upliftVerdict: s.upliftVerdict,
            ece: Number(s.calibration?.n ?? 0) > 0 ? s.calibration!.ece : null,
          },
        };
      }),
    );
    return { campaigns: out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
  }

  async campaignView(name: string, q: URLSearchParams): Promise<CampaignView> {
    const c = this.campaign(name);
    const segment = q.get('segment') ?? '';
    const segments = this.d.store.segments(c.name);
    if (segment !== '' && !segments.includes(segment)) throw new ApiError(404, 'NUDGE_SEGMENT_NOT_FOUND', `campaign "${name}" has no segment "${segment}"`);
    const windowMs = intParam(q, 'window_ms', 0, 0, MAX_MINUTES * BUCKET_MS);
    return {
      campaign: {
        name: c.name,
        description: c.description,
        policy: c.policy,
        policyParams: c.policyParams,
        controlShare: c.controlShare,
        defaultOffer: c.defaultOffer,
        segmentBy: c.segmentBy,
        version: c.version,
        routes: c.routing.map((r) => ({ name: r.name, when: r.when, policy: r.policy })),
        offers: c.offers.map((o) => ({ id: o.id, attributes: o.attributes })),
      },
      segments,
      segment,
      stats: await this.stats(c, segment, windowMs),
    };
  }

  async series(name: string, q: URLSearchParams, now = Date.now()): Promise<OverTime & { minutes: number }> {
    const c = this.campaign(name);
    const minutes = intParam(q, 'minutes', 60, 1, Math.floor(Math.min(MAX_MINUTES * BUCKET_MS, this.d.monitor.retentionMs) / BUCKET_MS));
    const stepMs = stepFor(minutes);
    const to = bucketStart(now) + BUCKET_MS;
    const from = to - Math.ceil((minutes * BUCKET_MS) / stepMs) * stepMs;
    // `to` ends the open minute: the P(best) walk back starts from the counters as they are now.
    const buckets = await this.d.store.series(c.name, from, to);
    return { minutes, ...overTime(c, buckets, this.d.store.counters(c.name), this.d.kernel, from, to, stepMs) };
  }

  async serving(): Promise<ServingView | null> {
    return this.d.serving === null ? null : this.d.serving.view();
  }
}

function intParam(q: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ApiError(400, 'NUDGE_INVALID_ARGUMENT', `${name} must be an integer from ${min} to ${max}`);
  return n;
}
