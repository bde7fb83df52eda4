import type { ContactHistory } from '../../fatigue/history';
import { existingSecret, forgetFeaturesByToken, localSecret } from '../../features/tombstones';
import { newTokenSecret, parseSecret, TokenMatcher } from '../../privacy/token';
import { tokenizeDecisions, type CustomerMatch, type Tokenized } from '../privacy-log';
import type { ForgetResult } from '../types';
import type { ScriptedClient } from './connect';
import type { RedisContacts } from './contacts';
import type { DecisionWriter } from './decision-writer';
import { decodeJoin, encodeJoin } from './join-codec';
import { keys } from './keys';
import type { NodeLog } from './node-log';

/** Node-log meta key of a tombstone this process applied, with the time of its ForgetCustomer. */
const appliedKey = (token: string): string[] => ['forgotten', token];
const appliedRange = (): { start: string[]; end: string[] } => ({ start: ['forgotten'], end: ['forgotten\u0000'] });

/** Pause after a failed application of tombstones before the next try. */
const RETRY_MS = 5000;

export interface PrivacyDeps {
  readonly dataDir: string;
  readonly history: ContactHistory;
  readonly contacts: RedisContacts;
  readonly writer: DecisionWriter;
  /** Campaigns whose contact records may exist (synced and admin-saved ones). */
  readonly campaigns: () => Iterable<string>;
}

/**
 * ForgetCustomer with the Redis store (docs/privacy.md). Shared state is erased by the process that
 * received the call: contact records (one key per campaign and customer) and the tombstone, in the
 * `{g}` hash `forgotten`, with a version the others poll. Node-local state (each process's decision
 * log, its join records in Redis, which only its log can find, its contact cache, and the node's
 * feature snapshots) is erased by each process itself: the receiver with the id, every other one with
 * the token only, by hashing the ids it holds, at its next sync after the version moved.
 */
export class RedisPrivacy {
  private secret: Promise<Buffer> | null = null;
  /** Tombstones this process applied (token -> time of the ForgetCustomer), as in the node log. */
  private readonly applied = new Map<string, number>();
  private seenVersion: string | null = null;
  private polling: Promise<void> | null = null;
  private retryAt = 0;
  /** Rows of this node's feature snapshots removed for tombstones recorded elsewhere. */
  featuresRemoved = 0;

  constructor(
    private readonly client: ScriptedClient,
    private readonly log: NodeLog,
    private readonly deps: PrivacyDeps,
  ) {
    for (const { key, value } of log.dbs.meta.getRange(appliedRange())) {
      if (Array.isArray(key) && typeof key[1] === 'string' && typeof value === 'number') this.applied.set(key[1], value);
    }
  }

  /**
   * The shared secret: the first process to ask offers its node's local one (so an embedded
   * installation that moves to Redis keeps its tokens) or a new one; SET NX makes one of them win.
   */
  tokenSecret(): Promise<Buffer> {
    this.secret ??= (async () => {
      let shared = parseSecret(await this.client.get(keys.tokenSecret));
      if (shared === null) {
        const offer = (await existingSecret(this.deps.dataDir)) ?? newTokenSecret();
        await this.client.set(keys.tokenSecret, offer.toString('hex'), 'NX');
        shared = parseSecret(await this.client.get(keys.tokenSecret));
        if (shared === null) throw new Error(`${keys.tokenSecret} does not hold a valid secret`);
      }
      await localSecret(this.deps.dataDir, shared);
      return shared;
    })().catch((err: unknown) => {
      this.secret = null;
      throw err;
    });
    return this.secret;
  }

  /** ForgetCustomer received by this process: it knows the id. */
  async forget(customerId: string, token: string): Promise<ForgetResult> {
    const at = Date.now();
    // Before the version moves, so this process's own poll does not scan for it again.
    this.applied.set(token, at);
    await this.client.multi().hset(keys.forgotten, token, String(at)).incr(keys.forgottenVersion).exec();
    const dropped = await this.dropContactCache((c) => c === customerId);
    const campaigns = new Set([...this.deps.campaigns(), ...dropped.map(([c]) => c)]);
    const deleted = await Promise.all([...campaigns].map((c) => this.client.del(keys.contacts(c, customerId))));
    const decisions = await this.tokenizeOwn((c) => (c === customerId ? token : null));
    await this.markApplied(token, at);
    return { contacts: deleted.reduce((a, b) => a + b, 0), decisions: decisions.length };
  }

