import { EventEmitter } from 'node:events';
import type { CampaignConfig } from '../../campaigns/types';
import { ContactHistory } from '../../fatigue/history';
import type { ModelSpace } from '../../models/registry';
import { ArenaWriter } from '../arena';
import { CounterBook } from '../counters';
import { Learner } from '../learner';
import type { ArenaHandles, ArmsEntry, CampaignCounters, DecisionRecord, ForgetResult, LearningStore, OutcomeInput, OutcomeResult, StoreHealth } from '../types';
import { connectRedis, type ScriptedClient } from './connect';
import { DecisionWriter } from './decision-writer';
import { RedisLearning, unavailable } from './learning';
import { readRedisSeries } from './series';
import type { SeriesBucket } from '../series';
import { Mirror } from './mirror';
import { RedisContacts } from './contacts';
import { RedisPrivacy } from './privacy';
import { WeightLearner } from './weights';
import { retentionCutoff } from '../retention';
import { NodeLog } from './node-log';
import { checkRedisStoreOptions, type RedisStoreOptions } from './options';
import { RedisRegistry, type RemoteCampaignListener } from './registry';

export type { RedisStoreOptions } from './options';

/** Figures the Redis store reports (metrics, health). */
export interface RedisStoreMetrics {
  readonly degraded: boolean;
  readonly cluster: boolean;
  /** Age of the local copy of posteriors and counters (ms since the last successful refresh). */
  readonly syncAgeMs: number;
  readonly pendingDecisions: number;
  readonly spooledDecisions: number;
  readonly droppedDecisions: number;
  readonly outcomesApplied: number;
  readonly defaultRewardsApplied: number;
  readonly retentionRemoved: number;
}

/**
 * The LearningStore over Redis / Valkey (single server or Redis Cluster), shared by any number of
 * processes and nodes (docs/scaling.md). Decide reads a local copy (Mirror: the shared-memory arena
 * that workers read, refreshed every syncMs) and never waits on Redis; decisions go to Redis in
 * pipelined batches (DecisionWriter, with a local spool while Redis is unreachable); outcomes and
 * default rewards are applied by Lua scripts and acknowledged after Redis answered (RedisLearning).
 */
export class RedisStore extends EventEmitter implements LearningStore {
  readonly handles: ArenaHandles;
  readonly models: ModelSpace;
  readonly history: ContactHistory;
  private readonly arena: ArenaWriter;
  private readonly book = new CounterBook();
  private readonly learner: Learner;
  private readonly mirror: Mirror;
  private readonly writer: DecisionWriter;
  private readonly learning: RedisLearning;
  private readonly registry: RedisRegistry;
  private readonly weights: WeightLearner;
  private readonly contacts: RedisContacts;
  private readonly privacy: RedisPrivacy;
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private syncAgain: Promise<void> | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  private retaining: Promise<void> | null = null;
  /** Decisions removed from the node-local log by retention since open. */
  retentionRemoved = 0;
  private degradedSince = 0;
  private closed = false;
  /** Subtracted from impression times: in (0, 1) ms, distinct per process but for 1 pair in 1023. */
  private readonly timeTag = (1 + Math.floor(Math.random() * 1023)) / 1024;

  private constructor(
    private readonly client: ScriptedClient,
    readonly cluster: boolean,
    private readonly log: NodeLog,
    private readonly opts: RedisStoreOptions,
  ) {
    super();
    this.arena = new ArenaWriter({ maxBytes: opts.arenaMaxBytes });
    this.handles = this.arena.handles;
    this.contacts = new RedisContacts(client, opts.syncMs);
    this.history = new ContactHistory(this.contacts);
    this.contacts.attach(this.history);
    this.learner = new Learner(this.arena, this.book, this.history);
    this.mirror = new Mirror(client, this.arena, this.book);
    this.registry = new RedisRegistry(client);
    this.models = this.registry.space;
    this.writer = new DecisionWriter(client, log, this.learner, {
      flushMs: opts.decisionFlushMs,
      batchSize: opts.decisionBatchSize,
      decisionTtlMs: opts.decisionTtlMs,
      spoolMax: opts.spoolMax,
      seriesRetentionMs: opts.seriesRetentionMs,
    }, cluster);
    this.writer.onResult = (ok, err) => this.setHealth(ok, err);
    this.privacy = new RedisPrivacy(client, log, {
      dataDir: opts.dataDir,
      history: this.history,
      contacts: this.contacts,
      writer: this.writer,
      campaigns: () => [...this.learner.campaigns.keys(), ...this.registry.saved().map((c) => c.name)],
    });
    this.weights = new WeightLearner(client, this.learner, this.arena, Math.max(1000, opts.syncMs * 10));
    this.learning = new RedisLearning(client, this.writer, log, this.learner.campaigns, opts, cluster, (rec, offerId, reward, now) => {
      // The ignored-run of cool-down rules, as the embedded store's Learner.apply keeps it.
      const rt = this.learner.campaigns.get(rec.campaign);
      if (rt !== undefined && !rec.control) this.history.outcome(rec.campaign, rec.customerId, offerId, reward, rt.config.fatigue, now);
    });
  }

