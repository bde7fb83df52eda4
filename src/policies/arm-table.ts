import type { ArmTable, ArmsView } from './types';

/**
 * ArmTable over caller-owned memory (a Float64Array, usually over a SharedArrayBuffer so workers read
 * posteriors without copies). Layout, in Float64 words:
 *
 *   [ meta(4) | alpha(capacity) | beta(capacity) | priorAlpha(capacity) | priorBeta(capacity) ]
 *
 * meta[0] = time of the last decay step (ms since epoch, 0 = never), meta[1] = version,
 * meta[2..3] reserved (zero). Creating a table writes nothing: the memory may already hold state
 * (another worker attached first, or it was restored), so initialising slots is `setPrior`'s job.
 */

export const META_WORDS = 4;

/** Float64 words a table of `capacity` slots needs. */
export function armTableWords(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new RangeError('capacity must be an integer >= 0');
  }
  return META_WORDS + 4 * capacity;
}

export function createArmTable(memory: Float64Array, k: number, capacity: number): ArmTable {
  if (!(memory instanceof Float64Array)) throw new TypeError('memory must be a Float64Array');
  const words = armTableWords(capacity);
  if (!Number.isInteger(k) || k < 0 || k > capacity) {
    throw new RangeError('k must be an integer between 0 and capacity');
  }
  if (memory.length < words) {
    throw new RangeError(`memory must hold at least armTableWords(${capacity}) = ${words} Float64 words`);
  }
  const at = (i: number): Float64Array => memory.subarray(META_WORDS + i * capacity, META_WORDS + (i + 1) * capacity);
  return {
    k,
    meta: memory.subarray(0, META_WORDS),
    alpha: at(0),
    beta: at(1),
    priorAlpha: at(2),
    priorBeta: at(3),
  };
}

/**
 * The same table seen with `k` slots in use (offers added live): shares the arrays, copies nothing.
 * New slots must then be initialised with `setPrior`.
 */
export function withSlots(table: ArmTable, k: number): ArmTable {
  if (!Number.isInteger(k) || k < 0 || k > table.alpha.length) {
    throw new RangeError('k must be an integer between 0 and capacity');
  }
  return { k, meta: table.meta, alpha: table.alpha, beta: table.beta, priorAlpha: table.priorAlpha, priorBeta: table.priorBeta };
}

function checkPrior(a: number, b: number): void {
  if (typeof a !== 'number' || typeof b !== 'number') throw new TypeError('prior alpha and beta must be numbers > 0');
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new RangeError('prior alpha and beta must be numbers > 0');
  }
}

/** Resets `slot` to its prior Beta(a, b): a new (or re-added) offer starts from its prior. */
export function setPrior(table: ArmTable, slot: number, a: number, b: number): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= table.k) {
    throw new RangeError(`slot must be an integer between 0 and ${table.k - 1}`);
  }
  checkPrior(a, b);
  table.alpha[slot] = a;
  table.beta[slot] = b;
  table.priorAlpha[slot] = a;
  table.priorBeta[slot] = b;
  table.meta[1] += 1;
}

/**
 * Shrinks every slot's evidence toward its prior: alpha = prior + (alpha - prior) * factor, same for
 * beta. Does not bump the version (the caller's write does, once).
 */
export function decayTable(table: ArmTable, factor: number): void {
  if (typeof factor !== 'number') throw new TypeError('factor must be a number between 0 and 1');
  if (!(factor >= 0 && factor <= 1)) throw new RangeError('factor must be a number between 0 and 1');
  if (factor === 1) return;
  const { alpha, beta, priorAlpha, priorBeta, k } = table;
  for (let i = 0; i < k; i++) {
    alpha[i] = priorAlpha[i] + (alpha[i] - priorAlpha[i]) * factor;
    beta[i] = priorBeta[i] + (beta[i] - priorBeta[i]) * factor;
  }
}

/** Caller-owned arrays an ArmsView is gathered into; reused from request to request. */
export class ArmsScratch {
  private cap = 0;
  private bufs: Float64Array[] = [];
  private lastK = -1;
  private views: Float64Array[] = [];

  /** The six dense arrays (alpha, beta, priorAlpha, priorBeta, weights, boosts) of length k. */
  arrays(k: number): readonly Float64Array[] {
    if (k > this.cap) {
      this.cap = Math.max(k, this.cap * 2, 16);
      this.bufs = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(this.cap));
      this.lastK = -1;
    }
    if (k !== this.lastK) {
      this.views = this.bufs.map((b) => b.subarray(0, k));
      this.lastK = k;
    }
    return this.views;
  }
}

export interface GatherInput {
  /** Table slot of each eligible offer, in the order of the view; -1 = new offer not in the table. */
  readonly slots: ArrayLike<number>;
  /** The offers' priors (same order as slots); used for slot -1. Default Beta(1, 1). */
  readonly priorAlpha?: ArrayLike<number>;
  readonly priorBeta?: ArrayLike<number>;
  /** Split weights for `fixed`; default 1. */
  readonly weights?: ArrayLike<number>;
  /** Tag boosts; default 1 (none). */
  readonly boosts?: ArrayLike<number>;
  /** Campaign, segment and eligible set: see ArmsView.cacheKey. */
  readonly cacheKey: string;
}

/**
 * Builds the ArmsView of one request: gathers the eligible offers' posteriors from `table` into
 * `scratch` (the view is only valid until the scratch is used again). The version is the table's at
 * the time of reading.
 */
export function gatherArms(table: ArmTable, input: GatherInput, scratch: ArmsScratch): ArmsView {
  const { slots } = input;
  const k = slots.length;
  const [alpha, beta, pa, pb, weights, boosts] = scratch.arrays(k);
  for (let i = 0; i < k; i++) {
    const s = slots[i];
    if (s === -1) {
      const a = input.priorAlpha ? input.priorAlpha[i] : 1;
      const b = input.priorBeta ? input.priorBeta[i] : 1;
      alpha[i] = a;
      beta[i] = b;
      pa[i] = a;
      pb[i] = b;
    } else {
      if (!(Number.isInteger(s) && s >= 0 && s < table.k)) {
        throw new RangeError(`slots[${i}] must be -1 or an integer between 0 and ${table.k - 1}`);
      }
      alpha[i] = table.alpha[s];
      beta[i] = table.beta[s];
      pa[i] = table.priorAlpha[s];
      pb[i] = table.priorBeta[s];
    }
    weights[i] = input.weights ? input.weights[i] : 1;
    boosts[i] = input.boosts ? input.boosts[i] : 1;
  }
  return {
    k,
    alpha,
    beta,
    priorAlpha: pa,
    priorBeta: pb,
    weights,
    boosts,
    cacheKey: input.cacheKey,
    version: table.meta[1],
  };
}
