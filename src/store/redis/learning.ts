import { NudgeError } from '../../errors';
import type { CampaignRuntime } from '../learner';
import { appliedDetail, findShown, invalidOutcome } from '../outcomes';
import type { OutcomeInput, OutcomeResult } from '../types';
import type { ScriptedClient } from './connect';
import type { DecisionWriter } from './decision-writer';
import { decodeJoin, type JoinRecord } from './join-codec';
import { keys } from './keys';
import { bucketStart } from '../series';
import type { NodeLog } from './node-log';
import { joinExpiresAt } from './ttl';

/** One reward for APPLY: an outcome ('a') or a default reward ('d'). */
interface Item {
  readonly kind: 'a' | 'd';
  readonly rec: JoinRecord;
  readonly offerId: string;
  readonly reward: number;
  readonly delta: number;
  /** Index of the caller's result (outcomes), or -1 (default rewards). */
  readonly index: number;
}

export const unavailable = (err: unknown): NudgeError =>
  new NudgeError('NUDGE_STORE_UNAVAILABLE', `Redis did not answer: ${err instanceof Error ? err.message : String(err)}`);

const result = (status: OutcomeResult['status'], detail: string, delta = 0): OutcomeResult => ({ status, delta, detail });

/**
 * Outcomes and default rewards through Redis: decisions are read by id (from this process's queue or
 * spool, else from Redis), then each campaign's rewards go to Redis in one APPLY script, which checks
 * and sets the idempotency marks and updates posteriors and counters atomically. An outcome is
 * acknowledged only after Redis answered that script.
 */
export class RedisLearning {
  applied = 0;
  defaultsApplied = 0;

  constructor(
    private readonly client: ScriptedClient,
    private readonly writer: DecisionWriter,
    private readonly log: NodeLog,
    private readonly campaigns: ReadonlyMap<string, CampaignRuntime>,
    private readonly settings: { graceMs: number; decisionTtlMs: number; sweepLimit: number; sweepLeaseMs: number; seriesRetentionMs: number },
    private readonly cluster: boolean,
    /** Called for each reward Redis applied (outcome or default), for this process's contact history. */
    private readonly onApplied: (rec: JoinRecord, offerId: string, reward: number, now: number) => void = () => undefined,
  ) {}

  /**
   * Decisions by id: this process's own queue or spool first, then Redis (one MGET on a single
   * server; per-key GETs in a cluster, where the keys spread over slots, pipelined per node).
   */
  private async records(ids: readonly string[]): Promise<Array<JoinRecord | undefined>> {
    const out = new Array<JoinRecord | undefined>(ids.length);
    const remote: number[] = [];
    ids.forEach((id, i) => {
      const local = this.writer.local(id);
      if (local !== undefined) out[i] = decodeJoin(id, local);
      else remote.push(i);
    });
    if (remote.length === 0) return out;
    const bytes: Array<Buffer | null> = this.cluster
      ? await Promise.all(remote.map((i) => this.client.getBuffer(keys.decision(ids[i]!))))
      : await this.client.mgetBuffer(...remote.map((i) => keys.decision(ids[i]!)));
    remote.forEach((i, j) => {
      const b = bytes[j];
      out[i] = b === null || b === undefined ? undefined : decodeJoin(ids[i]!, b);
    });
    return out;
  }

  async applyOutcomes(list: readonly OutcomeInput[]): Promise<OutcomeResult[]> {
    const out = new Array<OutcomeResult>(list.length);
    const wanted: number[] = [];
    list.forEach((o, i) => {
      const invalid = invalidOutcome(o);
      if (invalid !== null) out[i] = invalid;
      else wanted.push(i);
    });
    let recs: Array<JoinRecord | undefined>;
    try {
      recs = await this.records(wanted.map((i) => list[i]!.decisionId));
    } catch (err) {
      throw unavailable(err);
    }
    const items: Item[] = [];
    wanted.forEach((i, j) => {
      const o = list[i]!;
      const rec = recs[j];
      if (rec === undefined) {
        out[i] = result('UNKNOWN_DECISION', `no decision "${o.decisionId}" (unknown, or older than its reward wait plus grace)`);
        return;
      }
      const shown = findShown(rec, o.offerId);
      if (shown === undefined) {
        out[i] = result('INVALID', `offer "${o.offerId}" was not shown in decision "${o.decisionId}"`);
        return;
      }
      items.push({ kind: 'a', rec, offerId: o.offerId, reward: o.reward, delta: o.reward - shown.probability, index: i });
    });
    const codes = await this.apply(items, Date.now());
    const recorded: Array<{ decisionId: string; offerId: string; kind: 'a'; reward: number; t: number }> = [];
    items.forEach((it, j) => {
      const code = codes[j];
      const o = list[it.index]!;
      if (code === 1) {
        this.applied += 1;
        this.onApplied(it.rec, it.offerId, it.reward, Date.now());
        out[it.index] = result('APPLIED', appliedDetail(it.rec.control, this.notLearned(it)), it.delta);
        recorded.push({ decisionId: o.decisionId, offerId: o.offerId, kind: 'a', reward: o.reward, t: o.timestampMs > 0 ? o.timestampMs : Date.now() });
      } else if (code === 3) {
        out[it.index] = result('EXPIRED', 'the reward wait passed and the default reward was applied');
      } else {
        out[it.index] = result('DUPLICATE', 'an outcome for this decision and offer was already applied');
      }
    });
    this.log.recordOutcomes(recorded);
    return out;
  }

