import type { CampaignConfig } from '../campaigns/types';
import { featureContext, featureValue, type FeatureView } from '../features/store';
import type { ProfileReader } from '../features/profile';
import type { FeatureReader } from '../features/types';
import type { FeatureDrift__Output } from '../generated/nudge/v1/FeatureDrift';
import { psiAgainst } from '../monitoring/psi';

export interface DriftOptions {
  /** Rows of recent decisions kept per campaign (a ring: the newest replace the oldest). */
  readonly sample: number;
  /** One decision in this many is sampled. */
  readonly every: number;
}

/** One campaign's recent decisions: per field name, a ring of values. */
interface Ring {
  readonly values: Map<string, Array<number | string>>;
  /** Next slot to write; the ring is full once `size` reached `capacity`. */
  next: number;
  size: number;
  /** Decisions seen since the last sample. */
  skipped: number;
}

/**
 * Feature drift per campaign (issue 13): the values of recent decisions' features, sampled on the
 * main thread after Decide answered (the customer's stored record read again, the request context
 * applied, as the engine saw it), against the reference profile of the snapshot being served
 * (features/profile.ts). The sample is per process: with several replicas each reports its own
 * traffic, which is what a replica's stats can honestly say.
 *
 * The sample is kept across a snapshot swap on purpose: right after a load, PSI compares what recent
 * decisions saw (mostly the old snapshot) with the new one, so a spike says which features the new
 * load moved, and it fades as new decisions refill the sample. In steady state it says how the
 * customers being decided on, with their request context, differ from the snapshot's population.
 *
 * The fields checked are the campaign's declared features and segment_by fields that the snapshot
 * has; a campaign that names none is checked on every snapshot field.
 */
export class DriftMonitor {
  private readonly rings = new Map<string, Ring>();
  private record = new Float64Array(16);

  constructor(
    private readonly features: FeatureReader,
    private readonly profiles: ProfileReader,
    private readonly opts: DriftOptions,
  ) {}

  /** Called for every answered decision; samples one in `every`. */
  observe(campaign: string, customerId: string, context: Readonly<Record<string, string>>): void {
    let ring = this.rings.get(campaign);
    if (ring === undefined) this.rings.set(campaign, (ring = { values: new Map(), next: 0, size: 0, skipped: 0 }));
    if (++ring.skipped < this.opts.every) return;
    ring.skipped = 0;
    const schema = this.features.schema;
    const n = schema.fields.length;
    if (n === 0) return;
    if (this.record.length < n) this.record = new Float64Array(n * 2);
    try {
      this.features.read(customerId, this.record);
    } catch {
      return; // a snapshot swapped inside read() with a wider schema: skip this one
    }
    const view: FeatureView = featureContext(schema, this.record, context, this.record);
    const slot = ring.next;
    for (let i = 0; i < n; i++) {
      const name = schema.fields[i]!.name;
      let arr = ring.values.get(name);
      if (arr === undefined) ring.values.set(name, (arr = new Array<number | string>(this.opts.sample)));
      arr[slot] = featureValue(schema, view, i);
    }
    ring.next = (slot + 1) % this.opts.sample;
    ring.size = Math.min(ring.size + 1, this.opts.sample);
  }

  /** PSI per checked field, in the campaign's order (declared features, then segment_by). */
  report(c: CampaignConfig): FeatureDrift__Output[] {
    const schema = this.features.schema;
    const profile = this.profiles.get(this.features.snapshotId);
    const ring = this.rings.get(c.name);
    const current = ring ?? null;
    const named = [...new Set([...c.features.map((f) => f.name), ...c.segmentBy])].filter((name) => schema.index.has(name));
    const names = named.length > 0 ? named : schema.fields.map((f) => f.name);
    return names.map((name) => {
      const field = schema.fields[schema.index.get(name)!]!;
      const kind = field.type === 'category' ? 'category' : 'number';
      const ref = profile?.fields[name];
      // Slots written before the field existed (an older snapshot's schema) hold nothing.
      const cur = (current?.values.get(name)?.slice(0, current.size) ?? []).filter((v) => v !== undefined);
      if (ref === undefined || ref.n === 0 || cur.length === 0) {
        return { feature: name, kind, psi: 0, band: 'no-data', nReference: ref?.n ?? 0, nCurrent: cur.length, bins: [] };
      }
      const r = psiAgainst(ref, kind === 'category' ? cur.map(String) : (cur as number[]));
      return {
        feature: name,
        kind,
        psi: r.psi,
        band: r.band,
        nReference: r.nRef,
        nCurrent: r.nCur,
        bins: r.bins.map((b) => ({ label: b.label, referenceShare: b.refShare, currentShare: b.curShare })),
      };
    });
  }

  /** Forgets a deleted campaign's sample. */
  drop(campaign: string): void {
    this.rings.delete(campaign);
  }
}
