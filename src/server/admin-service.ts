import { campaignToProto } from '../campaigns/convert';
import type { CampaignRegistry } from '../campaigns/registry';
import { parseCampaign } from '../campaigns/schema';
import { campaignNotFound, invalidArgument } from '../errors';
import type { Campaign, Campaign__Output } from '../generated/nudge/v1/Campaign';
import type { CampaignStats } from '../generated/nudge/v1/CampaignStats';
import type { DeleteCampaignRequest__Output } from '../generated/nudge/v1/DeleteCampaignRequest';
import type { DeleteCampaignResponse } from '../generated/nudge/v1/DeleteCampaignResponse';
import type { GetCampaignRequest__Output } from '../generated/nudge/v1/GetCampaignRequest';
import type { GetCampaignStatsRequest__Output } from '../generated/nudge/v1/GetCampaignStatsRequest';
import type { ListCampaignsRequest__Output } from '../generated/nudge/v1/ListCampaignsRequest';
import type { ListCampaignsResponse } from '../generated/nudge/v1/ListCampaignsResponse';
import type { Kernel } from '../kernel/types';
import type { LearningStore } from '../store/types';
import { campaignStats, statsWindowMs, type StatsMonitor } from './stats';
import { unary } from './unary';

export interface AdminDeps {
  readonly registry: CampaignRegistry;
  readonly store: LearningStore;
  /** The main thread's kernel (credible intervals, p_best). */
  readonly kernel: Kernel;
  readonly monitor: StatsMonitor;
}


function requiredName(field: string, v: string): string {
  if (v.length === 0) throw invalidArgument(field, 'is required');
  if (v.length > 256) throw invalidArgument(field, 'must be at most 256 characters');
  return v;
}

export function adminHandlers(deps: AdminDeps) {
  const { registry, store, kernel } = deps;
  return {
    /**
     * The registry assigns the version (and, through its 'change' event, republishes to workers and
     * syncs the store's slots); the stored campaign is then persisted so that it survives a restart.
     */
    PutCampaign: unary<Campaign__Output, Campaign>(async (req) => {
      const parsed = parseCampaign(req, 'PutCampaign');
      const stored = registry.put(parsed);
      await store.saveCampaign(stored);
      return campaignToProto(stored);
    }),

    GetCampaign: unary<GetCampaignRequest__Output, Campaign>((req) => {
      const name = requiredName('name', req.name);
      const c = registry.get(name);
      if (c === undefined) throw campaignNotFound(name);
      return campaignToProto(c);
    }),

    ListCampaigns: unary<ListCampaignsRequest__Output, ListCampaignsResponse>(() => ({
      campaigns: registry.list().map(campaignToProto),
    })),

    DeleteCampaign: unary<DeleteCampaignRequest__Output, DeleteCampaignResponse>(async (req) => {
      const name = requiredName('name', req.name);
      const deleted = registry.delete(name);
      await store.deleteCampaign(name);
      return { deleted };
    }),

    GetCampaignStats: unary<GetCampaignStatsRequest__Output, CampaignStats>(async (req) => {
      const name = requiredName('campaign', req.campaign);
      const c = registry.get(name);
      if (c === undefined) throw campaignNotFound(name);
      const windowMs = statsWindowMs(req.windowMs, deps.monitor);
      return campaignStats(c, store, kernel, req.segment, await deps.monitor.window(c, windowMs));
    }),
  };
}
