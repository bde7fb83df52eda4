import type { DecisionRecord, ShownOffer } from '../types';

/**
 * What Redis keeps of a decision while outcomes can still arrive: only what an outcome or a default
 * reward needs (campaign, segment, customer, control flag, each shown offer's id and predicted
 * probability, the contextual feature vector). Route, policy, scores and propensities stay in the
 * node-local LMDB log, which export and off-policy evaluation read. About 60 bytes for one offer,
 * against ~150 for the full record (decision-codec.ts).
 *
 *   u8 tag (0xA2)  u8 flags (1 control, 2 features)  f64 ts
 *   str campaign, segment, customerId, modelVersion  (u16 byte length + UTF-8)
 *   u16 offers, then per offer: str offerId, f64 probability
 *   u32 features, then that many f64                 (only with flag 2)
 */
const TAG = 0xa2;
/** Before modelVersion was kept (read as modelVersion ''; such records live a reward wait at most). */
const TAG_V1 = 0xa1;
const FLAG_CONTROL = 1;
const FLAG_FEATURES = 2;

export type JoinOffer = Pick<ShownOffer, 'offerId' | 'probability'>;

/** The part of a DecisionRecord an outcome or a default reward needs. */
export type JoinRecord = Pick<DecisionRecord, 'id' | 'ts' | 'campaign' | 'segment' | 'customerId' | 'modelVersion' | 'control' | 'features'> & {
  readonly offers: readonly JoinOffer[];
};

export function encodeJoin(r: DecisionRecord | JoinRecord): Buffer {
  const strs = [r.campaign, r.segment, r.customerId, r.modelVersion];
  for (const o of r.offers) strs.push(o.offerId);
  let size = 1 + 1 + 8 + 2 + r.offers.length * 8 + (r.features ? 4 + r.features.length * 8 : 0);
  const lens = strs.map((s) => Buffer.byteLength(s, 'utf8'));
  for (const n of lens) {
    if (n > 0xffff) throw new RangeError('decision record: a string field is longer than 65535 bytes');
    size += 2 + n;
  }
  const b = Buffer.allocUnsafe(size);
  let off = 0;
  b[off++] = TAG;
  b[off++] = (r.control ? FLAG_CONTROL : 0) | (r.features ? FLAG_FEATURES : 0);
  off = b.writeDoubleLE(r.ts, off);
  let si = 0;
  const str = (): void => {
    off = b.writeUInt16LE(lens[si]!, off);
    off += b.write(strs[si]!, off, 'utf8');
    si++;
  };
  str();
  str();
  str();
  str();
  off = b.writeUInt16LE(r.offers.length, off);
  for (const o of r.offers) {
    str();
    off = b.writeDoubleLE(o.probability, off);
  }
  if (r.features) {
    off = b.writeUInt32LE(r.features.length, off);
    for (const x of r.features) off = b.writeDoubleLE(x, off);
  }
  return b;
}

export function decodeJoin(id: string, b: Buffer): JoinRecord {
  if (b.length < 12 || (b[0] !== TAG && b[0] !== TAG_V1)) throw new RangeError(`decision ${id}: stored join record is corrupt`);
  let off = 1;
  const flags = b[off++]!;
  const ts = b.readDoubleLE(off);
  off += 8;
  const str = (): string => {
    const n = b.readUInt16LE(off);
    const s = b.toString('utf8', off + 2, off + 2 + n);
    off += 2 + n;
    return s;
  };
  const campaign = str();
  const segment = str();
  const customerId = str();
  const modelVersion = b[0] === TAG ? str() : '';
  const n = b.readUInt16LE(off);
  off += 2;
  const offers: JoinOffer[] = new Array<JoinOffer>(n);
  for (let i = 0; i < n; i++) {
    const offerId = str();
    offers[i] = { offerId, probability: b.readDoubleLE(off) };
    off += 8;
  }
  let features: number[] | undefined;
  if ((flags & FLAG_FEATURES) !== 0) {
    const m = b.readUInt32LE(off);
    off += 4;
    features = new Array<number>(m);
    for (let i = 0; i < m; i++) features[i] = b.readDoubleLE(off + i * 8);
  }
  const rec: JoinRecord = { id, ts, campaign, segment, customerId, modelVersion, control: (flags & FLAG_CONTROL) !== 0, offers };
  return features === undefined ? rec : { ...rec, features };
}
