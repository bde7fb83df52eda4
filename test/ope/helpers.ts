import { Rng } from '../../src/sim/rng';
import type { LoggedData, LoggedEvent } from '../../src/ope/types';

/** Logs of a known stochastic logging policy `pb` over arms with true rates `rates`. */
export function simulatedLogs(rates: number[], pb: number[], n: number, seed: number): LoggedData {
  const rng = new Rng(seed);
  const cdf: number[] = [];
  pb.reduce((acc, p, i) => (cdf[i] = acc + p), 0);
  const events: LoggedEvent[] = new Array<LoggedEvent>(n);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform() * cdf[cdf.length - 1];
    let a = 0;
    while (a < pb.length - 1 && cdf[a] <= u) a++;
    events[i] = { segment: '', action: a, reward: rng.uniform() < rates[a] ? 1 : 0, propensity: pb[a], position: 1, ts: 0 };
  }
  return { format: 'nudge', actions: rates.map((_, i) => `offer-${i}`), events, skipped: {} };
}

export function priorsOf(ab: [number, number][]): Map<string, [number, number]> {
  return new Map(ab.map((p, i) => [`offer-${i}`, p]));
}
