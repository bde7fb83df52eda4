import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CampaignConfig } from '../campaigns/types';
import { ArenaWriter } from './arena';
import { CounterBook } from './counters';
import { DecisionLog } from './decision-log';
import { GroupCommit } from './group-commit';
import { Learner } from './learner';
import { openStoreDbs, type StoreDbs } from './lmdb-env';
import { readDecisions, type DecisionRange, type ExportedDecision } from './export';
import { checkStoreOptions, type LmdbStoreOptions } from './options';
import { OutcomeProcessor } from './outcomes';
import { restoreState, writeDirty } from './persistence';
import { Sweeper } from './sweeper';
import { SeriesBook, type SeriesBucket } from './series';
import { readSeries, SeriesWriter } from './series-lmdb';
import { pause, removeOlderThan, RETENTION_BATCH, RETENTION_PAUSE_MS, retentionCutoff } from './retention';
import { ContactHistory } from '../fatigue/history';
import { localSecret } from '../features/tombstones';
import { removeContacts, tokenizeDecisions } from './privacy-log';
import type { ModelSpace } from '../models/registry';
import type {
  ArenaHandles,
  ArmsEntry,
  CampaignCounters,
  DecisionRecord,
  ForgetResult,
  LearningStore,
  OutcomeInput,
  OutcomeResult,
  StoreHealth,
} from './types';

const HEALTHY: StoreHealth = Object.freeze({ degraded: false, reason: '' });

export type { LmdbStoreOptions } from './options';

/** A logged decision with the rewards recorded for its offers (real or default), for export. */

export interface StoreMetrics {
  /** Decisions logged but not yet committed. */
  readonly pendingDecisions: number;
  /** Group transactions committed since open. */
  readonly commits: number;
  /** Duration of the last group commit (transaction + sync), ms. */
  readonly lastCommitMs: number;
  /** Jobs (outcome batches, sweeps) waiting for the next group. */
  readonly queuedJobs: number;
  readonly outcomesApplied: number;
  readonly defaultRewardsApplied: number;
  /** Posterior updates that failed (arena full); their outcomes were recorded and counted. */
  readonly posteriorErrors: number;
  /** Decisions removed by retention since open. */
  readonly retentionRemoved: number;
}

/**
 * The embedded LearningStore: LMDB at `${dataDir}/state` for durability, a shared-memory arena for
 * posteriors that workers read without copies. The main thread is the only writer.
 */
export class LmdbStore implements LearningStore {
  readonly handles: ArenaHandles;
  private readonly arena: ArenaWriter;
  private readonly book = new CounterBook();
  private readonly seriesBook = new SeriesBook();
  private readonly seriesWriter: SeriesWriter;
  /** Bucket deltas written by the open group transaction, put back if it fails. */
  private seriesInFlight: ReturnType<SeriesBook['drain']> = [];
  private readonly log: DecisionLog;
  private readonly learner: Learner;
  private readonly outcomes: OutcomeProcessor;
  private readonly sweeper: Sweeper;
  private readonly commit: GroupCommit;
  /** Contact history for fatigue rules (main thread). */
  readonly history: ContactHistory;
  /** The model registry's durable key space (src/models/registry.ts). */
  readonly models: ModelSpace;
  private timer: NodeJS.Timeout | null = null;
  private readonly retentionTimer: NodeJS.Timeout;
  private retaining: Promise<void> | null = null;
  /** Decisions removed by retention since open. */
  retentionRemoved = 0;
  private closed = false;
  private secret: Promise<Buffer> | null = null;

