import type { ArmTable } from '../policies/types';
import type { CampaignConfig } from '../campaigns/types';
import type { ModelSpace } from '../models/registry';

/**
 * Learning state behind one interface. The embedded default keeps posteriors in shared memory
 * (SharedArrayBuffer arena, read by workers without a copy) and makes them durable in LMDB; the
 * main thread is the single writer. A multi-node deployment would implement the same interface over
 * a distributed store, so no code outside src/store/ may assume one process.
 */

/**
 * Where a segment's posterior lives: one (campaign, segment)'s table, offers mapped to its slots. The
 * slots of an entry never change: a store that adds or removes an offer's slot publishes a new entry
 * (the engine caches slot lookups per entry, src/engine/arms-view.ts).
 */
export interface ArmsEntry {
  readonly table: ArmTable;
  /** offer id -> slot in table (slots of removed offers are not listed). */
  readonly slots: ReadonlyMap<string, number>;
}

/** Read side, used on the Decide path (workers and inline mode). */
export interface ArmsLookup {
  /**
   * The posterior table of (campaign, segment), or null when none exists yet: then every offer is at
   * its prior. An offer missing from `slots` is also at its prior (a new offer).
   */
  arms(campaign: string, segment: string): ArmsEntry | null;
}

/** Shared-memory handles a worker needs to build an ArmsLookup of its own (see arena.ts). */
export interface ArenaHandles {
  readonly arena: SharedArrayBuffer;
  readonly directory: SharedArrayBuffer;
}

export interface ShownOffer {
  readonly offerId: string;
  readonly score: number;
  readonly probability: number;
  readonly propensity: number;
}

/** One logged decision: what outcomes join to, and what off-policy evaluation reads. */
export interface DecisionRecord {
  /** Unique, time-ordered (UUIDv7). */
  readonly id: string;
  readonly ts: number;
  readonly campaign: string;
  readonly customerId: string;
  readonly channel: string;
  readonly segment: string;
  readonly route: string;
  readonly policy: string;
  readonly configVersion: number;
  readonly modelVersion: string;
  readonly control: boolean;
  readonly offers: readonly ShownOffer[];
  /**
   * The feature vector the decision was made with (contextual policies; bias column first), so that
   * outcomes can update the contextual weights. Absent for context-free decisions.
   */
  readonly features?: readonly number[];
  /** Why nothing was shown (DecideResponse.no_action_reason); absent when offers were shown. */
  readonly noAction?: string;
  /** The campaign's session feature values at the decision (docs/events.md), for evaluation. */
  readonly session?: Readonly<Record<string, number | string | null>>;
}

export interface OutcomeInput {
  readonly decisionId: string;
  readonly offerId: string;
  readonly reward: number;
  /** ms since epoch; 0 = now. */
  readonly timestampMs: number;
}

export type OutcomeStatus = 'APPLIED' | 'DUPLICATE' | 'UNKNOWN_DECISION' | 'EXPIRED' | 'INVALID';

export interface OutcomeResult {
  readonly status: OutcomeStatus;
  /** reward - predicted probability; 0 unless APPLIED. */
  readonly delta: number;
  readonly detail: string;
}

export interface OfferCounters {
  readonly offerId: string;
  readonly impressions: number;
  readonly outcomes: number;
  readonly rewards: number;
  readonly deltaSum: number;
  /** Calibration sums (counters.ts CALIBRATION_SLOTS), when the offer has outcomes. */
  readonly calibration?: readonly number[];
}

export interface GroupCounters {
  readonly decisions: number;
  readonly outcomes: number;
  readonly rewards: number;
}

export interface CampaignCounters {
  readonly offers: readonly OfferCounters[];
  readonly control: GroupCounters;
  readonly treatment: GroupCounters;
}

/** Monitoring time buckets (series.ts): one minute of one campaign, every field a sum. */
export interface SeriesOffer {
  readonly impressions: number;
  readonly outcomes: number;
  readonly rewards: number;
  /** Sum of the predicted probabilities of this offer's outcomes (compare with `rewards`). */
  readonly predicted: number;
  /** Calibration sums (counters.ts CALIBRATION_SLOTS), when the offer has outcomes in the bucket. */
  readonly calibration?: readonly number[];
}

export interface SeriesBucket {
  /** Start of the minute, ms since epoch. */
  readonly start: number;
  readonly offers: Readonly<Record<string, SeriesOffer>>;
  /** Calibration sums per model version of the decisions ('' = the offers' priors, no model). */
  readonly models: Readonly<Record<string, readonly number[]>>;
  readonly control: GroupCounters;
  readonly treatment: GroupCounters;
}

