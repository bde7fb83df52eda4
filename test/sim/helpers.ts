import type { ArmsView } from '../../src/policies/types';

/** An ArmsView over the given posteriors with unit priors, weights and boosts. */
export function view(alpha: number[], beta: number[], cacheKey: string): ArmsView {
  const ones = new Float64Array(alpha.length).fill(1);
  return {
    k: alpha.length,
    alpha: Float64Array.from(alpha),
    beta: Float64Array.from(beta),
    priorAlpha: ones,
    priorBeta: ones,
    weights: ones,
    boosts: ones,
    cacheKey,
    version: 1,
  };
}
