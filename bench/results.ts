/** The result file of one suite run (bench/results/<timestamp>.json) and its checks. */
import type { HeadlineResult } from './headline';
import type { MachineInfo } from './machine';
import type { OutcomeBenchResult } from './outcomes';
import type { Capacity, RunRecord } from './sweep';

export const RESULT_KIND = 'nudge-bench';
export const RESULT_VERSION = 1;

export interface At1000 {
  readonly rate: number;
  readonly floorP99Ms: number | null;
  readonly nudgeP99Ms: number | null;
  /** nudge p99 / floor p99; the target is <= 1.25. */
  readonly ratio: number | null;
}

export interface ScenarioResult {
  readonly id: string;
  readonly label: string;
  readonly offers: number;
  readonly features: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly sweep: boolean;
  readonly runs: RunRecord[];
  readonly capacity: Record<string, Capacity>;
  /** nudge capacity / floor capacity; the target is >= 0.8 (main scenario). */
  readonly capacityRatio: number | null;
  readonly at1000: At1000 | null;
  readonly error?: string;
}

export interface SuiteResult {
  readonly kind: typeof RESULT_KIND;
  readonly version: typeof RESULT_VERSION;
  readonly profile: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly settings: Record<string, unknown>;
  readonly targets: string[];
  readonly scenarios: ScenarioResult[];
  readonly outcomes: OutcomeBenchResult | { readonly skipped: string };
  /** Issue 16's headline figures (bench/headline.ts); absent when the part did not run. */
  readonly headline?: HeadlineResult | { readonly failed: string };
  readonly notes: string[];
}

/** Problems with a result object's shape ([] when valid): what CI's smoke checks, never timings. */
export function validateResult(r: unknown): string[] {
  const p: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(r)) return ['result is not an object'];
  if (r.kind !== RESULT_KIND) p.push('kind');
  if (r.version !== RESULT_VERSION) p.push('version');
  for (const k of ['profile', 'startedAt', 'finishedAt']) if (typeof r[k] !== 'string') p.push(k);
  if (!isObj(r.machine) || typeof r.machine.cpus !== 'number' || typeof r.machine.node !== 'string') p.push('machine');
  if (!Array.isArray(r.scenarios)) return [...p, 'scenarios'];
  r.scenarios.forEach((s: unknown, i) => {
    if (!isObj(s) || typeof s.id !== 'string' || !Array.isArray(s.runs) || !isObj(s.capacity)) {
      p.push(`scenarios[${i}]`);
      return;
    }
    s.runs.forEach((run: unknown, j) => {
      const at = `scenarios[${i}].runs[${j}]`;
      if (!isObj(run) || typeof run.target !== 'string' || typeof run.rate !== 'number' || typeof run.pass !== 'boolean' || !isObj(run.summary)) {
        p.push(at);
        return;
      }
      const sm = run.summary;
      for (const k of ['scheduled', 'sent', 'completed', 'ok', 'errorRate', 'achievedRate', 'achievedSendRate']) {
        if (typeof sm[k] !== 'number' || !Number.isFinite(sm[k])) p.push(`${at}.summary.${k}`);
      }
      for (const h of ['latencyMs', 'latencyFromSentMs']) {
        const l = sm[h];
        if (!isObj(l)) p.push(`${at}.summary.${h}`);
        else for (const q of ['p50', 'p90', 'p99', 'p999', 'max']) if (typeof l[q] !== 'number') p.push(`${at}.summary.${h}.${q}`);
      }
      if (!isObj(sm.lateness) || !isObj(sm.generator) || typeof sm.valid !== 'boolean' || !isObj(sm.errors)) p.push(`${at}.summary.judgement`);
    });
  });
  return p;
}
