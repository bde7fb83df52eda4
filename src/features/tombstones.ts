import type { Database, RootDatabase } from 'lmdb';
import { customerToken, newTokenSecret, parseSecret, TokenMatcher } from '../privacy/token';
import { openMeta, openSnapshotDb, openWritableEnv, type SnapshotMeta } from './env';

/**
 * Forgotten customers in the features environment (docs/privacy.md). The meta db holds the token
 * secret (`privacy/secret`, hex) and one tombstone per forgotten customer (`tomb/<token>` ->
 * Tombstone). They live here, beside the snapshots, because `nudge features load` runs as its own
 * process with only the data directory: it must be able to tell, row by row, that an id was forgotten,
 * and with the secret and the tombstones it can, without the id ever being stored.
 */
export const SECRET_KEY = 'privacy/secret';
const TOMB_PREFIX = 'tomb/';
const TOMB_RANGE = { start: TOMB_PREFIX, end: 'tomb0' } as const;
export const tombKey = (token: string): string => TOMB_PREFIX + token;

export interface Tombstone {
  /** When the customer was forgotten (ms since epoch). */
  readonly at: number;
}

/** Keys one scan step reads before yielding to the event loop (a Decide waits at most one step). */
const SCAN_STEP = 2000;
const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

export function readSecret(meta: Database<unknown, string>): Buffer | null {
  return parseSecret(meta.get(SECRET_KEY));
}

export function readTombstones(meta: Database<unknown, string>): Set<string> {
  const out = new Set<string>();
  for (const key of meta.getKeys(TOMB_RANGE)) if (typeof key === 'string') out.add(key.slice(TOMB_PREFIX.length));
  return out;
}

/** Snapshot ids the meta lists (the current one and older ones still kept for readers). */
function snapshotIds(meta: Database<unknown, string>): string[] {
  const ids: string[] = [];
  for (const { value } of meta.getRange({ start: 'snap/', end: 'snap0' })) ids.push((value as SnapshotMeta).id);
  return ids;
}

async function withEnv<T>(dataDir: string, fn: (env: RootDatabase, meta: Database<unknown, string>) => Promise<T>): Promise<T> {
  const env = openWritableEnv(dataDir);
  try {
    return await fn(env, openMeta(env));
  } finally {
    await env.close();
  }
}

/**
 * The data directory's token secret, created on first use. `offered` (the Redis store's shared
 * secret) replaces a different local one: every node must derive the same tokens. Returns whether
 * a different secret was replaced, whose local tombstones then no longer match (docs/privacy.md).
 */
export function localSecret(dataDir: string, offered: Buffer | null = null): Promise<{ secret: Buffer; replaced: boolean }> {
  return withEnv(dataDir, async (env, meta) => {
    const cur = readSecret(meta);
    if (cur !== null && (offered === null || cur.equals(offered))) return { secret: cur, replaced: false };
    const secret = offered ?? newTokenSecret();
    // Checked again inside the write: another process of this node may have set it meanwhile.
    // Synchronous, like every other write to the features environment (see withSnapshots).
    return env.transactionSync(() => {
      const now = readSecret(meta);
      if (offered === null && now !== null) return { secret: now, replaced: false };
      void meta.put(SECRET_KEY, secret.toString('hex'));
      return { secret, replaced: now !== null && !now.equals(secret) };
    });
  });
}

/** The local secret when one exists (a Redis node offers it as the shared one). */
export function existingSecret(dataDir: string): Promise<Buffer | null> {
  return withEnv(dataDir, async (_env, meta) => readSecret(meta));
}

/**
 * Runs `fn` in a write transaction with every listed snapshot's db open (and `prepare`d: scanned).
 * Dbs are opened before the write (lmdb-js opens a dbi with a transaction of its own); a snapshot
 * swapped in meanwhile is seen inside the write, which then ends without writing and is run again
 * once that snapshot is opened and prepared too.
 */
