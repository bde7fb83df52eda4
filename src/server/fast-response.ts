import type * as grpc from '@grpc/grpc-js';
import type { DecideResponse } from '../generated/nudge/v1/DecideResponse';
import type { ScoredOffer } from '../generated/nudge/v1/ScoredOffer';
import { utf8Length, writeUtf8 } from '../shared/utf8';

/**
 * A hand-written protobuf encoder for the common DecideResponse: offers without explanations, no
 * session map, no error. proto-loader's serializer first builds protobufjs message objects
 * (fromObject) and then writes through a linked list of operations; this writes one exactly sized
 * Buffer, which was about 2.5 us of each Decide's main-thread time (docs/performance.md). Anything
 * else (explain, DecideBatch errors) falls back to the generated serializer, so the wire contract
 * has one definition: test/server/fast-response.test.ts checks that both decode to the same message.
 * Default values are omitted, as proto3 encoders do.
 */

// Field tags: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited).
const T = Object.freeze({
  decisionId: (1 << 3) | 2,
  offers: (2 << 3) | 2,
  policy: (3 << 3) | 2,
  control: (4 << 3) | 0,
  route: (5 << 3) | 2,
  segment: (6 << 3) | 2,
  configVersion: (7 << 3) | 0,
  modelVersion: (8 << 3) | 2,
  noAction: (9 << 3) | 0,
  noActionReason: (10 << 3) | 2,
  offerId: (1 << 3) | 2,
  score: (2 << 3) | 1,
  probability: (3 << 3) | 1,
  propensity: (4 << 3) | 1,
  attributes: (5 << 3) | 2,
  mapKey: (1 << 3) | 2,
  mapValue: (2 << 3) | 2,
});

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** Doubles are written unless +0 (the proto3 default); NaN and -0 are kept. */
const hasDouble = (d: number | string | null | undefined): d is number => typeof d === 'number' && (d !== 0 || Object.is(d, -0));

function strSize(s: string): number {
  const n = utf8Length(s);
  return 1 + varintSize(n) + n;
}