  static async open(input: Partial<RedisStoreOptions> & { url: string; dataDir: string }): Promise<RedisStore> {
    const opts = checkRedisStoreOptions(input);
    const { client, cluster } = await connectRedis({
      url: opts.url,
      username: opts.username,
      password: opts.password,
      tlsCa: opts.tlsCa,
      commandTimeoutMs: opts.commandTimeoutMs,
      connectTimeoutMs: opts.connectTimeoutMs,
    });
    let log: NodeLog | null = null;
    try {
      log = NodeLog.open(opts.dataDir, opts.processIndex);
      const store = new RedisStore(client, cluster, log, opts);
      await store.registry.refresh(true);
      store.start();
      return store;
    } catch (err) {
      await log?.close();
      client.disconnect();
      throw err;
    }
  }

  private start(): void {
    this.timer = setInterval(() => void this.sync(), this.opts.syncMs);
    this.timer.unref();
    this.retentionTimer = setInterval(() => void this.applyRetention(Date.now()), this.opts.retentionIntervalMs);
    this.retentionTimer.unref();
  }

  /** Decision-log retention of this node's log (Redis forgets decisions by itself, by TTL). */
  applyRetention(now: number): Promise<void> {
    this.retaining ??= (async () => {
      let longest = 0;
      for (const rt of this.learner.campaigns.values()) longest = Math.max(longest, rt.config.rewardWaitMs);
      this.retentionRemoved += await this.log.applyRetention(retentionCutoff(now, this.opts.decisionRetentionMs, longest));
    })()
      .catch(() => undefined)
      .finally(() => {
        this.retaining = null;
      });
    return this.retaining;
  }

