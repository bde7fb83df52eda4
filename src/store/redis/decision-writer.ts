import type { DecisionRecord } from '../types';
import { encodeDecision } from '../decision-codec';
import type { ScriptedClient } from './connect';
import { decodeJoin, encodeJoin, type JoinRecord } from './join-codec';
import { bucketStart } from '../series';
import { keys, SEP } from './keys';
import type { NodeLog } from './node-log';
import { joinExpiresAt } from './ttl';

/** What the writer needs to know of a campaign. */
export interface CampaignTiming {
  /** Reward wait (0 = no default reward), or undefined for a campaign this process does not know. */
  rewardWaitMs(campaign: string): number | undefined;
}

export interface WriterSettings {
  readonly flushMs: number;
  readonly batchSize: number;
  readonly decisionTtlMs: number;
  readonly spoolMax: number;
  /** Monitoring buckets expire this long after their minute. */
  readonly seriesRetentionMs: number;
}

/** Queued decisions as parallel columns: no record object outlives logDecision (decision-log.ts says why). */
interface Batch {
  ids: string[];
  full: Buffer[];
  join: Buffer[];
  ts: number[];
  campaigns: string[];
  /** What the batch adds to each campaign, summed as decisions arrive (nothing per decision is kept for it). */
  logs: Map<string, CampaignLog>;
}

/** A batch's additions to one campaign: counter increments and default-reward due entries. */
interface CampaignLog {
  readonly inc: Map<string, number>;
  /** Monitoring bucket increments: minute start -> field (redis/series.ts) -> increment. */
  readonly series: Map<number, Map<string, number>>;
  readonly due: (string | number)[];
}

interface SegmentFields {
  readonly control: string;
  readonly treatment: string;
  readonly impressions: Map<string, string>;
}

const emptyBatch = (): Batch => ({ ids: [], full: [], join: [], ts: [], campaigns: [], logs: new Map() });

/** Spool entries: a flag byte (1 = the campaign's counters and due entry are still to be written), then the join record. */
const NEEDS_LOG = 1;

/**
 * Sends decisions to Redis in batches: each join record with its TTL (SET ... PX, pipelined by ioredis
 * per cluster node), and per campaign one LOG script (impressions, decision counts, due entries).
 * Every decision also goes to the node-local log. When Redis does not take a batch, its join records
 * go to the local spool and are replayed when Redis answers again, so outcomes still join to them.
 */
export class DecisionWriter {
  private queue: Batch = emptyBatch();
  /** Join records queued or being written: an outcome reported here meanwhile still finds them. */
  private readonly pending = new Map<string, Buffer>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private draining: Promise<void> | null = null;
  private readonly fields = new Map<string, SegmentFields>();
  /** Decisions not spooled because the spool was full. */
  dropped = 0;
  written = 0;
  onResult: (ok: boolean, err?: unknown) => void = () => undefined;

  constructor(
    private readonly client: ScriptedClient,
    private readonly log: NodeLog,
    private readonly timing: CampaignTiming,
    private readonly s: WriterSettings,
    private readonly cluster: boolean,
  ) {}

  get queued(): number {
    return this.queue.ids.length;
  }

  get spoolSize(): number {
    return this.log.spoolSize;
  }

  add(r: DecisionRecord): void {
    if (r.segment.includes(SEP)) throw new RangeError('decision record: segment holds the unit separator');
    const full = encodeDecision(r);
    const join = encodeJoin(r);
    const q = this.queue;
    q.ids.push(r.id);
    q.full.push(full);
    q.join.push(join);
    q.ts.push(r.ts);
    q.campaigns.push(r.campaign);
    let log = q.logs.get(r.campaign);
    if (log === undefined) q.logs.set(r.campaign, (log = { inc: new Map(), series: new Map(), due: [] }));
    this.count(log, r.campaign, r);
    this.pending.set(r.id, join);
    if (q.ids.length >= this.s.batchSize) void this.flush();
    else this.arm();
  }

  /** The join record of a decision of this process that may not have reached Redis yet. */
  local(id: string): Buffer | undefined {
    const p = this.pending.get(id);
    if (p !== undefined) return p;
    const s = this.log.spooledRecord(id);
    return s === undefined ? undefined : s.subarray(1);
  }

