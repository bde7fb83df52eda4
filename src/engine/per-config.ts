import type { CampaignConfig } from '../campaigns/types';

/**
 * A fact derived from a campaign config, computed once per config object: configs are immutable and
 * replaced whole on a change, so the WeakMap drops a replaced config's facts with it.
 */
export function perConfig<T>(compute: (c: CampaignConfig) => T): (c: CampaignConfig) => T {
  const memo = new WeakMap<CampaignConfig, T>();
  return (c) => {
    if (memo.has(c)) return memo.get(c)!;
    const v = compute(c);
    memo.set(c, v);
    return v;
  };
}
