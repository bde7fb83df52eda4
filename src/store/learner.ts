import type { CampaignConfig } from '../campaigns/types';
import type { Policy } from '../policies/types';
import { createPolicy } from '../policies/index';
import { ROUTE_ONLY_PARAMS } from '../policies/names';
import type { ArenaWriter } from './arena';
import type { CounterBook } from './counters';
import { ContextualLearner } from './contextual';
import type { ContactHistory } from '../fatigue/history';
import type { SeriesBook } from './series';
import type { CampaignCounters, DecisionRecord, ShownOffer } from './types';

/** What the store remembers of a synced campaign to learn from its outcomes. */
export interface CampaignRuntime {
  readonly config: CampaignConfig;
  readonly policy: Policy;
  readonly offerIds: readonly string[];
}

/**
 * Applies one reward (a real outcome or a default one) to the learning state: the posterior of the
 * decision's (campaign, segment) at the offer's slot, unless the decision was in the control group,
 * and the counters. The caller has already decided that the reward counts.
 */
export class Learner {
  readonly campaigns = new Map<string, CampaignRuntime>();
  /** Posterior updates that failed (arena full): the outcomes were still recorded and counted. */
  posteriorErrors = 0;
  /** Contextual weights (logistic-thompson), batched; flushed by the store at each group commit. */
  readonly contextual: ContextualLearner;

  constructor(
    private readonly arena: ArenaWriter,
    private readonly counters: CounterBook,
    private readonly history: ContactHistory | null = null,
    private readonly series: SeriesBook | null = null,
  ) {
    this.contextual = new ContextualLearner(arena);
  }

  sync(c: CampaignConfig): void {
    const params: Record<string, string | number> = { ...c.policyParams, halfLife: c.decay.halfLife, halfLifeUnit: c.decay.unit };
    for (const k of ROUTE_ONLY_PARAMS) delete params[k];
    const policy = createPolicy(c.policy, params);
    this.arena.syncOffers(
      c.name,
      c.offers.map((o) => ({ id: o.id, priorAlpha: o.priorAlpha, priorBeta: o.priorBeta })),
    );
    this.contextual.sync(c);
    this.arena.publish();
    this.campaigns.set(c.name, { config: c, policy, offerIds: c.offers.map((o) => o.id) });
  }

  /** Offers the customer may not see now under the campaign's fatigue rules (offer id -> why), or null. */
  fatigue(campaign: string, customerId: string, now: number): Record<string, string> | null {
    const rt = this.campaigns.get(campaign);
    if (rt === undefined || this.history === null) return null;
    return this.history.verdicts(campaign, customerId, rt.offerIds, rt.config.fatigue, now);
  }

  /** Counters of one segment (or all), listing the campaign's current offers in their order. */
  countersOf(campaign: string, segment?: string): CampaignCounters {
    return this.counters.snapshot(campaign, segment, this.campaigns.get(campaign)?.offerIds);
  }

  segmentsOf(campaign: string): string[] {
    return this.counters.segments(campaign);
  }

  rewardWaitMs(campaign: string): number | undefined {
    return this.campaigns.get(campaign)?.config.rewardWaitMs;
  }

  /**
   * Returns '' when the posterior was updated (or is not meant to be: control group), else why not.
   * Never throws: the outcome is already recorded in the open transaction, and a failing posterior
   * write (arena full) must not abort the other outcomes of the group.
   */
  apply(rec: DecisionRecord, shown: ShownOffer, reward: number, now: number): string {
    const delta = reward - shown.probability;
    this.counters.outcome(rec.campaign, rec.segment, rec.control, shown.offerId, reward, delta);
    this.series?.outcome(rec.campaign, rec.control, shown.offerId, reward, shown.probability, rec.modelVersion, now);
    if (rec.control) return '';
    const rt = this.campaigns.get(rec.campaign);
    if (rt === undefined) return `campaign "${rec.campaign}" is not loaded`;
    this.history?.outcome(rec.campaign, rec.customerId, shown.offerId, reward, rt.config.fatigue, now);
    this.contextual.observe(rec, shown.offerId, reward);
    const slot = this.arena.slots(rec.campaign)?.get(shown.offerId);
    if (slot === undefined) return `offer "${shown.offerId}" is no longer in the campaign`;
    try {
      const table = this.arena.ensureTable(rec.campaign, rec.segment);
      rt.policy.update(table, slot, reward, now);
    } catch (err) {
      this.posteriorErrors += 1;
      return err instanceof Error ? err.message : String(err);
    }
    this.arena.markWritten(rec.campaign, rec.segment);
    return '';
  }
}