  constructor(
    private readonly dbs: StoreDbs,
    private readonly opts: LmdbStoreOptions,
  ) {
    this.arena = new ArenaWriter({ maxBytes: opts.arenaMaxBytes });
    this.seriesWriter = new SeriesWriter(dbs);
    this.handles = this.arena.handles;
    this.history = new ContactHistory(dbs.contacts);
    this.models = {
      get: (key) => this.dbs.models.get(key),
      put: (key, value) => void this.dbs.models.put(key, value),
      write: (fn) => this.commit.submit(fn),
    };
    this.learner = new Learner(this.arena, this.book, this.history, this.seriesBook);
    this.log = new DecisionLog(dbs, (c) => this.learner.rewardWaitMs(c));
    this.outcomes = new OutcomeProcessor(dbs, this.log, this.learner);
    this.sweeper = new Sweeper(dbs, this.log, this.learner, opts.sweepLimit);
    this.commit = new GroupCommit(
      dbs.env,
      {
        begin: () => this.log.writeQueued(),
        end: () => {
          // Batched learning and contact history go into the same transaction as the outcomes.
          this.learner.contextual.flush();
          this.history.writeDirty();
          writeDirty(this.dbs, this.arena, this.book);
          this.seriesInFlight = this.seriesBook.drain();
          this.seriesWriter.write(this.seriesInFlight);
          this.arena.publish();
        },
        committed: () => {
          this.seriesInFlight = [];
          this.log.committed();
        },
        failed: () => {
          this.seriesBook.requeue(this.seriesInFlight);
          this.seriesWriter.forget();
          this.seriesInFlight = [];
          // Rare (disk full, I/O error): retry the decision batch and rewrite all learning state next
          // time. Outcomes of the failed group were rejected to their callers, who may retry them.
          this.log.requeue();
          this.arena.markAllDirty();
          this.book.markAllDirty();
        },
        hasWork: () => this.log.queued >= this.opts.decisionBatchSize,
        settled: () => {
          if (this.log.queued > 0) this.armDecisionTimer();
        },
      },
      opts.ackOn,
    );
    restoreState(dbs, this.arena, this.book);
    this.retentionTimer = setInterval(() => void this.applyRetention(Date.now()), opts.retentionIntervalMs);
    this.retentionTimer.unref();
  }

  /**
   * Removes decisions past the retention, in transactions of at most RETENTION_BATCH decisions that
   * queue behind other work like any group (Decide never waits on them). Resolves with the count.
   */
  applyRetention(now: number): Promise<void> {
    this.retaining ??= (async () => {
      let longest = 0;
      for (const rt of this.learner.campaigns.values()) longest = Math.max(longest, rt.config.rewardWaitMs);
      const cutoff = retentionCutoff(now, this.opts.decisionRetentionMs, longest);
      for (;;) {
        if (this.closed) return;
        const n = await this.commit.submit(() => removeOlderThan(this.dbs, cutoff));
        this.retentionRemoved += n;
        if (n < RETENTION_BATCH) break;
        await pause(RETENTION_PAUSE_MS);
      }
      const seriesCutoff = now - this.opts.seriesRetentionMs;
      while (!this.closed && (await this.commit.submit(() => this.seriesWriter.removeBefore(seriesCutoff))) > 0) await pause(RETENTION_PAUSE_MS);
    })().finally(() => {
      this.retaining = null;
    });
    return this.retaining;
  }

  arms(campaign: string, segment: string): ArmsEntry | null {
    return this.arena.arms(campaign, segment);
  }

  logDecision(record: DecisionRecord): void {
    this.assertOpen();
    this.log.add(record);
    this.book.decision(record.campaign, record.segment, record.control, record.offers);
    this.seriesBook.decision(record.campaign, record.control, record.offers, record.ts);
    const cfg = this.learner.campaigns.get(record.campaign)?.config;
    if (!record.control && cfg !== undefined) {
      // The shown offers themselves: most campaigns have no fatigue rule, and then nothing is built.
      this.history.impression(record.campaign, record.customerId, record.offers, cfg.fatigue, record.ts);
    }
    if (this.log.queued >= this.opts.decisionBatchSize) this.commit.kick();
    else this.armDecisionTimer();
  }

