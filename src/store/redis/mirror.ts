import type { ArenaWriter } from '../arena';
import { CALIBRATION_SLOTS, type CounterBook, type SegmentCountersRecord } from '../counters';
import type { ScriptedClient } from './connect';
import { keys, SEP } from './keys';
import { contextualName } from '../../contextual/layout';
import { applyWeights } from './weights';

/**
 * The process-local copy of what Decide and stats read: posterior tables in the shared arena (workers
 * read them without a copy, as with the embedded store) and counters in a CounterBook. Refreshed by
 * polling, every syncMs: one GET of each campaign's version; only a campaign that changed costs more
 * (its posterior versions, its counters, and the tables whose version moved). Polling rather than
 * pub/sub or keyspace notifications: it bounds staleness by itself, needs no server configuration
 * (notifications are off by default and per node in a cluster), and a lost message cannot leave a
 * replica stale.
 */
export class Mirror {
  private readonly campaignVersions = new Map<string, string>();
  private readonly tableVersions = new Map<string, string>();
  /** Bumped by invalidate(): a refresh that started before it must not mark the campaign as seen. */
  private readonly generations = new Map<string, number>();
  /** Last successful refresh (ms since epoch), for the staleness metric. */
  lastSync = 0;

  constructor(
    private readonly client: ScriptedClient,
    private readonly arena: ArenaWriter,
    private readonly book: CounterBook,
  ) {}

  /** Forgets what was seen of a campaign, so the next refresh reads it whole (after a re-sync of its offers). */
  invalidate(campaign: string): void {
    this.generations.set(campaign, (this.generations.get(campaign) ?? 0) + 1);
    this.campaignVersions.delete(campaign);
    for (const k of [...this.tableVersions.keys()]) if (k.startsWith(`${campaign}${SEP}`)) this.tableVersions.delete(k);
  }

  /** One refresh of the given campaigns; rejects when Redis does not answer. */
  async refresh(campaigns: readonly string[]): Promise<void> {
    const versions = await Promise.all(campaigns.map((c) => this.client.get(keys.version(c))));
    const changed: string[] = [];
    campaigns.forEach((c, i) => {
      const v = versions[i] ?? '0';
      if (this.campaignVersions.get(c) !== v) changed.push(c);
    });
    await Promise.all(changed.map((c) => this.refreshCampaign(c, versions[campaigns.indexOf(c)] ?? '0')));
    this.arena.publish();
    this.lastSync = Date.now();
  }

  private async refreshCampaign(campaign: string, version: string): Promise<void> {
    const generation = this.generations.get(campaign) ?? 0;
    const [pv, counters] = await Promise.all([this.client.hgetall(keys.posteriorVersions(campaign)), this.client.hgetall(keys.counters(campaign))]);
    const stale = Object.entries(pv).filter(([seg, v]) => this.tableVersions.get(`${campaign}${SEP}${seg}`) !== v);
    const tables = await Promise.all(stale.map(([seg]) => this.client.hgetall(keys.posterior(campaign, seg))));
    // Offers re-synced meanwhile (invalidate): apply what was read, but let the next poll read it all.
    const current = (this.generations.get(campaign) ?? 0) === generation;
    stale.forEach(([seg, v], i) => {
      this.applyTable(campaign, seg, tables[i]!);
      if (current) this.tableVersions.set(`${campaign}${SEP}${seg}`, v);
    });
    for (const [seg, rec] of parseCounters(counters)) this.book.restore(campaign, seg, rec);
    if (this.arena.slots(contextualName(campaign)) !== undefined) applyWeights(this.arena, campaign, await this.client.hgetall(keys.weights(campaign)));
    if (current && (this.generations.get(campaign) ?? 0) === generation) this.campaignVersions.set(campaign, version);
  }

  /** alpha = prior + evidence for every current offer; a new table starts at the priors. */
  private applyTable(campaign: string, segment: string, h: Record<string, string>): void {
    const slots = this.arena.slots(campaign);
    if (slots === undefined) return;
    const table = this.arena.ensureTable(campaign, segment);
    for (const [offer, slot] of slots) {
      if (slot >= table.k) continue;
      const a = h[`a:${offer}`];
      const b = h[`b:${offer}`];
      table.alpha[slot] = table.priorAlpha[slot]! + (a === undefined ? 0 : Number(a));
      table.beta[slot] = table.priorBeta[slot]! + (b === undefined ? 0 : Number(b));
    }
    const t = h['t'];
    table.meta[0] = t === undefined ? 0 : Number(t);
    table.meta[1] += 1;
  }
}

const GROUP_KINDS = new Map<string, ['C' | 'T', 'decisions' | 'outcomes' | 'rewards']>([
  ['Cd', ['C', 'decisions']],
  ['Co', ['C', 'outcomes']],
  ['Cr', ['C', 'rewards']],
  ['Td', ['T', 'decisions']],
  ['To', ['T', 'outcomes']],
  ['Tr', ['T', 'rewards']],
]);

/** Calibration kinds k<bin> (count), q<bin> (sum predicted), y<bin> (sum reward), e (squared error). */
function calibrationSlot(kind: string): number {
  if (kind === 'e') return 30;
  if (kind.length !== 2 || kind[1]! < '0' || kind[1]! > '9') return -1;
  const b = kind.charCodeAt(1) - 48;
  return kind[0] === 'k' ? b : kind[0] === 'q' ? 10 + b : kind[0] === 'y' ? 20 + b : -1;
}

/** Counter hash fields: `<kind>SEP<segment>SEP<offer>`; kinds i/o/r/d and calibration per offer, Cd/Co/Cr/Td/To/Tr per group. */
export function parseCounters(h: Record<string, string>): Map<string, SegmentCountersRecord> {
  const out = new Map<string, SegmentCountersRecord>();
  for (const [field, raw] of Object.entries(h)) {
    const a = field.indexOf(SEP);
    const b = field.indexOf(SEP, a + 1);
    if (a < 0 || b < 0) continue;
    const kind = field.slice(0, a);
    const seg = field.slice(a + 1, b);
    const offer = field.slice(b + 1);
    let rec = out.get(seg);
    if (rec === undefined) {
      rec = { offers: Object.create(null) as SegmentCountersRecord['offers'], control: { decisions: 0, outcomes: 0, rewards: 0 }, treatment: { decisions: 0, outcomes: 0, rewards: 0 } };
      out.set(seg, rec);
    }
    const v = Number(raw);
    const group = GROUP_KINDS.get(kind);
    if (group !== undefined) {
      const g = group[0] === 'C' ? rec.control : rec.treatment;
      g[group[1]] = v;
      continue;
    }
    const o = (rec.offers[offer] ??= { impressions: 0, outcomes: 0, rewards: 0, deltaSum: 0 });
    if (kind === 'i') o.impressions = v;
    else if (kind === 'o') o.outcomes = v;
    else if (kind === 'r') o.rewards = v;
    else if (kind === 'd') o.deltaSum = v;
    else {
      const slot = calibrationSlot(kind);
      if (slot >= 0) (o.cal ??= new Array<number>(CALIBRATION_SLOTS).fill(0))[slot] = v;
    }
  }
  return out;
}
