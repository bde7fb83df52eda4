import fc from 'fast-check';
import * as protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { DecideResponse } from '../../src/generated/nudge/v1/DecideResponse';
import { loadNudgeProto, protoPath } from '../../src/proto';
import { parseCampaign } from '../../src/campaigns/schema';
import { encodeDecideResponse, withFastDecide } from '../../src/server/fast-response';

/**
 * The hand-written DecideResponse encoder against the generated one: both must decode to the same
 * message for every response the fast path covers, and it must decline the rest.
 */
const root = protobuf.loadSync(protoPath());
const Type = root.lookupType('nudge.v1.DecideResponse');
const generated = loadNudgeProto().nudge.v1.DecisionService.service.Decide.responseSerialize as (r: DecideResponse) => Buffer;
const decode = (b: Buffer): object => Type.toObject(Type.decode(b), { longs: Number, defaults: true });

const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 12, unit: 'grapheme' }), fc.constantFrom('', 'thompson', 'tier=gold', 'ünïcødé ✓', '😀 emoji'));
const double = fc.oneof(fc.double(), fc.constantFrom(0, -0, 1, 0.5, Number.MIN_VALUE, Number.MAX_VALUE));
const offer = fc.record(
  {
    offerId: text,
    score: double,
    probability: double,
    propensity: double,
    attributes: fc.dictionary(text, text, { maxKeys: 4 }),
  },
  { requiredKeys: [] },
);
const response = fc.record(
  {
    decisionId: text,
    offers: fc.array(offer, { maxLength: 5 }),
    policy: text,
    control: fc.boolean(),
    route: text,
    segment: text,
    configVersion: fc.oneof(fc.nat(), fc.constantFrom(0, 127, 128, 2 ** 28, 2 ** 35, Number.MAX_SAFE_INTEGER)),
    modelVersion: text,
    noAction: fc.boolean(),
    noActionReason: text,
  },
  { requiredKeys: [] },
);

describe('encodeDecideResponse', () => {
  it('decodes to what the generated serializer writes, for any covered response', () => {
    fc.assert(
      fc.property(response, (r) => {
        const fast = encodeDecideResponse(r as DecideResponse);
        expect(fast).not.toBeNull();
        expect(decode(fast!)).toEqual(decode(generated(r as DecideResponse)));
      }),
      { numRuns: 2000 },
    );
  });

  it('frozen attribute maps (a campaign\'s, encoded once and kept) give the same message every time', () => {
    const frozen = offer.map((o) => (o.attributes === undefined ? o : { ...o, attributes: Object.freeze({ ...o.attributes }) }));
    fc.assert(
      fc.property(fc.array(frozen, { maxLength: 5 }), fc.string({ maxLength: 40 }), (offers, decisionId) => {
        for (let i = 0; i < 2; i++) {
          const r = { decisionId, offers } as DecideResponse;
          expect(decode(encodeDecideResponse(r)!)).toEqual(decode(generated(r)));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a map that is not frozen is encoded afresh, so a change to it is seen', () => {
    const attributes: Record<string, string> = { framing: 'gain' };
    const r = (): DecideResponse => ({ decisionId: 'd', offers: [{ offerId: 'a', attributes }] });
    const first = decode(encodeDecideResponse(r())!);
    attributes['framing'] = 'urgency';
    attributes['channel'] = 'app';
    const second = decode(encodeDecideResponse(r())!);
    expect(second).not.toEqual(first);
    expect(second).toEqual(decode(generated(r())));
  });

  it('campaign offers carry frozen attribute maps', () => {
    const c = parseCampaign({ name: 'c', offers: [{ id: 'a', attributes: { framing: 'gain' } }, { id: 'b' }] }, 'test');
    for (const o of c.offers) expect(Object.isFrozen(o.attributes)).toBe(true);
  });

  it('writes a typical decision byte for byte as a canonical proto3 encoder would', () => {
    const r: DecideResponse = {
      decisionId: '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b',
      offers: [
        { offerId: 'free-shipping', score: 0.71, probability: 0.62, propensity: 0.4, attributes: { framing: 'gain' } },
        { offerId: 'ten-percent-off', score: 0.55, probability: 0.51, propensity: 0.3, attributes: {} },
      ],
      policy: 'thompson',
      control: false,
      route: 'default',
      segment: 'tier=gold',
      configVersion: 3,
      modelVersion: '',
      noAction: false,
      noActionReason: '',
    };
    const fast = encodeDecideResponse(r)!;
    expect(decode(fast)).toEqual(decode(generated(r)));
    // protobufjs omits nothing it was given; its canonical output for the same message drops defaults.
    const canonical = Buffer.from(Type.encode(Type.fromObject(decode(fast))).finish());
    expect(decode(canonical)).toEqual(decode(fast));
  });

  it('declines explanations, session maps, errors and values it cannot write exactly', () => {
    const base: DecideResponse = { decisionId: 'd', offers: [{ offerId: 'a', score: 1 }] };
    expect(encodeDecideResponse({ ...base, offers: [{ offerId: 'a', explanation: { route: 'r' } }] })).toBeNull();
    expect(encodeDecideResponse({ ...base, session: { views: '3' } })).toBeNull();
    expect(encodeDecideResponse({ ...base, error: { code: 'NUDGE_INTERNAL', grpcCode: 13, message: 'x' } })).toBeNull();
    expect(encodeDecideResponse({ ...base, configVersion: '5' })).toBeNull();
    expect(encodeDecideResponse({ ...base, configVersion: 2 ** 60 })).toBeNull();
    expect(encodeDecideResponse({ ...base, offers: [{ offerId: 'a', attributes: { k: 5 as unknown as string } }] })).toBeNull();
    // An empty session map is the same as none.
    expect(encodeDecideResponse({ ...base, session: {} })).not.toBeNull();
  });

  it('replaces only Decide’s response serializer, falling back to the generated one', () => {
    const def = loadNudgeProto().nudge.v1.DecisionService.service;
    const fastDef = withFastDecide(def);
    expect(fastDef.DecideBatch).toBe(def.DecideBatch);
    expect(fastDef.Decide!.requestDeserialize).toBe(def.Decide!.requestDeserialize);
    const explained: DecideResponse = { decisionId: 'd', offers: [{ offerId: 'a', explanation: { route: 'r', policy: 'p' } }] };
    const out = (fastDef.Decide!.responseSerialize as (r: DecideResponse) => Buffer)(explained);
    expect(decode(out)).toEqual(decode(generated(explained)));
  });
});
