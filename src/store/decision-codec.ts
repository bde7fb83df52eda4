import type { SessionValues } from '../sessions/types';
import { SHORT_STRING, writeUtf8 } from '../shared/utf8';
import type { DecisionRecord, ShownOffer } from './types';

/**
 * The decision log's value format (schema 2). Every Decide writes one record and every outcome reads
 * one back, so it is a fixed binary layout written in one pass, not msgpack: msgpack with shared
 * structures cost about 7 us per record on the Decide path in the benchmark profile.
 *
 *   u8  tag (0xD2)        f64 ts            u32 configVersion   u8 flags (1 control, 2 features)
 *   str campaign, customerId, channel, segment, route, policy, modelVersion   (u16 byte length + UTF-8)
 *   u16 offers, then per offer: str offerId, f64 score, f64 probability, f64 propensity
 *   u32 features, then that many f64                                          (only with flag 2)
 *   str noAction reason                                                       (only with flag 4)
 *   str session feature values as JSON                                        (only with flag 8)
 *
 * All numbers little-endian. The id is the key, so it is not repeated in the value.
 */
export const DECISION_TAG = 0xd2;
const FLAG_CONTROL = 1;
const FLAG_FEATURES = 2;
const FLAG_NO_ACTION = 4;
const FLAG_SESSION = 8;
const MAX_STR = 0xffff;

/** Scratch the encoder writes into before copying out an exact-size Buffer; grows on demand. */
let scratch = Buffer.allocUnsafe(4096);

function ensure(need: number): void {
  if (need <= scratch.length) return;
  const next = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  scratch.copy(next);
  scratch = next;
}

function writeStr(s: string, off: number, field: string): number {
  // UTF-8 never takes more than 3 bytes per UTF-16 unit.
  ensure(off + 2 + s.length * 3);
  const n = s.length <= SHORT_STRING ? writeUtf8(scratch, off + 2, s) - off - 2 : scratch.write(s, off + 2, 'utf8');
  if (n > MAX_STR) throw new RangeError(`decision record: ${field} is longer than ${MAX_STR} bytes`);
  scratch.writeUInt16LE(n, off);
  return off + 2 + n;
}

export function encodeDecision(r: DecisionRecord): Buffer {
  const features = r.features;
  ensure(16 + r.offers.length * 26);
  scratch[0] = DECISION_TAG;
  scratch.writeDoubleLE(r.ts, 1);
  scratch.writeUInt32LE(r.configVersion >>> 0, 9);
  scratch[13] =
    (r.control ? FLAG_CONTROL : 0) |
    (features !== undefined ? FLAG_FEATURES : 0) |
    (r.noAction !== undefined ? FLAG_NO_ACTION : 0) |
    (r.session !== undefined ? FLAG_SESSION : 0);
  let off = 14;
  off = writeStr(r.campaign, off, 'campaign');
  off = writeStr(r.customerId, off, 'customerId');
  off = writeStr(r.channel, off, 'channel');
  off = writeStr(r.segment, off, 'segment');
  off = writeStr(r.route, off, 'route');
  off = writeStr(r.policy, off, 'policy');
  off = writeStr(r.modelVersion, off, 'modelVersion');
  const offers = r.offers;
  if (offers.length > MAX_STR) throw new RangeError(`decision record: more than ${MAX_STR} offers`);
  ensure(off + 2);
  scratch.writeUInt16LE(offers.length, off);
  off += 2;
  for (let i = 0; i < offers.length; i++) {
    const o = offers[i]!;
    off = writeStr(o.offerId, off, 'offerId');
    ensure(off + 24);
    scratch.writeDoubleLE(o.score, off);
    scratch.writeDoubleLE(o.probability, off + 8);
    scratch.writeDoubleLE(o.propensity, off + 16);
    off += 24;
  }
  if (features !== undefined) {
    ensure(off + 4 + features.length * 8);
    scratch.writeUInt32LE(features.length, off);
    off += 4;
    for (let i = 0; i < features.length; i++, off += 8) scratch.writeDoubleLE(features[i]!, off);
  }
  if (r.noAction !== undefined) off = writeStr(r.noAction, off, 'noAction');
  if (r.session !== undefined) off = writeStr(JSON.stringify(r.session), off, 'session');
  // A copy: lmdb-js may hold the value until the write is done, and scratch is reused at once.
  const out = Buffer.allocUnsafe(off);
  scratch.copy(out, 0, 0, off);
  return out;
}

/** Decodes a record read from the log. `bytes` may be lmdb-js's shared read buffer: nothing keeps it. */
export function decodeDecision(id: string, bytes: Uint8Array): DecisionRecord {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (b.length < 14 || b[0] !== DECISION_TAG) {
    throw new RangeError(`decision ${id}: stored record is not a schema-2 decision record (${b.length} bytes, tag ${String(b[0])})`);
  }
  let off = 14;
  const str = (): string => {
    const n = b.readUInt16LE(off);
    const s = b.toString('utf8', off + 2, off + 2 + n);
    off += 2 + n;
    return s;
  };
  const ts = b.readDoubleLE(1);
  const configVersion = b.readUInt32LE(9);
  const flags = b[13]!;
  const campaign = str();
  const customerId = str();
  const channel = str();
  const segment = str();
  const route = str();
  const policy = str();
  const modelVersion = str();
  const count = b.readUInt16LE(off);
  off += 2;
  const offers: ShownOffer[] = new Array<ShownOffer>(count);
  for (let i = 0; i < count; i++) {
    const offerId = str();
    offers[i] = { offerId, score: b.readDoubleLE(off), probability: b.readDoubleLE(off + 8), propensity: b.readDoubleLE(off + 16) };
    off += 24;
  }
  const record: DecisionRecord = { id, ts, campaign, customerId, channel, segment, route, policy, configVersion, modelVersion, control: (flags & FLAG_CONTROL) !== 0, offers };
  if ((flags & (FLAG_FEATURES | FLAG_NO_ACTION | FLAG_SESSION)) === 0) return record;
  let features: number[] | undefined;
  if ((flags & FLAG_FEATURES) !== 0) {
    const n = b.readUInt32LE(off);
    off += 4;
    features = new Array<number>(n);
    for (let i = 0; i < n; i++, off += 8) features[i] = b.readDoubleLE(off);
  }
  const noAction = (flags & FLAG_NO_ACTION) !== 0 ? str() : undefined;
  const session = (flags & FLAG_SESSION) !== 0 ? (JSON.parse(str()) as SessionValues) : undefined;
  return {
    ...record,
    ...(features !== undefined ? { features } : {}),
    ...(noAction !== undefined ? { noAction } : {}),
    ...(session !== undefined ? { session } : {}),
  };
}

/**
 * The customer id of a stored record without decoding the rest: ForgetCustomer reads every record
 * of the log (src/store/privacy-log.ts) and rewrites only the few that match.
 */
export function storedCustomerId(bytes: Uint8Array): string {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (b.length < 16 || b[0] !== DECISION_TAG) throw new RangeError(`stored record is not a schema-2 decision record (${b.length} bytes)`);
  const at = 16 + b.readUInt16LE(14);
  return b.toString('utf8', at + 2, at + 2 + b.readUInt16LE(at));
}