async function withSnapshots<T>(
  env: RootDatabase,
  meta: Database<unknown, string>,
  fn: (dbs: ReadonlyMap<string, Database<Buffer, string>>) => T,
  prepare: (db: Database<Buffer, string>) => Promise<void> = async () => undefined,
): Promise<T> {
  const dbs = new Map<string, Database<Buffer, string>>();
  for (;;) {
    for (const id of snapshotIds(meta)) {
      if (dbs.has(id)) continue;
      const db = openSnapshotDb(env, id);
      dbs.set(id, db);
      await prepare(db);
    }
    // Synchronous: the loader writes this environment with transactionSync, and lmdb-js deadlocks a
    // process in which a sync write waits for the write lock while that lock's holder, an async
    // transaction(), waits for its callback on the same (blocked) thread. A node that loads features
    // in-process while it applies a ForgetCustomer (tests do) hung that way.
    const out = env.transactionSync(() => {
      const listed = snapshotIds(meta);
      if (listed.some((id) => !dbs.has(id))) return RETRY;
      // Only snapshots still listed: one the loader dropped meanwhile is gone from the meta.
      return { value: fn(new Map(listed.map((id) => [id, dbs.get(id)!] as const))) };
    });
    if (out !== RETRY) return out.value;
  }
}
const RETRY = Symbol('retry');

/** Removes one key from each given snapshot (inside the caller's write); true when any had it. */
function removeRow(dbs: ReadonlyMap<string, Database<Buffer, string>>, customerId: string): boolean {
  let removed = false;
  for (const db of dbs.values()) {
    try {
      if (db.doesExist(customerId)) {
        void db.remove(customerId);
        removed = true;
      }
    } catch {
      // dropped between the loader's drop and its meta update: nothing left to remove there
    }
  }
  return removed;
}

/**
 * Forgets one customer's features on this node: its row leaves the current snapshot and every older
 * one still kept, and its tombstone is recorded, in one write transaction (so a load that swaps in
 * later sees the tombstone, and one that swapped in earlier is listed here). The write waits for
 * LMDB's writer lock off the main thread: a load holding it does not stall Decide.
 */
export function forgetFeatures(dataDir: string, secret: Buffer, customerId: string, token: string, now = Date.now()): Promise<{ removed: boolean }> {
  return withEnv(dataDir, async (env, meta) => {
    const removed = await withSnapshots(env, meta, (dbs) => {
      if (readSecret(meta) === null) void meta.put(SECRET_KEY, secret.toString('hex'));
      void meta.put(tombKey(token), { at: now } satisfies Tombstone);
      return removeRow(dbs, customerId);
    });
    return { removed };
  });
}

/**
 * Applies tombstones recorded on another node (only their tokens are known): every kept snapshot is
 * scanned, each id hashed, and matching rows removed; then the tombstones are recorded. Tokens this
 * node already has a tombstone for are skipped (the features are shared by its processes, and the
 * first one to get here did it). Returns the rows removed.
 */
export function forgetFeaturesByToken(dataDir: string, secret: Buffer, tokens: ReadonlyMap<string, number>): Promise<number> {
  return withEnv(dataDir, async (env, meta) => {
    const known = readTombstones(meta);
    const todo = new Set([...tokens.keys()].filter((t) => !known.has(t)));
    if (todo.size === 0) return 0;
    const matcher = new TokenMatcher(secret, todo);
    const customers = new Set<string>();
    const scan = async (db: Database<Buffer, string>): Promise<void> => {
      let start: string | undefined;
      for (;;) {
        const keys = [...db.getKeys({ ...(start === undefined ? {} : { start }), limit: SCAN_STEP + 1, snapshot: false })] as string[];
        // From the second step on, the first key is the previous step's last one.
        for (const k of start === undefined ? keys : keys.slice(1)) if (matcher.match(k) !== null) customers.add(k);
        if (keys.length <= SCAN_STEP) return;
        start = keys[keys.length - 1];
        await yieldTurn();
      }
    };
    return withSnapshots(
      env,
      meta,
      (dbs) => {
        if (readSecret(meta) === null) void meta.put(SECRET_KEY, secret.toString('hex'));
        for (const t of todo) void meta.put(tombKey(t), { at: tokens.get(t)! } satisfies Tombstone);
        let removed = 0;
        for (const c of customers) if (removeRow(dbs, c)) removed++;
        return removed;
      },
      scan,
    );
  });
}

/**
 * The loader's check, built once per load: null when nothing was ever forgotten (no cost per row),
 * else a predicate that hashes each id and looks its token up.
 */
export function tombstoneFilter(meta: Database<unknown, string>): ((customerId: string) => boolean) | null {
  const tokens = readTombstones(meta);
  const secret = readSecret(meta);
  if (tokens.size === 0 || secret === null) return null;
  return (customerId) => tokens.has(customerToken(secret, customerId));
}