function writeVarint(buf: Buffer, off: number, v: number): number {
  while (v >= 0x80) {
    buf[off++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[off++] = v;
  return off;
}

function writeStr(buf: Buffer, off: number, tag: number, s: string): number {
  buf[off++] = tag;
  off = writeVarint(buf, off, utf8Length(s));
  return writeUtf8(buf, off, s);
}

function writeDouble(buf: Buffer, off: number, tag: number, v: number): number {
  buf[off++] = tag;
  buf.writeDoubleLE(v, off);
  return off + 8;
}

function attributesEntrySize(k: string, v: string): number {
  return (k === '' ? 0 : strSize(k)) + (v === '' ? 0 : strSize(v));
}

function attributesSize(attrs: Readonly<Record<string, string>>): number {
  let n = 0;
  for (const k in attrs) {
    const e = attributesEntrySize(k, attrs[k]!);
    n += 1 + varintSize(e) + e;
  }
  return n;
}

function writeAttributes(buf: Buffer, off: number, attrs: Readonly<Record<string, string>>): number {
  for (const k in attrs) {
    const v = attrs[k]!;
    buf[off++] = T.attributes;
    off = writeVarint(buf, off, attributesEntrySize(k, v));
    if (k !== '') off = writeStr(buf, off, T.mapKey, k);
    if (v !== '') off = writeStr(buf, off, T.mapValue, v);
  }
  return off;
}

/**
 * The attribute entries of an offer, encoded once per map: an offer's attributes are its campaign's
 * (the engine passes the config's own map), the same bytes in every answer, and they were most of the
 * encoder's work. Only frozen maps are kept (buildConfig freezes them), so a map that could still
 * change is encoded each time; a WeakMap, so a replaced campaign's maps go with it.
 */
const encodedAttributes = new WeakMap<object, Buffer>();
const NO_ATTRIBUTES = Buffer.alloc(0);

/** An offer's encoded attribute entries, or null when a value is not a string (not covered). */
function attributeBytes(attrs: Readonly<Record<string, string>>): Buffer | null {
  const hit = encodedAttributes.get(attrs);
  if (hit !== undefined) return hit;
  for (const k in attrs) if (typeof attrs[k] !== 'string') return null;
  const size = attributesSize(attrs);
  if (size === 0) return NO_ATTRIBUTES;
  const frozen = typeof attrs === 'object' && Object.isFrozen(attrs);
  const bytes = frozen ? Buffer.allocUnsafeSlow(size) : Buffer.allocUnsafe(size);
  writeAttributes(bytes, 0, attrs);
  if (frozen) encodedAttributes.set(attrs, bytes);
  return bytes;
}

function offerSize(o: ScoredOffer, attrs: Buffer | undefined): number {
  let n = 0;
  if (o.offerId) n += strSize(o.offerId);
  if (hasDouble(o.score)) n += 9;
  if (hasDouble(o.probability)) n += 9;
  if (hasDouble(o.propensity)) n += 9;
  if (attrs !== undefined) n += attrs.length;
  return n;
}

const isDouble = (d: unknown): boolean => d === undefined || d === null || typeof d === 'number';

/**
 * Whether the fast encoder covers this response; the generated serializer handles the rest. Attribute
 * values are checked where their bytes are made (attributeBytes).
 */
function covered(r: DecideResponse): boolean {
  if (r.error != null) return false;
  if (r.session !== undefined && r.session !== null && Object.keys(r.session).length > 0) return false;
  const cv = r.configVersion;
  if (cv !== undefined && cv !== null && !(typeof cv === 'number' && Number.isSafeInteger(cv) && cv >= 0)) return false;
  for (const o of r.offers ?? []) {
    if (o.explanation != null) return false;
    if (o.offerId !== undefined && typeof o.offerId !== 'string') return false;
    if (!isDouble(o.score) || !isDouble(o.probability) || !isDouble(o.propensity)) return false;
  }
  return true;
}

/** The encoded message, or null when the response needs the generated serializer. */
export function encodeDecideResponse(r: DecideResponse): Buffer | null {
  if (!covered(r)) return null;
  const offers = r.offers ?? [];
  const sizes = new Array<number>(offers.length);
  const attrs = new Array<Buffer | undefined>(offers.length);
  let n = 0;
  if (r.decisionId) n += strSize(r.decisionId);
  for (let i = 0; i < offers.length; i++) {
    const o = offers[i]!;
    if (o.attributes != null) {
      const a = attributeBytes(o.attributes);
      if (a === null) return null;
      attrs[i] = a;
    }
    const s = offerSize(o, attrs[i]);
    sizes[i] = s;
    n += 1 + varintSize(s) + s;
  }
  if (r.policy) n += strSize(r.policy);
  if (r.control) n += 2;
  if (r.route) n += strSize(r.route);
  if (r.segment) n += strSize(r.segment);
  const cv = (r.configVersion as number | undefined) ?? 0;
  if (cv !== 0) n += 1 + varintSize(cv);
  if (r.modelVersion) n += strSize(r.modelVersion);
  if (r.noAction) n += 2;
  if (r.noActionReason) n += strSize(r.noActionReason);

  const buf = Buffer.allocUnsafe(n);
  let off = 0;
  if (r.decisionId) off = writeStr(buf, off, T.decisionId, r.decisionId);
  for (let i = 0; i < offers.length; i++) {
    const o = offers[i]!;
    buf[off++] = T.offers;
    off = writeVarint(buf, off, sizes[i]!);
    if (o.offerId) off = writeStr(buf, off, T.offerId, o.offerId);
    if (hasDouble(o.score)) off = writeDouble(buf, off, T.score, o.score);
    if (hasDouble(o.probability)) off = writeDouble(buf, off, T.probability, o.probability);
    if (hasDouble(o.propensity)) off = writeDouble(buf, off, T.propensity, o.propensity);
    const a = attrs[i];
    if (a !== undefined) {
      buf.set(a, off);
      off += a.length;
    }
  }
  if (r.policy) off = writeStr(buf, off, T.policy, r.policy);
  if (r.control) {
    buf[off++] = T.control;
    buf[off++] = 1;
  }
  if (r.route) off = writeStr(buf, off, T.route, r.route);
  if (r.segment) off = writeStr(buf, off, T.segment, r.segment);
  if (cv !== 0) {
    buf[off++] = T.configVersion;
    off = writeVarint(buf, off, cv);
  }
  if (r.modelVersion) off = writeStr(buf, off, T.modelVersion, r.modelVersion);
  if (r.noAction) {
    buf[off++] = T.noAction;
    buf[off++] = 1;
  }
  if (r.noActionReason) off = writeStr(buf, off, T.noActionReason, r.noActionReason);
  if (off !== n) throw new Error(`encodeDecideResponse wrote ${off} bytes, sized ${n}`);
  return buf;
}

/**
 * The service definition with Decide's response serializer replaced by the fast one (falling back to
 * the generated one). Only the server's copy changes; clients keep proto-loader's.
 */
export function withFastDecide(definition: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const decide = definition.Decide;
  if (decide === undefined) return definition;
  const generated = decide.responseSerialize as (r: DecideResponse) => Buffer;
  return {
    ...definition,
    Decide: { ...decide, responseSerialize: (r: DecideResponse) => encodeDecideResponse(r) ?? generated(r) },
  };
}