  private arm(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.s.flushMs);
    this.timer.unref();
  }

  /** Sends what is queued; resolves when it is in Redis or in the spool. Never rejects. */
  flush(): Promise<void> {
    if (this.flushing !== null) return this.flushing.then(() => (this.queue.ids.length > 0 ? this.flush() : undefined));
    if (this.queue.ids.length === 0) return Promise.resolve();
    const b = this.queue;
    this.queue = emptyBatch();
    this.flushing = this.send(b).finally(() => {
      this.flushing = null;
      if (this.queue.ids.length > 0) this.arm();
    });
    return this.flushing;
  }

  private expiry(campaign: string, ts: number): { wait: number; expireAt: number } {
    const wait = this.timing.rewardWaitMs(campaign) ?? 0;
    return { wait, expireAt: joinExpiresAt(ts, wait, this.s.decisionTtlMs) };
  }

  /** Adds one decision to its campaign's log of the batch. */
  private count(log: CampaignLog, campaign: string, d: { id: string; ts: number; segment: string; control: boolean; offers: readonly { readonly offerId: string }[] }): void {
    const f = this.fieldsOf(d.segment);
    const add = (name: string): void => void log.inc.set(name, (log.inc.get(name) ?? 0) + 1);
    const minute = bucketStart(d.ts);
    let bucket = log.series.get(minute);
    if (bucket === undefined) log.series.set(minute, (bucket = new Map()));
    const sadd = (name: string): void => void bucket.set(name, (bucket.get(name) ?? 0) + 1);
    add(d.control ? f.control : f.treatment);
    sadd(d.control ? 'Cd' : 'Td');
    if (!d.control) {
      for (const o of d.offers) {
        let name = f.impressions.get(o.offerId);
        if (name === undefined) f.impressions.set(o.offerId, (name = `i${SEP}${d.segment}${SEP}${o.offerId}`));
        add(name);
        sadd(`i${SEP}${o.offerId}`);
      }
    }
    const { wait } = this.expiry(campaign, d.ts);
    if (wait > 0) log.due.push(d.ts + wait, d.id);
  }

  /** Counter field names of a segment, made once (they were a string concatenation per offer per Decide). */
  private fieldsOf(segment: string): SegmentFields {
    let f = this.fields.get(segment);
    if (f === undefined) {
      if (this.fields.size >= 10_000) this.fields.clear();
      f = { control: `Cd${SEP}${segment}${SEP}`, treatment: `Td${SEP}${segment}${SEP}`, impressions: new Map() };
      this.fields.set(segment, f);
    }
    return f;
  }

  /**
   * The join records with their TTLs. On a single server one JOIN script takes the whole batch (one
   * command instead of one SET per decision: the per-command client cost was the Redis store's main
   * extra CPU per Decide); in a cluster the keys spread over slots, so each is its own SET, pipelined
   * per node. Resolves per record: taken or not.
   */
  private async setJoins(ids: readonly string[], bytes: readonly Buffer[], ttls: readonly number[]): Promise<boolean[]> {
    if (!this.cluster) {
      const args: (Buffer | number)[] = [];
      for (let i = 0; i < ids.length; i++) args.push(bytes[i]!, ttls[i]!);
      const ok = await this.client.nudgeJoin(ids.length, ...ids.map((id) => keys.decision(id)), ...args).then(
        () => true,
        () => false,
      );
      return ids.map(() => ok);
    }
    return Promise.all(
      ids.map((id, i) =>
        this.client.set(keys.decision(id), bytes[i]!, 'PX', ttls[i]!).then(
          () => true,
          () => false,
        ),
      ),
    );
  }

  private async send(b: Batch): Promise<void> {
    const now = Date.now();
    const setOk = await this.setJoins(
      b.ids,
      b.join,
      b.ids.map((_, i) => Math.max(this.expiry(b.campaigns[i]!, b.ts[i]!).expireAt - now, 1000)),
    );
    const logOk = new Map<string, boolean>();
    let firstErr: unknown = null;
    await Promise.all(
      [...b.logs].map(([campaign, log]) =>
        this.sendLog(campaign, log).then(
          () => logOk.set(campaign, true),
          (err: unknown) => {
            firstErr ??= err;
            logOk.set(campaign, false);
          },
        ),
      ),
    );
    let spool: Buffer[] | null = null;
    let failed = 0;
    for (let i = 0; i < b.ids.length; i++) {
      const needsLog = logOk.get(b.campaigns[i]!) !== true;
      if (setOk[i] && !needsLog) continue;
      failed++;
      spool ??= b.ids.map(() => Buffer.alloc(0));
      spool[i] = Buffer.concat([Buffer.from([needsLog ? NEEDS_LOG : 0]), b.join[i]!]);
    }
    let toSpool = spool;
    if (spool !== null) {
      if (this.log.spoolSize + failed > this.s.spoolMax) {
        // Bounded: past spoolMax the newest decisions are not spooled; their outcomes will be unknown.
        this.dropped += failed;
        toSpool = null;
      }
      this.onResult(false, firstErr ?? new Error('Redis did not take a decision batch'));
    } else {
      this.written += b.ids.length;
      this.onResult(true);
    }
    if (toSpool !== null) await this.writeLocal(b, toSpool);
    else await this.log.write(b.ids, b.full);
    for (let i = 0; i < b.ids.length; i++) if (this.pending.get(b.ids[i]!) === b.join[i]) this.pending.delete(b.ids[i]!);
  }

  /** Writes the full log; spools only the entries that need it (empty buffers mark the others). */
  private async writeLocal(b: Batch, spool: Buffer[]): Promise<void> {
    const ids: string[] = [];
    const recs: Buffer[] = [];
    for (let i = 0; i < b.ids.length; i++) {
      if (spool[i]!.length === 0) continue;
      ids.push(b.ids[i]!);
      recs.push(spool[i]!);
    }
    await this.log.write(b.ids, b.full, { ids, recs });
  }

  private logOf(campaign: string, recs: readonly JoinRecord[]): CampaignLog {
    const log: CampaignLog = { inc: new Map(), series: new Map(), due: [] };
    for (const r of recs) this.count(log, campaign, r);
    return log;
  }

  private sendLog(campaign: string, log: CampaignLog): Promise<unknown> {
    const args: (string | number)[] = [log.inc.size];
    for (const [f, n] of log.inc) args.push(f, n);
    const bucketKeys: string[] = [];
    const incs: (string | number)[] = [];
    let count = 0;
    for (const [minute, fields] of log.series) {
      bucketKeys.push(keys.series(campaign, minute));
      // KEYS[1..3] are the counters, due set and version: bucket keys start at 4.
      for (const [f, n] of fields) incs.push(3 + bucketKeys.length, f, n), count++;
    }
    args.push(count, ...incs);
    for (const minute of log.series.keys()) args.push(minute + this.s.seriesRetentionMs);
    for (const d of log.due) args.push(d);
    return this.client.nudgeLog(3 + bucketKeys.length, keys.counters(campaign), keys.due(campaign), keys.version(campaign), ...bucketKeys, ...args);
  }

  /** Replays spooled decisions while Redis answers; resolves when the spool is empty or Redis failed again. */
  drainSpool(): Promise<void> {
    if (this.draining !== null) return this.draining;
    if (this.log.spoolSize === 0) return Promise.resolve();
    this.draining = this.drainLoop()
      .then(
        () => this.onResult(true),
        (err: unknown) => this.onResult(false, err),
      )
      .finally(() => {
        this.draining = null;
      });
    return this.draining;
  }

  /**
   * Join record first, then the campaign's counters: an entry leaves the spool only when both parts it
   * still needs were taken, so a failure half-way repeats the SET (idempotent), never a counted LOG.
   */
  private async drainLoop(): Promise<void> {
    for (;;) {
      const batch = this.log.spooledBatch(1000);
      if (batch.length === 0) return;
      const now = Date.now();
      const recs = batch.map(({ id, bytes }) => ({ id, needsLog: bytes[0] === NEEDS_LOG, join: bytes.subarray(1), rec: decodeJoin(id, bytes.subarray(1)) }));
      const setOk = await this.setJoins(
        recs.map((r) => r.id),
        recs.map((r) => r.join),
        recs.map(({ rec }) => Math.max(this.expiry(rec.campaign, rec.ts).expireAt - now, 1000)),
      );
      const logs = new Map<string, number[]>();
      const done: string[] = [];
      recs.forEach((r, i) => {
        if (!setOk[i]) return;
        if (!r.needsLog) return void done.push(r.id);
        let l = logs.get(r.rec.campaign);
        if (l === undefined) logs.set(r.rec.campaign, (l = []));
        l.push(i);
      });
      let failed = setOk.includes(false);
      await Promise.all(
        [...logs].map(([campaign, idx]) =>
          this.sendLog(campaign, this.logOf(campaign, idx.map((i) => recs[i]!.rec))).then(
            () => idx.forEach((i) => done.push(recs[i]!.id)),
            () => {
              failed = true;
            },
          ),
        ),
      );
      await this.log.unspool(done);
      if (failed) throw new Error('Redis did not take spooled decisions');
    }
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
