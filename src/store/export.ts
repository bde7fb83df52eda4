import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { DecisionRecord } from './types';
import { decodeOutcome, openStoreDbs, outcomeRange, type StoreDbs } from './lmdb-env';
import { decodeDecision } from './decision-codec';

export type ExportedDecision = DecisionRecord & { outcomes: Record<string, number> };

export interface DecisionRange {
  /** First decision id to include (ids are time ordered). */
  readonly from?: string;
  readonly campaign?: string;
}

/** Decisions in id (= time) order from `from` (inclusive), each with the rewards recorded for it. */
export function* readDecisions(dbs: StoreDbs, opts: DecisionRange = {}): Generator<ExportedDecision> {
  const range = opts.from === undefined ? {} : { start: opts.from };
  // snapshot: false lets a long export not pin an old LMDB snapshot.
  for (const { key, value: bytes } of dbs.decisions.getRange({ ...range, snapshot: false })) {
    if (typeof key !== 'string') continue;
    const value = decodeDecision(key, bytes);
    if (opts.campaign !== undefined && value.campaign !== opts.campaign) continue;
    const outcomes: Record<string, number> = {};
    for (const o of dbs.outcomes.getRange(outcomeRange(value.id))) {
      const offerId = o.key.slice(value.id.length + 1);
      // defineProperty: offer ids are client data and may be named like Object.prototype members.
      Object.defineProperty(outcomes, offerId, { value: decodeOutcome(o.value).r, enumerable: true, writable: true, configurable: true });
    }
    yield { ...value, outcomes };
  }
}

/**
 * Reads the decision log of a data directory from another process (e.g. `nudge decisions export`
 * beside a running server: LMDB readers do not block the writer). Calls `each` per decision.
 */
export async function exportDecisionLog(dataDir: string, opts: DecisionRange, each: (d: ExportedDecision) => void | Promise<void>): Promise<number> {
  const path = join(dataDir, 'state');
  if (!existsSync(path)) throw new RangeError(`no learning state at ${path} (is --data-dir right?)`);
  const dbs = openStoreDbs(path, 1024 ** 3);
  let n = 0;
  try {
    for (const d of readDecisions(dbs, opts)) {
      await each(d);
      n++;
    }
  } finally {
    await dbs.env.close();
  }
  return n;
}
