import { join, resolve } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import type { DecisionRecord } from './types';
import { decodeOutcome, openStoreDbs, outcomeRange, type OutcomeEntry, type StoreDbs } from './lmdb-env';
import { decodeDecision } from './decision-codec';

export type ExportedDecision = DecisionRecord & { outcomes: Record<string, number> };

export interface DecisionRange {
  /** First decision id to include (ids are time ordered). */
  readonly from?: string;
  readonly campaign?: string;
}

/** Decisions of one log in id (= time) order from `from` (inclusive), without their outcomes. */
function* readRecords(dbs: StoreDbs, opts: DecisionRange): Generator<DecisionRecord> {
  const range = opts.from === undefined ? {} : { start: opts.from };
  // snapshot: false lets a long export not pin an old LMDB snapshot.
  for (const { key, value: bytes } of dbs.decisions.getRange({ ...range, snapshot: false })) {
    if (typeof key !== 'string') continue;
    const value = decodeDecision(key, bytes);
    if (opts.campaign !== undefined && value.campaign !== opts.campaign) continue;
    yield value;
  }
}

/** Own data property: offer ids are client data and may be named like Object.prototype members. */
function setOwn(o: Record<string, number>, key: string, value: number): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The rewards recorded for a decision in any of the logs. An outcome may have been applied by another
 * process or node than the one that logged the decision. Should two logs hold one (decision, offer), an
 * applied outcome wins over a default reward, else the first log given. Offers in id order.
 */
function outcomesOf(sources: readonly StoreDbs[], id: string): Record<string, number> {
  const outcomes: Record<string, number> = {};
  if (sources.length === 1) {
    for (const o of sources[0]!.outcomes.getRange(outcomeRange(id))) setOwn(outcomes, o.key.slice(id.length + 1), decodeOutcome(o.value).r);
    return outcomes;
  }
  const found = new Map<string, OutcomeEntry>();
  for (const dbs of sources) {
    for (const o of dbs.outcomes.getRange(outcomeRange(id))) {
      const offerId = o.key.slice(id.length + 1);
      const e = decodeOutcome(o.value);
      const prev = found.get(offerId);
      if (prev === undefined || (prev.s === 'd' && e.s === 'a')) found.set(offerId, e);
    }
  }
  for (const offerId of [...found.keys()].sort(compareKeys)) setOwn(outcomes, offerId, found.get(offerId)!.r);
  return outcomes;
}

/**
 * LMDB's order of string keys (UTF-8 bytes). Decision ids are UUIDv7 (ASCII), where it is the order of
 * JS strings; other strings are compared by code point, which is UTF-8 byte order.
 */
function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}

/** Decisions in id (= time) order from `from` (inclusive), each with the rewards recorded for it. */
export function* readDecisions(dbs: StoreDbs, opts: DecisionRange = {}): Generator<ExportedDecision> {
  for (const value of readRecords(dbs, opts)) yield { ...value, outcomes: outcomesOf([dbs], value.id) };
}

interface Head {
  readonly it: Iterator<DecisionRecord>;
  rec: DecisionRecord;
  /** Position of the log in the list, to break ties (one id in two logs) deterministically. */
  readonly order: number;
}

const before = (a: Head, b: Head): boolean => {
  const c = compareKeys(a.rec.id, b.rec.id);
  return c < 0 || (c === 0 && a.order < b.order);
};

/** A binary min-heap of the logs' next decisions. */
class Heads {
  private readonly h: Head[] = [];

  get size(): number {
    return this.h.length;
  }

  peek(): Head {
    return this.h[0]!;
  }

  push(x: Head): void {
    const h = this.h;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  /** Replaces the top after its log advanced (or removes it when the log is done). */
  advanceTop(): void {
    const h = this.h;
    const top = h[0]!;
    const next = top.it.next();
    if (next.done === true) {
      const last = h.pop()!;
      if (h.length === 0) return;
      h[0] = last;
    } else top.rec = next.value;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

/**
 * Decisions of several logs (nodes, processes) in one id (= time) order: a k-way merge of the logs'
 * ordered scans. Each decision's outcomes are joined across all the logs. A decision found in two
 * logs (the same directory given twice) is written once.
 */
export function* mergeDecisions(sources: readonly StoreDbs[], opts: DecisionRange = {}): Generator<ExportedDecision> {
  if (sources.length === 1) {
    yield* readDecisions(sources[0]!, opts);
    return;
  }
  const heads = new Heads();
  sources.forEach((dbs, order) => {
    const it = readRecords(dbs, opts);
    const first = it.next();
    if (first.done !== true) heads.push({ it, rec: first.value, order });
  });
  let last: string | null = null;
  while (heads.size > 0) {
    const rec = heads.peek().rec;
    if (rec.id !== last) {
      last = rec.id;
      yield { ...rec, outcomes: outcomesOf(sources, rec.id) };
    }
    heads.advanceTop();
  }
}

/**
 * The decision logs of a data directory: `${dir}/state` (the embedded store) and every
 * `${dir}/node-<i>/state` (the Redis store's per-process logs), in that order (node logs by index).
 */
export function decisionLogPaths(dataDir: string): string[] {
  const out: string[] = [];
  const embedded = join(dataDir, 'state');
  if (existsSync(embedded)) out.push(embedded);
  let names: string[] = [];
  try {
    names = readdirSync(dataDir);
  } catch {
    // no directory: no node logs
  }
  const nodes = names
    .map((n) => /^node-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(join(dataDir, m[0], 'state')))
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  for (const m of nodes) out.push(join(dataDir, m[0], 'state'));
  return out;
}

/**
 * Reads the decision logs of one or several data directories from another process (e.g. `nudge
 * decisions export` beside running servers: LMDB readers do not block the writer) and calls `each`
 * per decision, in id order, with its outcomes joined across every log read.
 */
export async function exportDecisionLog(
  dataDirs: string | readonly string[],
  opts: DecisionRange,
  each: (d: ExportedDecision) => void | Promise<void>,
): Promise<number> {
  const dirs = typeof dataDirs === 'string' ? [dataDirs] : [...dataDirs];
  if (dirs.length === 0) throw new RangeError('no data directory given');
  const paths: string[] = [];
  for (const dir of dirs) {
    const found = decisionLogPaths(dir);
    if (found.length === 0) throw new RangeError(`no learning state at ${join(dir, 'state')} or ${join(dir, 'node-*', 'state')} (is --data-dir right?)`);
    for (const p of found) if (!paths.some((q) => resolve(q) === resolve(p))) paths.push(p);
  }
  const opened: StoreDbs[] = [];
  let n = 0;
  try {
    for (const p of paths) opened.push(openStoreDbs(p, 1024 ** 3));
    for (const d of mergeDecisions(opened, opts)) {
      await each(d);
      n++;
    }
  } finally {
    for (const dbs of opened) await dbs.env.close();
  }
  return n;
}
