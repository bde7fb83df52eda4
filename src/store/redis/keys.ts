/**
 * Redis key layout (docs/scaling.md). Every key of one campaign carries the hash tag `{c:<name>}`, so
 * a campaign's multi-key scripts stay in one Redis Cluster slot; a decision's join record is keyed by
 * its own id (outcomes name the decision, not the campaign) and spreads over the cluster.
 * Campaign names match /^[a-z0-9][a-z0-9._-]{0,63}$/ (src/campaigns/schema.ts): they hold no braces.
 */
export const PREFIX = 'nudge:';

const tag = (campaign: string): string => `${PREFIX}{c:${campaign}}:`;

export const keys = {
  /** Hash: `a:<offer>` / `b:<offer>` evidence (alpha and beta above the prior), `t` last decay time. */
  posterior: (campaign: string, segment: string): string => `${tag(campaign)}p:${segment}`,
  /** Hash: segment -> version of its posterior hash (bumped by every script that changes it). */
  posteriorVersions: (campaign: string): string => `${tag(campaign)}pv`,
  /** Hash: counters of every segment (field layout in counters.ts). */
  counters: (campaign: string): string => `${tag(campaign)}n`,
  /** Integer bumped by every write of the campaign's learning state: the mirror's change check. */
  version: (campaign: string): string => `${tag(campaign)}v`,
  /** Sorted set: decision id scored by the time its default reward is due. */
  due: (campaign: string): string => `${tag(campaign)}due`,
  /** Hash per decision: offer id -> 'a' (outcome applied) or 'd' (default reward); the idempotency mark. */
  marks: (campaign: string, decisionId: string): string => `${tag(campaign)}o:${decisionId}`,
  /**
   * One key per (campaign, customer): its contact history JSON (fatigue). Tagged by both, not by the
   * campaign: no script reads it with other keys, and a busy campaign's customers spread over the cluster.
   */
  contacts: (campaign: string, customerId: string): string => `${PREFIX}h:{${campaign}/${customerId}}`,
  /** A decision's join record (join-codec.ts), with a TTL of its reward wait plus grace. */
  decision: (decisionId: string): string => `${PREFIX}d:{${decisionId}}`,
  /** Hash: campaign name -> CampaignConfig JSON (admin-defined campaigns). */
  campaigns: `${PREFIX}{g}:campaigns`,
  /** Hash: JSON key -> JSON value of the model registry (src/models/registry.ts). */
  models: `${PREFIX}{g}:models`,
  /** Integer bumped with every change of campaigns or models. */
  registryVersion: `${PREFIX}{g}:rv`,
  /** Hash: customer token -> ms of its ForgetCustomer: the tombstones every process applies (docs/privacy.md). */
  forgotten: `${PREFIX}{g}:forgotten`,
  /** Integer bumped with every ForgetCustomer: each process's change check of `forgotten`. */
  forgottenVersion: `${PREFIX}{g}:fv`,
  /** The installation's token secret (hex), set once by the first process that needs it. */
  tokenSecret: `${PREFIX}{g}:token-secret`,
  /** List of contextual observations (JSON [offer, reward, x]) waiting for the campaign's weight learner. */
  contextQueue: (campaign: string): string => `${tag(campaign)}cq`,
  /** Hash: `<offer>\0<column>` -> "m q" (weight mean and precision) of contextual campaigns. */
  weights: (campaign: string): string => `${tag(campaign)}w`,
  /** Hash per minute: the campaign's monitoring bucket (field layout in redis/series.ts), expiring with its retention. */
  series: (campaign: string, minuteStart: number): string => `${tag(campaign)}m:${minuteStart}`,
  /** Lease of the default-reward sweeper and of the contextual learner, per campaign. */
  lease: (campaign: string, what: string): string => `${tag(campaign)}lease:${what}`,
} as const;

/** Separator inside counter field names; segment and offer ids never hold it (checked on write). */
export const SEP = '\u001f';
