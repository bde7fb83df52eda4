import type { SessionValues } from '../sessions/types';
import type { CampaignConfig } from '../campaigns/types';
import { CONTEXTUAL_SEGMENT, contextualName, contextualSettings, weightSlotId } from '../contextual/layout';
import { VectorBuilder } from '../contextual/vector';
import type { FeatureView } from '../features/context';
import type { CompiledSchema } from '../features/types';
import { ModelScorer } from '../models/scorer';
import type { ArmTable } from '../policies/types';
import type { ArmsEntry, ArmsLookup } from '../store/types';

/**
 * The engine's contextual stage for one campaign version: the feature vector builder, the map from
 * (offer, column) to the weight slots of the learning store, and the bound model. Built once per
 * (campaign version, feature schema) and reused; per request it writes into scratch arrays only.
 */
export class CampaignContext {
  readonly builder: VectorBuilder;
  readonly dim: number;
  readonly x: Float64Array;
  readonly priorPrecision: number;
  readonly scorer: ModelScorer | null;
  readonly contextual: boolean;
  private slotsOf: ReadonlyMap<string, number> | null = null;
  private slotsSize = -1;
  /** gather[o * dim + i]: slot of offer o's weight i, -1 when it has none yet (at the prior). */
  private gather = new Int32Array(0);
  m = new Float64Array(0);
  q = new Float64Array(0);
  /** Exact-length (k * dim) views of m and q per k: the kernel takes lengths as counts. */
  private views: ({ m: Float64Array; q: Float64Array } | undefined)[] = [];
  /** Every offer's weights (offer order of the campaign), copied from the table at seenVersion. */
  private readonly full: { m: Float64Array; q: Float64Array };
  private seenTable: ArmTable | null = null;
  private seenVersion = NaN;
  modelScores = new Float64Array(0);

  constructor(
    private readonly c: CampaignConfig,
    readonly schema: CompiledSchema,
  ) {
    this.builder = new VectorBuilder(c.features ?? [], schema);
    this.dim = this.builder.dim;
    this.x = new Float64Array(this.dim);
    const settings = contextualSettings(c);
    this.contextual = settings !== null;
    this.priorPrecision = settings?.priorPrecision ?? 1;
    this.scorer = c.model === null || c.model === undefined ? null : new ModelScorer(c.model.spec, this.builder.names, c.offers);
    this.full = { m: new Float64Array(c.offers.length * this.dim), q: new Float64Array(c.offers.length * this.dim) };
  }

  buildX(view: FeatureView | null, context: Readonly<Record<string, string>>, session: SessionValues | null = null): Float64Array {
    return this.builder.build(view, context, this.x, session);
  }

  /**
   * m, q (arm-major, k * dim) of the view's arms from the store's weights, as views of exactly
   * k * dim values. The shared-memory table is copied into local arrays only when its version
   * changes (reads of views over the growable shared buffer are several times slower than local
   * ones); with every offer eligible the local copy itself is returned.
   */
  gatherWeights(arms: ArmsLookup, eligible: Int32Array, k: number): { m: Float64Array; q: Float64Array } {
    const dim = this.dim;
    const entry = arms.arms(contextualName(this.c.name), CONTEXTUAL_SEGMENT);
    this.refresh(entry);
    if (k === this.c.offers.length) return this.full;
    if (this.m.length < k * dim) {
      this.m = new Float64Array(k * dim);
      this.q = new Float64Array(k * dim);
      this.views = [];
    }
    let v = this.views[k];
    if (v === undefined) {
      v = { m: this.m.subarray(0, k * dim), q: this.q.subarray(0, k * dim) };
      this.views[k] = v;
    }
    const fm = this.full.m;
    const fq = this.full.q;
    for (let j = 0; j < k; j++) {
      const base = eligible[j]! * dim;
      for (let i = 0; i < dim; i++) {
        this.m[j * dim + i] = fm[base + i]!;
        this.q[j * dim + i] = fq[base + i]!;
      }
    }
    return v;
  }

  /** Brings the local copy of every offer's weights up to the table's version. */
  private refresh(entry: ArmsEntry | null): void {
    const version = entry === null ? -1 : entry.table.meta[1]!;
    if (entry !== null && (entry.slots !== this.slotsOf || entry.slots.size !== this.slotsSize)) {
      this.rebuildGather(entry.slots);
      this.seenVersion = NaN;
    }
    if ((entry?.table ?? null) === this.seenTable && version === this.seenVersion) return;
    const { m, q } = this.full;
    if (entry === null) {
      m.fill(0);
      q.fill(this.priorPrecision);
    } else {
      const t = entry.table;
      for (let x = 0; x < m.length; x++) {
        const s = this.gather[x]!;
        const ok = s >= 0 && s < t.k;
        m[x] = ok ? t.alpha[s]! : 0;
        q[x] = ok ? t.beta[s]! : this.priorPrecision;
      }
    }
    this.seenTable = entry?.table ?? null;
    this.seenVersion = version;
  }

  /** Model probabilities of the view's arms into modelScores[0..k). */
  scoreModel(eligible: Int32Array, k: number): Float64Array {
    if (this.modelScores.length < k) this.modelScores = new Float64Array(Math.max(k, 16));
    this.scorer!.scoreOffers(this.x, eligible, k, this.modelScores);
    return this.modelScores.subarray(0, k);
  }

  /** Largest |m_i x_i| of one offer's contextual weights (offer index of the campaign; explanations). */
  weightContributions(offer: number, top: number): { feature: string; contribution: number }[] {
    const out: { feature: string; contribution: number }[] = [];
    for (let i = 0; i < this.dim; i++) {
      const c = this.full.m[offer * this.dim + i]! * this.x[i]!;
      if (c !== 0) out.push({ feature: this.builder.names[i]!, contribution: c });
    }
    out.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    return out.slice(0, top);
  }

  private rebuildGather(slots: ReadonlyMap<string, number>): void {
    const dim = this.dim;
    const offers = this.c.offers;
    this.gather = new Int32Array(offers.length * dim);
    for (let o = 0; o < offers.length; o++) {
      for (let i = 0; i < dim; i++) this.gather[o * dim + i] = slots.get(weightSlotId(offers[o]!.id, this.builder.names[i]!)) ?? -1;
    }
    this.slotsOf = slots;
    this.slotsSize = slots.size;
  }
}

/** One CampaignContext per campaign, rebuilt when the version or the feature schema changes. */
export class ContextCache {
  private readonly byCampaign = new Map<string, { version: number; ctx: CampaignContext }>();

  get(c: CampaignConfig, schema: CompiledSchema): CampaignContext {
    const hit = this.byCampaign.get(c.name);
    if (hit !== undefined && hit.version === c.version && hit.ctx.schema === schema) return hit.ctx;
    const ctx = new CampaignContext(c, schema);
    this.byCampaign.set(c.name, { version: c.version, ctx });
    return ctx;
  }
}
