import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder, Encoder, Names, oneByteStringBytes, recordHasId } from '../../src/sessions/codec';
import type { SessionEvent } from '../../src/sessions/types';

/** Records as the memory store writes them: a header (the customer id), then events oldest first. */
function roundTrip(names: Names | null, header: string | null, events: readonly SessionEvent[]): { record: string; back: SessionEvent[] } {
  const enc = new Encoder(names).begin();
  if (header !== null) enc.header(header);
  for (const e of events) enc.event(e);
  const record = enc.latin1();
  const dec = new Decoder(names);
  dec.begin(record, header !== null);
  const back: SessionEvent[] = [];
  while (dec.more()) {
    dec.ts();
    back.push(dec.rest());
  }
  return { record, back };
}

const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('', 'pro', 'é', '日本', '😀x'));
const eventArb = fc.record({
  type: fc.oneof(fc.constantFrom('view', 'cart'), text.filter((s) => s !== '')),
  ts: fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 2 ** 45 })),
  sessionId: fc.oneof(fc.constant(''), text),
  value: fc.oneof(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1, 0xffffffff, 0x100000000)),
  properties: fc.dictionary(fc.oneof(fc.constantFrom('plan', 'page'), text), text, { maxKeys: 4 }),
});

describe('session record codec', () => {
  it('round-trips any events, with and without a names dictionary, sorted or not', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 12 }), fc.boolean(), fc.boolean(), (events, interned, sorted) => {
        const list = sorted ? [...events].sort((a, b) => a.ts - b.ts) : events;
        const { back } = roundTrip(interned ? new Names() : null, interned ? 'customer-1' : null, list);
        expect(back).toEqual(list);
        back.forEach((e, i) => expect(Object.is(e.value, list[i]!.value)).toBe(true));
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('spends about a dozen bytes on a typical event', () => {
    const events: SessionEvent[] = Array.from({ length: 5 }, (_, i) => ({
      type: i % 2 === 0 ? 'view_pricing' : 'add_to_cart',
      ts: 1_700_000_000_000 + i * 7000,
      sessionId: '',
      value: i % 2 === 0 ? 0 : 25,
      properties: i % 2 === 0 ? { plan: 'pro' } : ({} as Record<string, string>),
    }));
    const { record } = roundTrip(new Names(), 'cust-0000001', events);
    // header 13, first event 8-byte time + 8, then 3-byte deltas.
    expect(record.length).toBeLessThanOrEqual(13 + 5 * 12);
    expect(oneByteStringBytes(record.length)).toBe(16 + Math.ceil(record.length / 8) * 8);
  });

  it('tells a record’s customer id from others (prefixes, non-ASCII, long ids)', () => {
    const ids = ['a', 'ab', 'b', 'é', 'ée', '日本', 'x'.repeat(300), 'x'.repeat(299)];
    for (const id of ids) {
      const record = new Encoder(new Names()).begin().header(id).latin1();
      for (const other of ids) expect(recordHasId(record, other, /^[\x00-\x7f]*$/.test(other))).toBe(other === id);
    }
  });
});