  /** Why an outcome is counted but not learned ('' when it is learned); the embedded store's wording. */
  private notLearned(it: Item): string {
    const rt = this.campaigns.get(it.rec.campaign);
    if (rt === undefined) return `campaign "${it.rec.campaign}" is not loaded`;
    if (!rt.offerIds.includes(it.offerId)) return `offer "${it.offerId}" is no longer in the campaign`;
    return '';
  }

  /** Runs APPLY once per campaign (in parallel: campaigns are independent); codes in item order. */
  private async apply(items: readonly Item[], now: number): Promise<number[]> {
    const byCampaign = new Map<string, number[]>();
    items.forEach((it, j) => {
      let g = byCampaign.get(it.rec.campaign);
      if (g === undefined) byCampaign.set(it.rec.campaign, (g = []));
      g.push(j);
    });
    const codes = new Array<number>(items.length).fill(0);
    try {
      await Promise.all(
        [...byCampaign].map(async ([campaign, idx]) => {
          const got = await this.applyCampaign(campaign, idx.map((j) => items[j]!), now);
          idx.forEach((j, k) => (codes[j] = Number(got[k])));
        }),
      );
    } catch (err) {
      throw unavailable(err);
    }
    return codes;
  }

  private applyCampaign(campaign: string, items: readonly Item[], now: number): Promise<number[]> {
    const rt = this.campaigns.get(campaign);
    const decay = rt?.config.decay ?? { halfLife: 0, unit: 'events' as const };
    const wait = rt?.config.rewardWaitMs ?? 0;
    const minute = bucketStart(now);
    const ks: string[] = [keys.counters(campaign), keys.posteriorVersions(campaign), keys.version(campaign), keys.contextQueue(campaign), keys.series(campaign, minute)];
    const index = new Map<string, number>();
    const keyIndex = (k: string): number => {
      let i = index.get(k);
      if (i === undefined) {
        ks.push(k);
        i = ks.length;
        index.set(k, i);
      }
      return i;
    };
    const args: (string | number)[] = [now, decay.halfLife, decay.unit, items.length, minute + this.settings.seriesRetentionMs];
    for (const it of items) {
      // A campaign that is not loaded here has no posterior to learn: counted like a control decision.
      const learn = !it.rec.control && rt !== undefined && rt.offerIds.includes(it.offerId);
      const mk = keyIndex(keys.marks(campaign, it.rec.id));
      const pk = learn ? keyIndex(keys.posterior(campaign, it.rec.segment)) : 0;
      // A default reward ends the decision's life in Redis (grace for late outcomes to get EXPIRED).
      const expireAt = it.kind === 'd' ? now + this.settings.graceMs : joinExpiresAt(it.rec.ts, wait, this.settings.decisionTtlMs);
      const obs = learn && it.rec.features !== undefined && it.rec.features.length > 0 ? JSON.stringify([it.offerId, it.reward, it.rec.features]) : '';
      args.push(it.kind, mk, pk, it.rec.segment, it.offerId, it.reward, it.delta, it.rec.control ? '1' : learn ? '0' : '2', Math.max(expireAt, now + 1000), obs, it.rec.modelVersion);
    }
    return this.client.nudgeApply(ks.length, ...ks, ...args);
  }

  /**
   * Default rewards: each campaign's due decisions are claimed atomically (CLAIM leases them), their
   * shown offers without an outcome get the default reward through APPLY (whose marks make it once
   * per (decision, offer) whatever the number of sweepers), then they leave the due set.
   */
  async sweep(now: number): Promise<number> {
    let count = 0;
    for (const [campaign, rt] of this.campaigns) {
      if (rt.config.rewardWaitMs <= 0) continue;
      const ids = (await this.client.nudgeClaim(1, keys.due(campaign), now, this.settings.sweepLimit, this.settings.sweepLeaseMs)).map(String);
      if (ids.length === 0) continue;
      const recs = await this.records(ids);
      const items: Item[] = [];
      for (const rec of recs) {
        if (rec === undefined) continue;
        for (const s of rec.offers) {
          items.push({ kind: 'd', rec, offerId: s.offerId, reward: rt.config.defaultReward, delta: rt.config.defaultReward - s.probability, index: -1 });
        }
      }
      const codes = items.length === 0 ? [] : await this.applyCampaign(campaign, items, now);
      const recorded = items.filter((_, j) => Number(codes[j]) === 1).map((it) => ({ decisionId: it.rec.id, offerId: it.offerId, kind: 'd' as const, reward: it.reward, t: now }));
      for (const it of items.filter((_, j) => Number(codes[j]) === 1)) this.onApplied(it.rec, it.offerId, it.reward, now);
      await this.client.zrem(keys.due(campaign), ...ids);
      // Swept: outcomes may still arrive during the grace period (EXPIRED), then the decision is gone.
      await Promise.all(
        recs.flatMap((rec) =>
          rec === undefined ? [] : [this.client.pexpire(keys.decision(rec.id), this.settings.graceMs || 1), this.client.pexpire(keys.marks(campaign, rec.id), this.settings.graceMs || 1)],
        ),
      );
      this.log.recordOutcomes(recorded);
      count += recorded.length;
    }
    this.defaultsApplied += count;
    return count;
  }
}