  /**
   * Checks the tombstone version (one GET per sync) and, when it moved, applies the tombstones this
   * process has not applied, in the background: the sync goes on refreshing posteriors meanwhile.
   */
  poll(): void {
    if (this.polling !== null || Date.now() < this.retryAt) return;
    this.polling = this.applyRecorded()
      .catch(() => {
        // Redis down, or the log or features unwritable: a retry at every sync would rescan the log each time.
        this.retryAt = Date.now() + RETRY_MS;
      })
      .finally(() => {
        this.polling = null;
      });
  }

  /** Resolves when the tombstones recorded so far are applied here (tests, shutdown). */
  async idle(): Promise<void> {
    await this.polling;
    this.seenVersion = null;
    this.retryAt = 0;
    this.poll();
    await this.polling;
  }

  /** Resolves when a running application of tombstones has ended (close). */
  async settled(): Promise<void> {
    await this.polling;
  }

  private async applyRecorded(): Promise<void> {
    const version = await this.client.get(keys.forgottenVersion);
    if (version === null || version === this.seenVersion) return;
    const pending = new Map<string, number>();
    for (const [token, at] of Object.entries(await this.client.hgetall(keys.forgotten))) {
      if (this.applied.get(token) !== Number(at)) pending.set(token, Number(at));
    }
    if (pending.size > 0) {
      const secret = await this.tokenSecret();
      const matcher = new TokenMatcher(secret, new Set(pending.keys()));
      const match: CustomerMatch = (c) => matcher.match(c);
      // A record this process cached may have been merged back into Redis after the receiver's
      // DEL: this process knows the ids it cached, so it deletes those keys itself.
      const dropped = await this.dropContactCache((c) => match(c) !== null);
      await Promise.all(dropped.map(([c, id]) => this.client.del(keys.contacts(c, id))));
      await this.tokenizeOwn(match);
      this.featuresRemoved += await forgetFeaturesByToken(this.deps.dataDir, secret, pending);
      for (const [token, at] of pending) await this.markApplied(token, at);
    }
    this.seenVersion = version;
  }

  /**
 * Drops cached and unwritten contact records; twice, around the background fetches and the merge
 * being sent (either may bring a record back), so a DEL after this one stays deleted.
 */
  private async dropContactCache(match: (customerId: string) => boolean): Promise<Array<[string, string]>> {
    const out = this.deps.history.forget(match);
    this.deps.contacts.forget(match);
    await this.deps.contacts.idle();
    this.deps.contacts.forget(match);
    out.push(...this.deps.history.forget(match));
    return out;
  }

  /**
   * This process's decisions: queued ones are sent first; then the node log, the spool of join
   * records Redis did not take yet, and the join records in Redis of the decisions rewritten.
   */
  private async tokenizeOwn(match: CustomerMatch): Promise<Tokenized[]> {
    await this.deps.writer.flush();
    const done = await tokenizeDecisions(this.log.dbs, match, (fn) => this.log.dbs.env.transaction(fn));
    await this.tokenizeSpool(match);
    // XX: a record that expired meanwhile stays gone; KEEPTTL: its life is the sweeper's to end.
    await Promise.all(
      done.map(async ({ id, token }) => {
        const bytes = await this.client.getBuffer(keys.decision(id));
        if (bytes === null) return;
        const rec = decodeJoin(id, bytes);
        if (match(rec.customerId) === token) await this.client.set(keys.decision(id), encodeJoin({ ...rec, customerId: token }), 'KEEPTTL', 'XX');
      }),
    );
    return done;
  }

  private async tokenizeSpool(match: CustomerMatch): Promise<void> {
    if (this.log.spoolSize === 0) return;
    await this.log.dbs.env.transaction(() => {
      // Read first: the rewrite replaces values under the cursor that reads them.
      const rows: Array<[string, Buffer]> = [];
      for (const { key, value } of this.log.spool.getRange({ snapshot: false })) {
        const rec = decodeJoin(key, Buffer.from(value).subarray(1));
        const token = match(rec.customerId);
        if (token !== null) rows.push([key, Buffer.concat([Buffer.from([value[0]!]), encodeJoin({ ...rec, customerId: token })])]);
      }
      for (const [key, bytes] of rows) void this.log.spool.put(key, bytes);
    });
  }

  private async markApplied(token: string, at: number): Promise<void> {
    this.applied.set(token, at);
    await this.log.dbs.env.transaction(() => void this.log.dbs.meta.put(appliedKey(token), at));
  }
}
