import { readDecay } from '../policies/beta-update';
import type { ArmTable, Policy, PolicyParams } from '../policies/types';

/**
 * Every prior and every count stays exact in a double when the prior is a multiple of 2^-12 and
 * prior + horizon <= 2^40 (then prior + n < 2^41, and 2^41 * 2^12 = 2^53): sums taken in any order
 * are then the same number, bit for bit.
 */
const DYADIC_SCALE = 4096;
const EXACT_LIMIT = 2 ** 40;

/**
 * True when applying a window's outcomes as per-arm sums leaves the table exactly as applying them
 * one by one through policy.update would. Every policy learns through the shared Beta update
 * (src/policies/beta-update.ts); without decay (halfLife = 0) that update is additive:
 * alpha += r, beta += 1 - r, version += 1, nothing else. Decay makes it depend on order and time, so
 * decayed policies keep the per-outcome path. Checked in test/sim/outcomes.test.ts.
 */
export function sumsAreExact(policyName: string, params: PolicyParams, prior: readonly [number, number], horizon: number): boolean {
  if (readDecay(policyName, params).halfLife !== 0) return false;
  return prior.every((x) => Number.isInteger(x * DYADIC_SCALE) && x + horizon <= EXACT_LIMIT);
}

/**
 * Outcomes waiting for the next feedback boundary. The simulator's step loop writes them directly
 * (no call per step), in one of two layouts:
 *
 * - sums (`aggregate`, only when sumsAreExact holds, and k <= capacity so that scanning the k arms
 *   at a flush costs at most one visit per buffered outcome): count[a] and successes[a] per arm,
 *   added to alpha and beta at the flush;
 * - list (otherwise): arm[j], reward[j] in arrival order, n of them, each applied through
 *   policy.update in order.
 *
 * A retired arm's outcomes are dropped (they belong to an arm that no longer exists). Nothing is
 * allocated after construction.
 */
export class OutcomeBuffer {
  readonly sums: boolean;
  readonly arm: Int32Array;
  readonly reward: Uint8Array;
  n = 0;
  readonly count: Float64Array;
  readonly successes: Float64Array;

  constructor(capacity: number, k: number, aggregate: boolean) {
    this.sums = aggregate && k <= capacity;
    this.arm = new Int32Array(this.sums ? 0 : capacity);
    this.reward = new Uint8Array(this.sums ? 0 : capacity);
    this.count = new Float64Array(this.sums ? k : 0);
    this.successes = new Float64Array(this.sums ? k : 0);
  }

  /** Buffers one outcome (run.ts's step loops write the arrays directly, one loop per mode). */
  record(arm: number, reward: number): void {
    if (this.sums) {
      this.count[arm] += 1;
      this.successes[arm] += reward;
    } else {
      this.arm[this.n] = arm;
      this.reward[this.n++] = reward;
    }
  }

  /** Forgets the buffered outcomes of `slot` (retired by churn). */
  drop(slot: number): void {
    if (this.sums) {
      this.count[slot] = 0;
      this.successes[slot] = 0;
      return;
    }
    const arm = this.arm;
    for (let j = 0; j < this.n; j++) if (arm[j] === slot) arm[j] = -1;
  }

  /** Applies the buffered outcomes with clock `now` and empties the buffer. */
  flush(table: ArmTable, policy: Policy, now: number): void {
    if (!this.sums) {
      const { arm, reward } = this;
      const n = this.n;
      this.n = 0;
      for (let j = 0; j < n; j++) if (arm[j] >= 0) policy.update(table, arm[j], reward[j], now);
      return;
    }
    const { count, successes } = this;
    const { alpha, beta, meta } = table;
    let applied = 0;
    for (let a = 0; a < count.length; a++) {
      const c = count[a];
      if (c === 0) continue;
      const s = successes[a];
      alpha[a] += s;
      beta[a] += c - s;
      applied += c;
      count[a] = 0;
      successes[a] = 0;
    }
    meta[1] += applied;
  }
}
