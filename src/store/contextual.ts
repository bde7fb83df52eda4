import type { CampaignConfig } from '../campaigns/types';
import { LaplaceScratch, laplaceUpdate } from '../contextual/laplace';
import { CONTEXTUAL_SEGMENT, contextualName, contextualSettings, weightSlotId, type ContextualSettings } from '../contextual/layout';
import type { ArenaWriter } from './arena';
import type { DecisionRecord } from './types';

interface Pending {
  readonly offerId: string;
  readonly x: readonly number[];
  readonly reward: number;
}

interface CampaignWeights {
  readonly settings: ContextualSettings;
  readonly offerIds: readonly string[];
  pending: Pending[];
}

/**
 * Online learning of contextual weights (main thread, the single writer). Outcomes of decisions that
 * carry a feature vector are buffered per campaign and applied in batches: when a campaign has
 * batchSize of them, and at the end of every group commit (so what an acknowledged outcome taught is
 * in the same LMDB transaction). One batch: per offer, the diagonal Laplace update (laplace.ts).
 */
export class ContextualLearner {
  private readonly campaigns = new Map<string, CampaignWeights>();
  private readonly scratch = new LaplaceScratch();
  private xs = new Float64Array(0);
  private ys = new Float64Array(0);
  private m = new Float64Array(0);
  private q = new Float64Array(0);
  private slotIdx = new Int32Array(0);
  /** Outcomes whose feature vector no longer fits the campaign's columns (features changed). */
  skipped = 0;

  constructor(private readonly arena: ArenaWriter) {}

  sync(c: CampaignConfig): void {
    const settings = contextualSettings(c);
    if (settings === null) {
      this.campaigns.delete(c.name);
      return;
    }
    const slots = [];
    for (const o of c.offers) {
      for (const col of settings.columns) slots.push({ id: weightSlotId(o.id, col), priorAlpha: 0, priorBeta: settings.priorPrecision });
    }
    this.arena.syncOffers(contextualName(c.name), slots);
    const prev = this.campaigns.get(c.name);
    this.campaigns.set(c.name, { settings, offerIds: c.offers.map((o) => o.id), pending: prev?.pending ?? [] });
  }

  forget(campaign: string): void {
    this.campaigns.delete(campaign);
  }

  /** Buffers one reward; applies the campaign's batch when it is full. */
  observe(rec: DecisionRecord, offerId: string, reward: number): void {
    const w = this.campaigns.get(rec.campaign);
    const x = rec.features;
    if (w === undefined || x === undefined || x.length === 0) return;
    if (x.length !== w.settings.columns.length) {
      this.skipped += 1;
      return;
    }
    w.pending.push({ offerId, x, reward });
    if (w.pending.length >= w.settings.batchSize) this.apply(rec.campaign, w);
  }

  /** Applies every buffered outcome (end of a group commit). */
  flush(): void {
    for (const [name, w] of this.campaigns) if (w.pending.length > 0) this.apply(name, w);
  }

  private apply(campaign: string, w: CampaignWeights): void {
    const batch = w.pending;
    w.pending = [];
    const name = contextualName(campaign);
    const slots = this.arena.slots(name);
    if (slots === undefined) return;
    const table = this.arena.ensureTable(name, CONTEXTUAL_SEGMENT);
    const cols = w.settings.columns;
    const dim = cols.length;
    this.ensure(dim, batch.length);
    const done = new Set<string>();
    for (const first of batch) {
      if (done.has(first.offerId)) continue;
      done.add(first.offerId);
      let ok = true;
      for (let i = 0; i < dim; i++) {
        const s = slots.get(weightSlotId(first.offerId, cols[i]!));
        if (s === undefined) ok = false;
        else this.slotIdx[i] = s;
      }
      if (!ok) continue; // the offer was removed since the decision
      let n = 0;
      for (const p of batch) {
        if (p.offerId !== first.offerId) continue;
        for (let i = 0; i < dim; i++) this.xs[n * dim + i] = p.x[i]!;
        this.ys[n++] = p.reward;
      }
      for (let i = 0; i < dim; i++) {
        this.m[i] = table.alpha[this.slotIdx[i]!]!;
        this.q[i] = table.beta[this.slotIdx[i]!]!;
      }
      laplaceUpdate(this.m, this.q, 0, dim, this.xs, this.ys, n, this.scratch);
      for (let i = 0; i < dim; i++) {
        table.alpha[this.slotIdx[i]!] = this.m[i]!;
        table.beta[this.slotIdx[i]!] = this.q[i]!;
      }
    }
    table.meta[1]! += 1;
    this.arena.markWritten(name, CONTEXTUAL_SEGMENT);
  }

  private ensure(dim: number, n: number): void {
    if (this.xs.length < dim * n) this.xs = new Float64Array(dim * n);
    if (this.ys.length < n) this.ys = new Float64Array(n);
    if (this.m.length < dim) {
      this.m = new Float64Array(dim);
      this.q = new Float64Array(dim);
      this.slotIdx = new Int32Array(dim);
    }
  }
}
