import { createFallbackKernel } from '../../src/kernel';
import type { Kernel } from '../../src/kernel/types';
import type { ArmsView, DecideContext } from '../../src/policies/types';

export interface ViewInput {
  alpha: number[];
  beta: number[];
  priorAlpha?: number[];
  priorBeta?: number[];
  weights?: number[];
  boosts?: number[];
  cacheKey?: string;
  version?: number;
  /** ArmsView.unboosted, absent unless given. */
  unboosted?: boolean;
}

export function view(v: ViewInput): ArmsView {
  const k = v.alpha.length;
  const f = (a: number[] | undefined, d: number): Float64Array => Float64Array.from(a ?? new Array<number>(k).fill(d));
  return {
    k,
    alpha: Float64Array.from(v.alpha),
    beta: Float64Array.from(v.beta),
    priorAlpha: f(v.priorAlpha, 1),
    priorBeta: f(v.priorBeta, 1),
    weights: f(v.weights, 1),
    boosts: f(v.boosts, 1),
    cacheKey: v.cacheKey ?? 'c|s|all',
    version: v.version ?? 1,
    ...(v.unboosted !== undefined ? { unboosted: v.unboosted } : {}),
  };
}

export function seededKernel(seed = 42): Kernel {
  const k = createFallbackKernel();
  k.seed(seed);
  return k;
}

export function ctxOf(kernel: Kernel, stickyKey = 'customer-1|camp|salt', now = 1_700_000_000_000): DecideContext {
  return { kernel, stickyKey, now };
}

/** Deep copy of a view's arrays, to check rank() leaves them alone. */
export function snapshot(a: ArmsView): number[][] {
  return [a.alpha, a.beta, a.priorAlpha, a.priorBeta, a.weights, a.boosts].map((x) => Array.from(x));
}
