import { OwnEntryIndex } from './own-entries';
import type { CampaignCounters, GroupCounters, OfferCounters, ShownOffer } from './types';

/**
 * In-memory counters per (campaign, segment), persisted one record per (campaign, segment) with the
 * commit that changed them. Per-offer counters count treatment decisions only: control decisions
 * exist to measure uplift and are counted in the control group counters.
 */

interface MutableOffer {
  impressions: number;
  outcomes: number;
  rewards: number;
  deltaSum: number;
  /** Calibration sums (calibrationSlots), absent until the first outcome (older records have none). */
  cal?: number[];
}

/**
 * Calibration sums of one offer, 31 numbers: per predicted-probability bin b (10 bins of 0.1) the
 * outcome count at [b], the sum of predicted probabilities at [10 + b] and of rewards (capped at 1)
 * at [20 + b], then the sum of squared errors (Brier) at [30].
 */
export const CALIBRATION_SLOTS = 31;

/** Adds one outcome to calibration sums; `predicted` is reward - delta (what the decision predicted). */
export function addCalibration(cal: number[], predicted: number, reward: number): void {
  const p = Math.min(1, Math.max(0, predicted));
  const y = Math.min(1, Math.max(0, reward));
  const b = Math.min(9, Math.floor(p * 10));
  cal[b]! += 1;
  cal[10 + b]! += p;
  cal[20 + b]! += y;
  cal[30]! += (p - y) * (p - y);
}

interface MutableGroup {
  decisions: number;
  outcomes: number;
  rewards: number;
}

export interface SegmentCountersRecord {
  offers: Record<string, MutableOffer>;
  control: MutableGroup;
  treatment: MutableGroup;
}

const newGroup = (): MutableGroup => ({ decisions: 0, outcomes: 0, rewards: 0 });
const newOffer = (): MutableOffer => ({ impressions: 0, outcomes: 0, rewards: 0, deltaSum: 0 });

export class CounterBook {
  private readonly campaigns = new Map<string, Map<string, SegmentCountersRecord>>();
  private readonly dirty = new Map<string, Set<string>>();
  private readonly offers = new OwnEntryIndex(newOffer);

  decision(campaign: string, segment: string, control: boolean, shown: readonly ShownOffer[]): void {
    const seg = this.segment(campaign, segment);
    (control ? seg.control : seg.treatment).decisions += 1;
    if (control) return;
    for (let i = 0; i < shown.length; i++) this.offers.get(seg.offers, shown[i]!.offerId).impressions += 1;
  }

  outcome(campaign: string, segment: string, control: boolean, offerId: string, reward: number, delta: number): void {
    const seg = this.segment(campaign, segment);
    const g = control ? seg.control : seg.treatment;
    g.outcomes += 1;
    g.rewards += reward;
    if (!control) {
      const o = this.offers.get(seg.offers, offerId);
      o.outcomes += 1;
      o.rewards += reward;
      o.deltaSum += delta;
      addCalibration((o.cal ??= new Array<number>(CALIBRATION_SLOTS).fill(0)), reward - delta, reward);
    }
  }

  /**
   * Counters of one segment, or of all segments summed. `offerOrder` (the campaign's current offers)
   * lists those offers, zeros included, in that order; without it every counted offer is listed.
   */
  snapshot(campaign: string, segment?: string, offerOrder?: readonly string[]): CampaignCounters {
    const segs = this.campaigns.get(campaign);
    const parts: SegmentCountersRecord[] = [];
    if (segs) {
      if (segment === undefined) parts.push(...segs.values());
      else {
        const one = segs.get(segment);
        if (one) parts.push(one);
      }
    }
    const offers = new Map<string, MutableOffer>();
    const control = newGroup();
    const treatment = newGroup();
    for (const p of parts) {
      addGroup(control, p.control);
      addGroup(treatment, p.treatment);
      for (const [id, o] of Object.entries(p.offers)) {
        const acc = offers.get(id) ?? newOffer();
        acc.impressions += o.impressions;
        acc.outcomes += o.outcomes;
        acc.rewards += o.rewards;
        acc.deltaSum += o.deltaSum;
        if (o.cal !== undefined && o.cal.length === CALIBRATION_SLOTS) {
          const c = (acc.cal ??= new Array<number>(CALIBRATION_SLOTS).fill(0));
          for (let i = 0; i < CALIBRATION_SLOTS; i++) c[i]! += o.cal[i]!;
        }
        offers.set(id, acc);
      }
    }
    const ids = offerOrder ?? [...offers.keys()].sort();
    const list: OfferCounters[] = ids.map((offerId) => {
      const { cal, ...rest } = offers.get(offerId) ?? newOffer();
      return cal === undefined ? { offerId, ...rest } : { offerId, ...rest, calibration: cal };
    });
    return { offers: list, control: { ...control } as GroupCounters, treatment: { ...treatment } as GroupCounters };
  }

  /** Segments of a campaign that have counters, sorted. */
  segments(campaign: string): string[] {
    return [...(this.campaigns.get(campaign)?.keys() ?? [])].sort();
  }

  /** Segment records changed since the last call. */
  drainDirty(): Array<{ campaign: string; segment: string; record: SegmentCountersRecord }> {
    const out: Array<{ campaign: string; segment: string; record: SegmentCountersRecord }> = [];
    for (const [campaign, segs] of this.dirty) {
      const map = this.campaigns.get(campaign);
      for (const segment of segs) {
        const record = map?.get(segment);
        if (record) out.push({ campaign, segment, record });
      }
    }
    this.dirty.clear();
    return out;
  }

  /** Marks every record for persistence (after a failed commit). */
  markAllDirty(): void {
    for (const [campaign, segs] of this.campaigns) this.dirty.set(campaign, new Set(segs.keys()));
  }

  restore(campaign: string, segment: string, record: SegmentCountersRecord): void {
    let segs = this.campaigns.get(campaign);
    if (!segs) this.campaigns.set(campaign, (segs = new Map()));
    segs.set(segment, {
      offers: Object.fromEntries(Object.entries(record.offers).map(([id, o]) => [id, { ...o, ...(o.cal ? { cal: [...o.cal] } : {}) }])),
      control: { ...newGroup(), ...record.control },
      treatment: { ...newGroup(), ...record.treatment },
    });
  }

  private segment(campaign: string, segment: string): SegmentCountersRecord {
    let segs = this.campaigns.get(campaign);
    if (!segs) this.campaigns.set(campaign, (segs = new Map()));
    let rec = segs.get(segment);
    if (!rec) segs.set(segment, (rec = { offers: {}, control: newGroup(), treatment: newGroup() }));
    let d = this.dirty.get(campaign);
    if (!d) this.dirty.set(campaign, (d = new Set()));
    d.add(segment);
    return rec;
  }
}

function addGroup(acc: MutableGroup, g: MutableGroup): void {
  acc.decisions += g.decisions;
  acc.outcomes += g.outcomes;
  acc.rewards += g.rewards;
}
