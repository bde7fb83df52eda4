import { inferFeatureSpecs } from '../contextual/infer';
import { VectorBuilder } from '../contextual/vector';
import type { Scenario } from './scenario';

/** A scenario's contexts compiled once: cumulative weights, true rates, best rate, vector and segment per context. */
export interface CompiledContexts {
  readonly count: number;
  /** Cumulative normalised weights; the last is exactly 1. */
  readonly cumulative: Float64Array;
  /** rates[c * k + a]: true rate of arm a in context c. */
  readonly rates: Float64Array;
  /**
   * Largest rate per context, over every arm: with noActionArm this includes doing nothing, also for
   * an always-nudge: policy, so that the cost of never holding back shows as regret.
   */
  readonly best: Float64Array;
  /** Feature vector of each context (VectorBuilder layout, bias at column 0). */
  readonly vectors: readonly Float64Array[];
  readonly dim: number;
  /** segment[c]: the posterior (ArmTable) a context-free policy uses for context c (scenario.segmentBy). */
  readonly segment: Int32Array;
  /** Number of distinct segments (1 when segmentBy is empty). */
  readonly segments: number;
  /** Label of each context in the printed summary. */
  readonly labels: readonly string[];
}

/**
 * The segment key of a context, built like the engine's segmentKey (name=value per segmentBy
 * feature): contexts that agree on those features share one posterior, as customers do in a campaign
 * with segment_by.
 */
function segmentKey(features: Readonly<Record<string, number | string>>, segmentBy: readonly string[]): string {
  return segmentBy.map((name) => `${name}=${String(features[name])}`).join('|');
}

/** A string feature `name` labels its context; otherwise the features themselves do. */
export function contextLabel(features: Readonly<Record<string, number | string>>, index: number): string {
  const name = features['name'];
  if (typeof name === 'string') return name;
  const pairs = Object.entries(features).map(([k, v]) => `${k}=${String(v)}`);
  return pairs.length > 0 ? pairs.join(',') : `context ${index}`;
}

export function compileContexts(scenario: Scenario): CompiledContexts {
  const contexts = scenario.contexts;
  if (contexts === undefined || contexts.length === 0) throw new RangeError('scenario.contexts must list at least one context');
  const k = scenario.arms.count;
  const n = contexts.length;
  const builder = new VectorBuilder(inferFeatureSpecs(contexts.map((c) => c.features)), null);
  const total = contexts.reduce((s, c) => s + c.weight, 0);
  const cumulative = new Float64Array(n);
  const rates = new Float64Array(n * k);
  const best = new Float64Array(n);
  const segment = new Int32Array(n);
  const keys = new Map<string, number>();
  let acc = 0;
  const vectors = contexts.map((c, i) => {
    acc += c.weight;
    cumulative[i] = i === n - 1 ? 1 : acc / total;
    rates.set(c.rates, i * k);
    best[i] = Math.max(...c.rates);
    const key = segmentKey(c.features, scenario.segmentBy);
    if (!keys.has(key)) keys.set(key, keys.size);
    segment[i] = keys.get(key)!;
    return builder.buildFrom(c.features, new Float64Array(builder.dim));
  });
  const labels = contexts.map((c, i) => contextLabel(c.features, i));
  return { count: n, cumulative, rates, best, vectors, dim: builder.dim, segment, segments: keys.size, labels };
}

/** Index of the context a uniform u in (0, 1) falls in. */
export function contextOf(cumulative: Float64Array, u: number): number {
  let c = 0;
  while (c < cumulative.length - 1 && u >= cumulative[c]) c++;
  return c;
}
