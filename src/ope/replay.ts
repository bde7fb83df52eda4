import type { Kernel } from '../kernel/types';
import type { TargetPolicy } from './target';
import type { LoggedEvent } from './types';

/**
 * Replay (Li, Chu, Langford, Wang 2011): walk the log in order; keep an event when the evaluated
 * policy, in its current state, shows the logged action in the evaluated slot; the kept outcome is
 * fed back (Policy.update) so an adaptive policy learns exactly as it would have online. Unbiased
 * when the log was uniformly random over the actions (about one event in K is kept).
 */
export interface ReplayResult {
  /** Rewards of the matched events, in order. */
  readonly matched: Float64Array;
  readonly events: number;
}

export function replay(target: TargetPolicy, events: readonly LoggedEvent[], slot: number, kernel: Kernel, seed: number, learn = true): ReplayResult {
  kernel.seed(seed);
  const matched: number[] = [];
  events.forEach((e, i) => {
    const now = e.ts > 0 ? e.ts : i + 1;
    target.setNow(now, `e${i}`);
    if (target.pick(e.segment, slot) !== e.action) return;
    matched.push(e.reward);
    if (learn) target.update(e.segment, e.action, e.reward, now);
  });
  return { matched: Float64Array.from(matched), events: events.length };
}

/** Warnings when the log does not look uniformly random (replay is then biased). */
export function replayWarnings(events: readonly LoggedEvent[], k: number): string[] {
  if (events.length === 0) return [];
  let lo = Infinity, hi = -Infinity;
  for (const e of events) {
    if (e.propensity < lo) lo = e.propensity;
    if (e.propensity > hi) hi = e.propensity;
  }
  const out: string[] = [];
  if (hi > lo * (1 + 1e-6)) out.push(`replay assumes a uniformly random log, but logged propensities range from ${lo.toPrecision(3)} to ${hi.toPrecision(3)}: the replay estimate is biased; prefer IPW/DR`);
  else if (Math.abs(lo * k - 1) > 0.01) out.push(`logged propensity ${lo.toPrecision(4)} is not 1/K = ${(1 / k).toPrecision(4)}: were some actions missing from the log?`);
  return out;
}
