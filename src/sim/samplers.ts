import { anyBoost, type SlatePolicy } from '../policies/common';
import type { ArmsView, DecideContext, Policy } from '../policies/types';
import { PrunedThompson, type PrunedOptions } from './thompson-fast';

/**
 * Fast paths that draw many single-slot decisions of one policy at once, valid while the policy's
 * state does not change (between two feedback batches, churn or drift events). They keep the real
 * policy's semantics and are checked against Policy.rank in test/sim/samplers.test.ts:
 *
 * - thompson: per step, argmax of one Beta(alpha_i, beta_i) draw per arm, ties to the lower index,
 *   exactly what thompson.rank does through kernel.sampleTopN. The `count` steps are drawn in ONE
 *   kernel.thompsonPicks call (argmax in C++, Marsaglia-Tsang constants once per arm); arms far
 *   behind the leader are not drawn at every step (thompson-fast.ts: exact, by splitting each draw at
 *   a tail quantile).
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

/** Upper bound on k * steps drawn per kernel call (keeps each call, and the matrix sampler's scratch, bounded). */
const MAX_BATCH_DRAWS = 1 << 20;

function isSlatePolicy(p: Policy): p is SlatePolicy {
  return typeof (p as Partial<SlatePolicy>).propensityMatrix === 'function';
}

class GrowF64 {
  private buf = new Float64Array(0);
  atLeast(len: number): Float64Array {
    if (this.buf.length < len) this.buf = new Float64Array(Math.max(len, this.buf.length * 2));
    return this.buf;
  }
  view(len: number): Float64Array {
    if (this.buf.length < len) this.buf = new Float64Array(Math.max(len, this.buf.length * 2));
    return this.buf.length === len ? this.buf : this.buf.subarray(0, len);
  }
}

export function thompsonSampler(policy: Policy, pruning: Partial<PrunedOptions> | false = {}): PickSampler {
  const slow = rankSampler(policy);
  const pruned = pruning === false ? null : new PrunedThompson(pruning);
  const best = new GrowF64();
  // outIdx must be a Uint32Array: a view of the caller's Int32Array picks (indices are < 2^31).
  let picksOf: Int32Array | null = null;
  let picksU32: Uint32Array = new Uint32Array(0);
  return {
    kind: 'thompson-batch',
    pick(view, count, picks, ctx) {
      // Boosted draws are not plain Beta argmaxes: leave those to the policy itself.
      if (anyBoost(view)) return slow.pick(view, count, picks, ctx);
      if (pruned !== null && count >= MIN_PRUNE_STEPS && pruned.pick(view, count, picks, ctx.kernel)) return;
      if (picksOf !== picks) {
        picksOf = picks;
        picksU32 = new Uint32Array(picks.buffer, picks.byteOffset, picks.length);
      }
      const k = view.k;
      const alpha = view.alpha.length === k ? view.alpha : view.alpha.subarray(0, k);
      const beta = view.beta.length === k ? view.beta : view.beta.subarray(0, k);
      const maxSteps = Math.max(1, Math.floor(MAX_BATCH_DRAWS / k));
      for (let done = 0; done < count; ) {
        const steps = Math.min(maxSteps, count - done);
        // outIdx/outMax may be longer than steps: whole buffers when possible, no per-call views
        const out = done === 0 ? picksU32 : picksU32.subarray(done, done + steps);
        ctx.kernel.thompsonPicks(alpha, beta, steps, out, best.atLeast(steps));
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
