import type { CampaignConfig } from '../campaigns/types';
import type { ArmsView } from '../policies/types';
import type { ArmsEntry } from '../store/types';

/**
 * Not policies/arm-table's gatherArms: that one needs a table, and a segment without posteriors yet (a
 * new customer group, a campaign never learned) has none; here a null entry means "all at their priors".
 *
 * A reusable ArmsView: one set of scratch arrays per engine, grown when a campaign has more offers,
 * and exact-length views cached per k (policies and the kernel take `alpha.length` as the arm count),
 * so that filling a view on the hot path allocates nothing after warm-up.
 */
interface Views {
  alpha: Float64Array;
  beta: Float64Array;
  priorAlpha: Float64Array;
  priorBeta: Float64Array;
  weights: Float64Array;
  boosts: Float64Array;
}

export class ScratchArmsView implements ArmsView {
  k = 0;
  alpha: Float64Array = new Float64Array(0);
  beta: Float64Array = new Float64Array(0);
  priorAlpha: Float64Array = new Float64Array(0);
  priorBeta: Float64Array = new Float64Array(0);
  weights: Float64Array = new Float64Array(0);
  boosts: Float64Array = new Float64Array(0);
  /** Set by every fill (its boosts are all 1), cleared by writableBoosts. */
  unboosted = true;
  cacheKey = '';
  version = 0;

  private capacity = 0;
  private buffers: Views | null = null;
  private byK: (Views | undefined)[] = [];
  /**
   * Each table entry's slot of every offer of one campaign config (-1: none), so that a fill reads
   * slots from an array rather than looking each offer up in the slots Map. Valid because an entry's
   * slots never change while it is current (ArmsEntry); a new config or a new entry builds it again.
   */
  private readonly slotsOf = new WeakMap<ArmsEntry, { readonly config: CampaignConfig; readonly slots: Int32Array }>();
  /**
   * What the buffers hold after a fill of every offer of a config (heldValid): that entry, config and
   * table version. Filling the same again rewrites only the boosts, which the engine changes after a
   * fill. The table's version is bumped by every write of the table (ArmTable), so an unchanged version
   * means unchanged posteriors. Any other fill, or new buffers, drop it.
   */
  private heldValid = false;
  private heldEntry: ArmsEntry | null = null;
  private heldConfig: CampaignConfig | null = null;
  private heldVersion = 0;

  /**
   * The boosts, for a caller that multiplies factors into them: the view no longer tells policies
   * that they are all 1 (ArmsView.unboosted), so they read them.
   */
  writableBoosts(): Float64Array {
    this.unboosted = false;
    return this.boosts;
  }

  /**
   * Fills the view with offers `eligible[0..k)` (indices into c.offers) of one segment: the posterior
   * from the table when the offer has a slot, its prior otherwise (no table yet, or a new offer).
   */
  fill(c: CampaignConfig, eligible: Int32Array, k: number, entry: ArmsEntry | null, cacheKey: string): this {
    this.ensure(k);
    const v = this.viewsFor(k);
    const table = entry === null ? null : entry.table;
    const version = table === null ? 0 : table.meta[1]!;
    const every = k === c.offers.length && inOrder(eligible, k);
    if (every && this.heldValid && this.heldEntry === entry && this.heldConfig === c && this.heldVersion === version) {
      v.boosts.fill(1);
      return this.publish(v, k, cacheKey, version);
    }
    const slots = entry === null ? null : this.offerSlots(c, entry);
    for (let j = 0; j < k; j++) {
      const i = eligible[j]!;
      const offer = c.offers[i]!;
      const slot = slots === null ? -1 : slots[i]!;
      if (table !== null && slot >= 0 && slot < table.k) {
        v.alpha[j] = table.alpha[slot]!;
        v.beta[j] = table.beta[slot]!;
        v.priorAlpha[j] = table.priorAlpha[slot]!;
        v.priorBeta[j] = table.priorBeta[slot]!;
      } else {
        v.alpha[j] = offer.priorAlpha;
        v.beta[j] = offer.priorBeta;
        v.priorAlpha[j] = offer.priorAlpha;
        v.priorBeta[j] = offer.priorBeta;
      }
      v.weights[j] = offer.weight;
      v.boosts[j] = 1;
    }
    this.heldValid = every;
    this.heldEntry = entry;
    this.heldConfig = c;
    this.heldVersion = version;
    return this.publish(v, k, cacheKey, version);
  }

  private publish(v: Views, k: number, cacheKey: string, version: number): this {
    this.k = k;
    this.alpha = v.alpha;
    this.beta = v.beta;
    this.priorAlpha = v.priorAlpha;
    this.priorBeta = v.priorBeta;
    this.weights = v.weights;
    this.boosts = v.boosts;
    this.unboosted = true;
    this.cacheKey = cacheKey;
    this.version = version;
    return this;
  }

  private offerSlots(c: CampaignConfig, entry: ArmsEntry): Int32Array {
    const hit = this.slotsOf.get(entry);
    if (hit !== undefined && hit.config === c) return hit.slots;
    const slots = new Int32Array(c.offers.length);
    for (let i = 0; i < slots.length; i++) slots[i] = entry.slots.get(c.offers[i]!.id) ?? -1;
    this.slotsOf.set(entry, { config: c, slots });
    return slots;
  }

  private ensure(k: number): void {
    if (k <= this.capacity && this.buffers !== null) return;
    const cap = Math.max(16, k, this.capacity * 2);
    this.heldValid = false;
    this.buffers = {
      alpha: new Float64Array(cap),
      beta: new Float64Array(cap),
      priorAlpha: new Float64Array(cap),
      priorBeta: new Float64Array(cap),
      weights: new Float64Array(cap),
      boosts: new Float64Array(cap),
    };
    this.capacity = cap;
    this.byK = [];
  }

  private viewsFor(k: number): Views {
    const cached = this.byK[k];
    if (cached !== undefined) return cached;
    const b = this.buffers!;
    const v: Views = {
      alpha: b.alpha.subarray(0, k),
      beta: b.beta.subarray(0, k),
      priorAlpha: b.priorAlpha.subarray(0, k),
      priorBeta: b.priorBeta.subarray(0, k),
      weights: b.weights.subarray(0, k),
      boosts: b.boosts.subarray(0, k),
    };
    this.byK[k] = v;
    return v;
  }
}

/** Whether eligible[0..k) is 0, 1, ..., k-1: every offer of a config of k offers, in its order. */
function inOrder(eligible: Int32Array, k: number): boolean {
  for (let j = 0; j < k; j++) if (eligible[j] !== j) return false;
  return true;
}