  /**
   * One refresh of campaigns, models, posteriors and counters, contact history and contextual weights,
   * and a spool replay; never rejects. A call while a refresh runs gets the next one: the running one
   * may have read before the caller's write was answered.
   */
  sync(): Promise<void> {
    if (this.syncing !== null) {
      this.syncAgain ??= this.syncing.then(() => {
        this.syncAgain = null;
        return this.sync();
      });
      return this.syncAgain;
    }
    this.syncing = (async () => {
      try {
        await this.registry.refresh();
        // Tombstones recorded by other processes are applied in the background (privacy.ts).
        this.privacy.poll();
        this.history.writeDirty();
        await this.contacts.flush((c) => this.contactTtlMs(c));
        await this.weights.step();
        await this.mirror.refresh([...this.learner.campaigns.keys()]);
        if (this.writer.spoolSize > 0) await this.writer.drainSpool();
        else this.setHealth(true);
      } catch (err) {
        this.setHealth(false, err);
      }
    })().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  /** Contact records are needed as long as the campaign's longest fatigue window or cool-down. */
  private contactTtlMs(campaign: string): number {
    const f = this.learner.campaigns.get(campaign)?.config.fatigue;
    return f === undefined ? 60_000 : Math.max(f.windowMs, f.cooldownMs) + 60_000;
  }

  private setHealth(ok: boolean, err?: unknown): void {
    const was = this.degradedSince > 0;
    if (ok && was && this.writer.spoolSize === 0) {
      this.degradedSince = 0;
      this.emit('health', { degraded: false, reason: '' } satisfies StoreHealth);
    } else if (!ok && !was) {
      this.degradedSince = Date.now();
      const reason = err instanceof Error ? err.message : String(err);
      this.emit('health', { degraded: true, reason } satisfies StoreHealth);
    }
  }

  health(): StoreHealth {
    return { degraded: this.degradedSince > 0, reason: this.degradedSince > 0 ? 'Redis is unreachable' : '' };
  }

  onRemoteCampaign(fn: RemoteCampaignListener): void {
    this.registry.onRemoteChange(fn);
  }

  arms(campaign: string, segment: string): ArmsEntry | null {
    return this.arena.arms(campaign, segment);
  }

  logDecision(record: DecisionRecord): void {
    this.assertOpen();
    this.writer.add(record);
    const cfg = this.learner.campaigns.get(record.campaign)?.config;
    // The process tag keeps this process's impressions apart from another's of the same millisecond
    // when contact records are merged (mergeContacts).
    if (!record.control && cfg !== undefined) this.history.impression(record.campaign, record.customerId, record.offers, cfg.fatigue, record.ts - this.timeTag);
  }

  async applyOutcomes(outcomes: readonly OutcomeInput[]): Promise<OutcomeResult[]> {
    if (!Array.isArray(outcomes)) throw new TypeError('outcomes must be an array');
    this.assertOpen();
    // Visible here, as on every replica, with the next poll (at most NUDGE_SYNC_MS): a refresh per
    // outcome batch would repeat the whole sync for every chunk of a stream.
    return this.learning.applyOutcomes(outcomes);
  }

  async sweepExpired(now: number): Promise<number> {
    if (typeof now !== 'number') throw new TypeError('now must be a number');
    if (!Number.isFinite(now)) throw new RangeError('now must be a finite number');
    this.assertOpen();
    return this.learning.sweep(now);
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

  async series(campaign: string, fromMs: number, toMs: number): Promise<SeriesBucket[]> {
    if (typeof campaign !== 'string') throw new TypeError('campaign must be a string');
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) throw new RangeError('fromMs and toMs must be finite numbers');
    try {
      return await readRedisSeries(this.client, campaign, fromMs, toMs);
    } catch (err) {
      throw unavailable(err);
    }
  }

  tokenSecret(): Promise<Buffer> {
    return this.privacy.tokenSecret().catch((err: unknown) => {
      throw unavailable(err);
    });
  }

  /**
   * Counts what this process removed; the others apply the tombstone to their own node-local state
   * within a sync interval. Any failure answers UNAVAILABLE: a repeated ForgetCustomer is harmless.
   */
  async forgetCustomer(customerId: string, token: string): Promise<ForgetResult> {
    if (typeof customerId !== 'string' || customerId.length === 0) throw new TypeError('customerId must be a non-empty string');
    if (typeof token !== 'string' || token.length === 0) throw new TypeError('token must be a non-empty string');
    this.assertOpen();
    try {
      return await this.privacy.forget(customerId, token);
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** Resolves when the tombstones recorded so far (by any process) are applied by this one. */
  privacyIdle(): Promise<void> {
    return this.privacy.idle();
  }

  savedCampaigns(): CampaignConfig[] {
    return this.registry.saved();
  }

  saveCampaign(c: CampaignConfig): Promise<void> {
    if (typeof c !== 'object' || c === null || typeof c.name !== 'string') return Promise.reject(new TypeError('campaign must be a CampaignConfig'));
    return this.registry.save(c);
  }

  deleteCampaign(name: string): Promise<void> {
    if (typeof name !== 'string') return Promise.reject(new TypeError('name must be a string'));
    return this.registry.remove(name);
  }

  syncCampaign(c: CampaignConfig): void {
    this.assertOpen();
    this.learner.sync(c);
    this.mirror.invalidate(c.name);
    void this.sync();
  }

  metrics(): RedisStoreMetrics {
    return {
      degraded: this.degradedSince > 0,
      cluster: this.cluster,
      syncAgeMs: this.mirror.lastSync === 0 ? 0 : Date.now() - this.mirror.lastSync,
      pendingDecisions: this.writer.queued,
      spooledDecisions: this.writer.spoolSize,
      droppedDecisions: this.writer.dropped,
      outcomesApplied: this.learning.applied,
      defaultRewardsApplied: this.learning.defaultsApplied,
      retentionRemoved: this.retentionRemoved,
    };
  }

  /** The node-local decision log (for export), in the embedded store's layout. */
  get nodeLog(): NodeLog {
    return this.log;
  }

  async flush(): Promise<void> {
    if (this.closed) return;
    await this.writer.flush();
    await this.contacts.idle();
    await this.sync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.writer.close();
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    // Last contact-history writes and the like; failures are already reported as degraded health.
    await this.sync();
    if (this.retentionTimer !== null) clearInterval(this.retentionTimer);
    await this.retaining;
    await this.privacy.settled();
    this.closed = true;
    await this.log.close();
    this.client.disconnect();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the learning store is closed');
  }
}
