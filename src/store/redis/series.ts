import { CALIBRATION_SLOTS } from '../counters';
import { BUCKET_MS, bucketModel, bucketOffer, bucketStart, emptyBucket, type MutableBucket, type SeriesBucket } from '../series';
import type { ScriptedClient } from './connect';
import { keys, SEP } from './keys';

/**
 * The Redis store's monitoring buckets: one hash per (campaign, minute), `nudge:{c:<name>}:m:<start>`,
 * written by the LOG script (decisions) and the APPLY script (outcomes), expiring with the retention.
 * Fields (SEP between a name and its offer or model version):
 *   Cd Co Cr Td To Tr                    control / treatment decisions, outcomes, rewards
 *   i o r p <SEP> offer                  impressions, outcomes, rewards, sum of predicted probability
 *   k<b> q<b> y<b> <SEP> offer, e <SEP> offer    calibration sums (counters.ts layout): per bin b
 *                                        count, sum of predicted, sum of reward; squared error
 *   Mk<b> Mq<b> My<b> Me <SEP> version   the same per model version of the decisions
 */

const GROUPS: Record<string, ['control' | 'treatment', 'decisions' | 'outcomes' | 'rewards']> = {
  Cd: ['control', 'decisions'],
  Co: ['control', 'outcomes'],
  Cr: ['control', 'rewards'],
  Td: ['treatment', 'decisions'],
  To: ['treatment', 'outcomes'],
  Tr: ['treatment', 'rewards'],
};

/** Slot of a calibration field name ('k3' -> 3, 'q3' -> 13, 'y3' -> 23, 'e' -> 30), or -1. */
function calSlot(name: string): number {
  if (name === 'e') return 30;
  const b = Number(name.slice(1));
  if (name.length !== 2 || !Number.isInteger(b)) return -1;
  const base = name[0] === 'k' ? 0 : name[0] === 'q' ? 10 : name[0] === 'y' ? 20 : -1;
  return base < 0 ? -1 : base + b;
}

export function parseBucket(start: number, raw: Record<string, string>): MutableBucket {
  const b = emptyBucket(start);
  for (const [field, text] of Object.entries(raw)) {
    const v = Number(text);
    if (!Number.isFinite(v)) continue;
    const g = GROUPS[field];
    if (g !== undefined) {
      b[g[0]][g[1]] += v;
      continue;
    }
    const cut = field.indexOf(SEP);
    if (cut <= 0) continue;
    const name = field.slice(0, cut);
    const id = field.slice(cut + 1);
    if (name[0] === 'M') {
      const slot = calSlot(name.slice(1));
      if (slot >= 0) bucketModel(b, id)[slot]! += v;
      continue;
    }
    const o = bucketOffer(b, id);
    if (name === 'i') o.impressions += v;
    else if (name === 'o') o.outcomes += v;
    else if (name === 'r') o.rewards += v;
    else if (name === 'p') o.predicted += v;
    else {
      const slot = calSlot(name);
      if (slot >= 0) (o.calibration ??= new Array<number>(CALIBRATION_SLOTS).fill(0))[slot]! += v;
    }
  }
  return b;
}

/** Buckets of [from, to): one HGETALL per minute, sent together (ioredis pipelines them). */
export async function readRedisSeries(client: ScriptedClient, campaign: string, from: number, to: number): Promise<SeriesBucket[]> {
  const starts: number[] = [];
  for (let m = bucketStart(from) < from ? bucketStart(from) + BUCKET_MS : bucketStart(from); m < to; m += BUCKET_MS) starts.push(m);
  const raws = await Promise.all(starts.map((m) => client.hgetall(keys.series(campaign, m))));
  const out: SeriesBucket[] = [];
  raws.forEach((raw, i) => {
    if (Object.keys(raw).length > 0) out.push(parseBucket(starts[i]!, raw));
  });
  return out;
}
