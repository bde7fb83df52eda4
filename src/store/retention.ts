import type { StoreDbs } from './lmdb-env';
import { outcomeRange } from './lmdb-env';

/**
 * Most decisions one retention transaction removes. The removal runs on the main thread inside the
 * write transaction, so batches are small and separated by RETENTION_PAUSE_MS: a soak at 1,500 req/s
 * with batches of 1,000 back to back (90,000 decisions a minute) stalled the event loop enough to
 * shed 0.45% of Decide calls.
 */
export const RETENTION_BATCH = 200;
/** Pause between retention batches, so Decide and outcome commits run in between. */
export const RETENTION_PAUSE_MS = 5;

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/**
 * The smallest decision id at or after `ms`: decision ids are UUIDv7 (src/decisions/id.ts), whose
 * first 48 bits, the first 12 hex digits, are the creation time, so ids sort by time.
 */
export function idAtTime(ms: number): string {
  const h = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}`;
}

/**
 * Decision-log retention (NUDGE_DECISION_RETENTION): removes decisions older than the cutoff, with
 * their recorded outcomes, oldest first. Runs inside a write transaction given by the caller; returns
 * how many decisions it removed (at most RETENTION_BATCH, so a backlog is taken in several small
 * transactions). LMDB puts the freed pages on its free list and reuses them, so the file stops
 * growing once writes and removals balance.
 */
export function removeOlderThan(dbs: StoreDbs, cutoffMs: number): number {
  const ids: string[] = [];
  for (const key of dbs.decisions.getKeys({ end: idAtTime(cutoffMs), limit: RETENTION_BATCH, snapshot: false })) {
    if (typeof key === 'string') ids.push(key);
  }
  for (const id of ids) {
    for (const k of [...dbs.outcomes.getKeys({ ...outcomeRange(id), snapshot: false })]) void dbs.outcomes.remove(k);
    void dbs.decisions.remove(id);
  }
  return ids.length;
}

/**
 * Retention cutoff: never closer than the longest reward wait plus a minute for the sweeper, so a
 * decision is not removed before its default reward was applied.
 */
export function retentionCutoff(now: number, retentionMs: number, longestRewardWaitMs: number): number {
  return now - Math.max(retentionMs, longestRewardWaitMs > 0 ? longestRewardWaitMs + 60_000 : 0);
}