  /** Commits a partial decision batch after decisionFlushMs (a round already running takes it instead). */
  private armDecisionTimer(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.commit.kick();
    }, this.opts.decisionFlushMs);
    this.timer.unref();
  }

  applyOutcomes(outcomes: readonly OutcomeInput[]): Promise<OutcomeResult[]> {
    if (!Array.isArray(outcomes)) return Promise.reject(new TypeError('outcomes must be an array'));
    if (this.closed) return Promise.reject(new Error('the learning store is closed'));
    return this.commit.submit(() => this.outcomes.applyAll(outcomes, Date.now()));
  }

  sweepExpired(now: number): Promise<number> {
    if (typeof now !== 'number') return Promise.reject(new TypeError('now must be a number'));
    if (!Number.isFinite(now)) return Promise.reject(new RangeError('now must be a finite number'));
    if (this.closed) return Promise.reject(new Error('the learning store is closed'));
    return this.commit.submit(() => this.sweeper.sweep(now));
  }

  fatigue(campaign: string, customerId: string, now: number): Record<string, string> | null {
    return this.learner.fatigue(campaign, customerId, now);
  }

  counters(campaign: string, segment?: string): CampaignCounters {
    return this.learner.countersOf(campaign, segment);
  }

  segments(campaign: string): string[] {
    return this.learner.segmentsOf(campaign);
  }

  series(campaign: string, fromMs: number, toMs: number): Promise<SeriesBucket[]> {
    if (typeof campaign !== 'string') return Promise.reject(new TypeError('campaign must be a string'));
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return Promise.reject(new RangeError('fromMs and toMs must be finite numbers'));
    return Promise.resolve(readSeries(this.dbs, this.seriesBook, campaign, fromMs, toMs));
  }

  /** Kept in the features directory, where `nudge features load` finds it (features/tombstones.ts). */
  async tokenSecret(): Promise<Buffer> {
    this.secret ??= localSecret(this.opts.dataDir).then((r) => r.secret);
    return this.secret;
  }

  /**
   * Contact records go in one group transaction (with the cached copies, so the next commit does not
   * write them back); the decision log is rewritten in small transactions that queue like any other.
   * Decisions still queued are committed first, so they are rewritten too.
   */
  async forgetCustomer(customerId: string, token: string): Promise<ForgetResult> {
    if (typeof customerId !== 'string' || customerId.length === 0) throw new TypeError('customerId must be a non-empty string');
    if (typeof token !== 'string' || token.length === 0) throw new TypeError('token must be a non-empty string');
    this.assertOpen();
    await this.flush();
    const contacts = await this.commit.submit(() => {
      this.history.forget((c) => c === customerId);
      return removeContacts(this.dbs, customerId);
    });
    const rewritten = await tokenizeDecisions(this.dbs, (c) => (c === customerId ? token : null), (fn) => this.commit.submit(fn));
    return { contacts, decisions: rewritten.length };
  }

  savedCampaigns(): CampaignConfig[] {
    const out: CampaignConfig[] = [];
    for (const { value } of this.dbs.campaigns.getRange()) out.push(JSON.parse(value) as CampaignConfig);
    return out;
  }

  saveCampaign(c: CampaignConfig): Promise<void> {
    if (typeof c !== 'object' || c === null || typeof c.name !== 'string') {
      return Promise.reject(new TypeError('campaign must be a CampaignConfig'));
    }
    const text = JSON.stringify(c);
    return this.commit.submit(() => void this.dbs.campaigns.put(c.name, text));
  }

  deleteCampaign(name: string): Promise<void> {
    if (typeof name !== 'string') return Promise.reject(new TypeError('name must be a string'));
    return this.commit.submit(() => void this.dbs.campaigns.remove(name));
  }

  health(): StoreHealth {
    return HEALTHY;
  }

  syncCampaign(c: CampaignConfig): void {
    this.assertOpen();
    this.learner.sync(c);
    // Slot layout changes are persisted with the next group commit.
    this.commit.kick();
  }

  /** Decisions in id (= time) order from `from` (inclusive), with their recorded rewards. */
  async *decisions(opts: DecisionRange = {}): AsyncIterable<ExportedDecision> {
    await this.flush();
    yield* readDecisions(this.dbs, opts);
  }

  metrics(): StoreMetrics {
    const s = this.commit.stats();
    return {
      pendingDecisions: this.log.pendingCount,
      commits: s.commits,
      lastCommitMs: s.lastCommitMs,
      queuedJobs: s.queuedJobs,
      outcomesApplied: this.outcomes.applied,
      defaultRewardsApplied: this.sweeper.applied,
      posteriorErrors: this.learner.posteriorErrors,
      retentionRemoved: this.retentionRemoved,
    };
  }

  async flush(): Promise<void> {
    if (this.closed) return;
    // The round that runs this no-op begins by writing every decision queued before it.
    await this.commit.submit(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Decisions logged while a flush is in flight need one more round.
    do await this.commit.submit(() => undefined);
    while (this.log.queued > 0);
    clearInterval(this.retentionTimer);
    await this.retaining?.catch(() => undefined);
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.commit.close();
    await this.commit.whenIdle();
    await this.dbs.env.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the learning store is closed');
  }
}

/** Opens (creating when missing) the learning state at `${dataDir}/state`. */
export async function openLmdbStore(options: { dataDir: string } & Partial<Omit<LmdbStoreOptions, 'dataDir'>>): Promise<LmdbStore> {
  const opts = checkStoreOptions(options);
  const path = join(opts.dataDir, 'state');
  mkdirSync(path, { recursive: true });
  const dbs = openStoreDbs(path, opts.mapSize);
  return new LmdbStore(dbs, opts);
}
