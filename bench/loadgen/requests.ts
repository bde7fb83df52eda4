/**
 * Pre-encoded gRPC request bodies. Encoding happens once, before the clock starts, so the generator's
 * per-request cost is a stream open and a write of a ready Buffer.
 */
import * as protobuf from 'protobufjs';
import { protoPath } from '../../src/proto';
import { mulberry32 } from '../../src/shared/mulberry32';

export const DECIDE_PATH = '/nudge.v1.DecisionService/Decide';

let root: protobuf.Root | undefined;

/** The nudge.proto message types, loaded with protobufjs (the encoder @grpc/proto-loader itself uses). */
export function protoRoot(): protobuf.Root {
  root ??= protobuf.loadSync(protoPath());
  return root;
}

/** gRPC length-prefixed message: 1 byte compressed flag (0), 4 bytes big-endian length, the message. */
export function grpcFrame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out.writeUInt8(0, 0);
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

export interface RequestSetOptions {
  readonly campaign: string;
  /** Customer ids are `${prefix}${index padded to 4 digits}` for index in [0, customers). */
  readonly customerPrefix: string;
  readonly customers: number;
  readonly numOffers: number;
  readonly channel: string;
  /** How many distinct bodies to pre-encode; requests cycle through them. */
  readonly distinct: number;
  readonly seed: number;
}

export const REQUEST_SET_DEFAULTS: Readonly<RequestSetOptions> = Object.freeze({
  campaign: 'bench',
  customerPrefix: 'c',
  customers: 10_000,
  numOffers: 3,
  channel: 'app',
  distinct: 4096,
  seed: 42,
});


export function customerId(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(4, '0')}`;
}

/** Framed DecideRequest bodies for customers drawn uniformly (seeded) from the customer range. */
export function encodeDecideRequests(partial: Partial<RequestSetOptions> = {}): Buffer[] {
  const o: RequestSetOptions = { ...REQUEST_SET_DEFAULTS, ...partial };
  if (!Number.isInteger(o.distinct) || o.distinct <= 0) throw new RangeError('options.distinct must be a positive integer');
  if (!Number.isInteger(o.customers) || o.customers <= 0) throw new RangeError('options.customers must be a positive integer');
  const type = protoRoot().lookupType('nudge.v1.DecideRequest');
  const rnd = mulberry32(o.seed);
  const out: Buffer[] = [];
  for (let i = 0; i < o.distinct; i++) {
    const id = customerId(o.customerPrefix, Math.floor(rnd() * o.customers));
    const msg = type.create({ campaign: o.campaign, customerId: id, channel: o.channel, numOffers: o.numOffers });
    out.push(grpcFrame(type.encode(msg).finish()));
  }
  return out;
}
