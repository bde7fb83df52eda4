import { anyBoost, type SlatePolicy } from '../policies/common';
import type { ArmsView, DecideContext, Policy } from '../policies/types';
import { PrunedThompson, type PrunedOptions } from './thompson-fast';

/**
 * Fast paths that draw many single-slot decisions of one policy at once, valid while the policy's
 * state does not change (between two feedback batches, churn or drift events). They keep the real
 * policy's semantics and are checked against Policy.rank in test/sim/samplers.test.ts:
 *
 * - thompson: per step, argmax of one Beta(alpha_i, beta_i) draw per arm, ties to the lower index,
 *   exactly what thompson.rank does through kernel.sampleTopN. The draws of `count` steps are made in
 *   ONE kernel.beta call over the alpha/beta arrays repeated `count` times; arms far behind the
 *   leader are not drawn at every step (thompson-fast.ts: exact, by splitting each draw at a tail
 *   quantile).
 * - any SlatePolicy other than thompson: its propensityMatrix(view, 1) IS the distribution of its
 *   pick (exact for epsilon-greedy, ucb1, risk-averse, random, fixed up to slot 3); steps are drawn
 *   from that categorical distribution with one kernel.uniform call (a deterministic policy needs none).
 *   Thompson's matrix is only a Monte-Carlo estimate, hence its own path above.
 * - anything else: Policy.rank per step (slow, always right).
 */
export type SamplerKind = 'thompson-batch' | 'matrix' | 'rank';

export interface PickSampler {
  readonly kind: SamplerKind;
  /** Writes the arm picked at each of `count` steps into picks[0..count); the state is frozen meanwhile. */
  pick(view: ArmsView, count: number, picks: Int32Array, ctx: DecideContext): void;
}

/** Below this many steps per frozen state, drawing every arm is cheaper than pruning. */
const MIN_PRUNE_STEPS = 16;

/** Upper bound on k * steps drawn per kernel call, so scratch stays a few MB. */
const MAX_BATCH_DRAWS = 1 << 20;

function isSlatePolicy(p: Policy): p is SlatePolicy {
  return typeof (p as Partial<SlatePolicy>).propensityMatrix === 'function';
}

class GrowF64 {
  private buf = new Float64Array(0);
  view(len: number): Float64Array {
    if (this.buf.length < len) this.buf = new Float64Array(Math.max(len, this.buf.length * 2));
    return this.buf.length === len ? this.buf : this.buf.subarray(0, len);
  }
}

/** Fills dst (length k * reps) with `src` repeated, by doubling copies. */
function repeatInto(src: Float64Array, k: number, dst: Float64Array): void {
  for (let i = 0; i < k; i++) dst[i] = src[i];
  let len = k;
  const total = dst.length;
  while (len < total) {
    const n = Math.min(len, total - len);
    dst.copyWithin(len, 0, n);
    len += n;
  }
}

export function thompsonSampler(policy: Policy, pruning: Partial<PrunedOptions> | false = {}): PickSampler {
  const slow = rankSampler(policy);
  const pruned = pruning === false ? null : new PrunedThompson(pruning);
  const aRep = new GrowF64();
  const bRep = new GrowF64();
  const draws = new GrowF64();
  return {
    kind: 'thompson-batch',
    pick(view, count, picks, ctx) {
      // Boosted draws are not plain Beta argmaxes: leave those to the policy itself.
      if (anyBoost(view)) return slow.pick(view, count, picks, ctx);
      if (pruned !== null && count >= MIN_PRUNE_STEPS && pruned.pick(view, count, picks, ctx.kernel)) return;
      const k = view.k;
      const maxSteps = Math.max(1, Math.floor(MAX_BATCH_DRAWS / k));
      let done = 0;
      let filledSteps = -1;
      let a = aRep.view(0), b = bRep.view(0), d = draws.view(0);
      while (done < count) {
        const steps = Math.min(maxSteps, count - done);
        if (steps !== filledSteps) {
          a = aRep.view(k * steps);
          b = bRep.view(k * steps);
          d = draws.view(k * steps);
          repeatInto(view.alpha, k, a);
          repeatInto(view.beta, k, b);
          filledSteps = steps;
        }
        ctx.kernel.beta(a, b, d);
        for (let s = 0, base = 0; s < steps; s++, base += k) {
          let best = 0;
          let bestV = d[base];
          for (let i = 1; i < k; i++) {
            const v = d[base + i];
            if (v > bestV) {
              bestV = v;
              best = i;
            }
          }
          picks[done + s] = best;
        }
        done += steps;
      }
    },
  };
}

export function matrixSampler(policy: SlatePolicy): PickSampler {
  const matrix = new GrowF64();
  const cdf = new GrowF64();
  const u = new GrowF64();
  return {
    kind: 'matrix',
    pick(view, count, picks, ctx) {
      const k = view.k;
      const p = matrix.view(k);
      policy.propensityMatrix(view, 1, ctx, p);
      const c = cdf.view(k);
      let acc = 0;
      let only = -1;
      let support = 0;
      for (let i = 0; i < k; i++) {
        acc += p[i];
        c[i] = acc;
        if (p[i] > 0) {
          support++;
          only = i;
        }
      }
      if (support === 1) {
        picks.fill(only, 0, count);
        return;
      }
      const total = acc;
      let done = 0;
      while (done < count) {
        const n = Math.min(MAX_BATCH_DRAWS, count - done);
        const uv = u.view(n);
        ctx.kernel.uniform(uv);
        for (let s = 0; s < n; s++) {
          // Scaled by the column total so rounding in the matrix cannot push a draw past the last arm.
          const x = uv[s] * total;
          let i = 0;
          while (i < k - 1 && c[i] <= x) i++;
          picks[done + s] = i;
        }
        done += n;
      }
    },
  };
}

export function rankSampler(policy: Policy): PickSampler {
  return {
    kind: 'rank',
    pick(view, count, picks, ctx) {
      for (let s = 0; s < count; s++) picks[s] = policy.rank(view, 1, ctx)[0].index;
    },
  };
}

/** The fastest faithful sampler for `policy` (see above); `forceRank` selects Policy.rank per step. */
export function samplerFor(policy: Policy, forceRank = false): PickSampler {
  if (forceRank) return rankSampler(policy);
  if (policy.name === 'thompson') return thompsonSampler(policy);
  if (isSlatePolicy(policy)) return matrixSampler(policy);
  return rankSampler(policy);
}
