/**
 * Steps at which cumulative regret is recorded: up to `count` log-spaced step counts in [1, horizon],
 * rounded to integers, deduplicated (so short horizons give fewer), always ending at the horizon,
 * plus the `extra` steps (drift steps: regret before and after a change is then read off exactly).
 */
export function logCheckpoints(horizon: number, count: number, extra: readonly number[] = []): Float64Array {
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError('horizon must be an integer >= 1');
  if (!Number.isInteger(count) || count < 2) throw new RangeError('count must be an integer >= 2');
  const out: number[] = [];
  const logH = Math.log(horizon);
  for (let i = 0; i < count; i++) {
    const s = i === count - 1 ? horizon : Math.max(1, Math.round(Math.exp((logH * i) / (count - 1))));
    if (out.length === 0 || s > out[out.length - 1]) out.push(s);
  }
  for (const e of extra) if (Number.isInteger(e) && e >= 1 && e <= horizon && !out.includes(e)) out.push(e);
  return Float64Array.from(out).sort();
}
