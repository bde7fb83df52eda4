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

  decision(campaign: string, segment: string, control: boolean, shown: readonly ShownOffer[]): void {
    const seg = this.segment(campaign, segment);
    (control ? seg.control : seg.treatment).decisions += 1;
    if (!control) for (const s of shown) this.offer(seg, s.offerId).impressions += 1;
  }

  outcome(campaign: string, segment: string, control: boolean, offerId: string, reward: number, delta: number): void {
    const seg = this.segment(campaign, segment);
    const g = control ? seg.control : seg.treatment;
    g.outcomes += 1;
    g.rewards += reward;
    if (!control) {
      const o = this.offer(seg, offerId);
      o.outcomes += 1;
      o.rewards += reward;
      o.deltaSum += delta;
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
        offers.set(id, acc);
      }
    }
    const ids = offerOrder ?? [...offers.keys()].sort();
    const list: OfferCounters[] = ids.map((offerId) => ({ offerId, ...(offers.get(offerId) ?? newOffer()) }));
    return { offers: list, control: { ...control } as GroupCounters, treatment: { ...treatment } as GroupCounters };
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
      offers: { ...record.offers },
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

  private offer(seg: SegmentCountersRecord, id: string): MutableOffer {
    let o = Object.hasOwn(seg.offers, id) ? seg.offers[id] : undefined;
    if (!o) {
      o = newOffer();
      // Offer ids come from clients' data: keep them own data properties only.
      Object.defineProperty(seg.offers, id, { value: o, enumerable: true, writable: true, configurable: true });
    }
    return o;
  }
}

function addGroup(acc: MutableGroup, g: MutableGroup): void {
  acc.decisions += g.decisions;
  acc.outcomes += g.outcomes;
  acc.rewards += g.rewards;
}