/** Read side of the buckets, implemented by every LearningStore. */
export interface SeriesStore {
  /** Buckets of the campaign with start in [fromMs, toMs), oldest first; minutes without data are absent. */
  series(campaign: string, fromMs: number, toMs: number): Promise<SeriesBucket[]>;
}

/** Whether the store can reach its shared state (always healthy for the embedded store). */
export interface StoreHealth {
  readonly degraded: boolean;
  /** Why, when degraded (e.g. "Redis is unreachable"). */
  readonly reason: string;
}

/*
 * The parts a backend implements, each narrow and each with one contract test suite
 * (test/store/contract/) that every backend passes: the embedded LMDB store (lmdb-store.ts) and the
 * Redis store (redis/redis-store.ts). Code above src/store/ sees only LearningStore.
 */

/** Posteriors and their updates: the local copy Decide reads, and the campaigns it learns for. */
export interface PosteriorStore extends ArmsLookup {
  /** Handles for workers (null for a store that is not shared-memory based). */
  readonly handles: ArenaHandles | null;
  /** Makes the store aware of a campaign's current offers and policy (slots, priors, decay). */
  syncCampaign(c: CampaignConfig): void;
}

/** Decision records, outcomes that join to them, and the default-reward sweep. */
export interface DecisionStore {
  /**
   * Queues a decision for the log; durable within the next batch (milliseconds). Counts impressions.
   * Keeps nothing of `record`: the Decide path passes the engine's own offer objects.
   */
  logDecision(record: DecisionRecord): void;
  /**
   * Applies outcomes in order, atomically per batch: idempotency per (decision, offer), posterior
   * update, counters, delta. Resolves only after the change is durable (LMDB commit, or Redis
   * answered); rejects with NUDGE_STORE_UNAVAILABLE when the shared store cannot be reached.
   */
  applyOutcomes(outcomes: readonly OutcomeInput[]): Promise<OutcomeResult[]>;
  /**
   * Applies default rewards to decisions whose reward wait has passed; returns how many. Exactly once
   * per (decision, offer) even when several processes sweep.
   */
  sweepExpired(now: number): Promise<number>;
}

/** Counters and stats. */
export interface CounterStore {
  counters(campaign: string, segment?: string): CampaignCounters;
  /** Segments of the campaign that have counters (decisions or outcomes), sorted. */
  segments(campaign: string): string[];
}

/** Contact history (fatigue). */
export interface ContactStore {
  /**
   * Offers the customer may not see now under the campaign's fatigue rules (offer id -> why), or null.
   * Optional: a store without contact history has no fatigue.
   */
  fatigue?(campaign: string, customerId: string, now: number): Record<string, string> | null;
}

/** Admin-defined campaigns and the model registry. */
export interface RegistryStore {
  /** Campaigns defined through AdminService, persisted with the learning state. */
  savedCampaigns(): CampaignConfig[];
  saveCampaign(c: CampaignConfig): Promise<void>;
  deleteCampaign(name: string): Promise<void>;
  /** The model registry's durable key space (src/models/registry.ts). */
  readonly models: ModelSpace;
  /**
   * Calls `fn` when another process changed or removed (null) a saved campaign. Optional: a store
   * that serves one process has no other writer.
   */
  onRemoteCampaign?(fn: (name: string, config: CampaignConfig | null) => void): void;
}

/** What a store removed or rewrote for one ForgetCustomer (docs/privacy.md). */
export interface ForgetResult {
  /** Contact-history records removed (one per campaign the customer had history in). */
  readonly contacts: number;
  /** Kept decision records whose customer id was replaced by the token. */
  readonly decisions: number;
}

/** Customer erasure (ForgetCustomer). */
export interface PrivacyStore {
  /**
   * The secret customer tokens are derived with (src/privacy/token.ts): created on first use, the
   * same for every process that shares the store, and copied to this node's features directory so
   * that `nudge features load` can match tombstones.
   */
  tokenSecret(): Promise<Buffer>;
  /**
   * Removes the customer's contact history, replaces its id by `token` in the kept decision records
   * and records the tombstone where every process sharing the store sees it. Resolves with what this
   * process removed; a shared store's other processes do the same for their own node-local state
   * within a sync interval.
   */
  forgetCustomer(customerId: string, token: string): Promise<ForgetResult>;
}

/** Write side, owned by the main thread of each serving process. */
export interface LearningStore extends PosteriorStore, DecisionStore, CounterStore, SeriesStore, ContactStore, RegistryStore, PrivacyStore {
  health(): StoreHealth;
  /** Calls `fn` when health changes. Optional: the embedded store is always healthy. */
  on?(event: 'health', fn: (h: StoreHealth) => void): unknown;
  /** Flushes the decision log and state; resolves when durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
