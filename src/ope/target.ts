import type { Kernel } from '../kernel/types';
import { armTableWords, createArmTable, setPrior } from '../policies/arm-table';
import type { SlatePolicy } from '../policies/common';
import { createPolicy, parsePolicySpec } from '../policies';
import type { ArmTable, ArmsView, DecideContext, Policy } from '../policies/types';

/**
 * The policy being evaluated, on Nudge's real policy code: one ArmTable per segment (as the server
 * keeps one posterior per campaign segment), every arm starting from its prior.
 */
export interface TargetOptions {
  readonly spec: string;
  /** Number of actions. */
  readonly k: number;
  readonly kernel: Kernel;
  /** Per-action prior (default Beta(1, 1)). */
  readonly priorAlpha?: ArrayLike<number>;
  readonly priorBeta?: ArrayLike<number>;
  /** Monte-Carlo draws for policies without an exact propensity matrix (default 10000). */
  readonly mcDraws?: number;
}

export class TargetPolicy {
  readonly policy: Policy;
  readonly spec: string;
  private readonly tables = new Map<string, ArmTable>();
  private readonly ones: Float64Array;
  private readonly ctx: { kernel: Kernel; stickyKey: string; now: number };
  private readonly mcDraws: number;

  constructor(private readonly o: TargetOptions) {
    const { name, params } = parsePolicySpec(o.spec);
    this.policy = createPolicy(name, params);
    this.spec = o.spec;
    this.ones = new Float64Array(o.k).fill(1);
    this.ctx = { kernel: o.kernel, stickyKey: '', now: 1 };
    this.mcDraws = o.mcDraws ?? 10_000;
  }

  table(segment: string): ArmTable {
    let t = this.tables.get(segment);
    if (!t) {
      const k = this.o.k;
      t = createArmTable(new Float64Array(armTableWords(k)), k, k);
      for (let i = 0; i < k; i++) setPrior(t, i, this.o.priorAlpha ? this.o.priorAlpha[i] : 1, this.o.priorBeta ? this.o.priorBeta[i] : 1);
      this.tables.set(segment, t);
    }
    return t;
  }

  view(segment: string): ArmsView {
    const t = this.table(segment);
    return {
      k: t.k,
      alpha: t.alpha,
      beta: t.beta,
      priorAlpha: t.priorAlpha,
      priorBeta: t.priorBeta,
      weights: this.ones,
      boosts: this.ones,
      cacheKey: `ope:${segment}`,
      version: t.meta[1],
    };
  }

  /** Sets the clock the policy sees (ms); cached propensities refresh by it (thompson). */
  setNow(now: number, stickyKey = ''): void {
    this.ctx.now = now;
    this.ctx.stickyKey = stickyKey;
  }

  /** The action the policy shows in `slot` (1-based) right now. */
  pick(segment: string, slot: number): number {
    const ranked = this.policy.rank(this.view(segment), slot, this.ctx as DecideContext);
    return ranked[Math.min(slot, ranked.length) - 1].index;
  }

  update(segment: string, action: number, reward: number, now: number): void {
    this.policy.update(this.table(segment), action, reward, now);
  }

  /**
   * pi(. | slot): the probability of each action in `slot` under the current state. From the policy's
   * own propensity matrix (thompson: the kernel's Monte-Carlo estimate with the policy's
   * propensityDraws; exact for the others), else by sampling rank() mcDraws times.
   */
  distribution(segment: string, slot: number): Float64Array {
    const k = this.o.k;
    const n = Math.min(slot, k);
    const view = this.view(segment);
    const out = new Float64Array(k);
    const p = this.policy as Partial<SlatePolicy>;
    if (typeof p.propensityMatrix === 'function') {
      const m = new Float64Array(k * n);
      p.propensityMatrix(view, n, this.ctx as DecideContext, m);
      for (let i = 0; i < k; i++) out[i] = m[i * n + n - 1];
      return out;
    }
    for (let d = 0; d < this.mcDraws; d++) {
      this.ctx.stickyKey = `mc${d}`;
      out[this.policy.rank(view, n, this.ctx as DecideContext)[n - 1].index] += 1 / this.mcDraws;
    }
    return out;
  }
}
