import fc from 'fast-check';
import { open } from 'lmdb';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECISION_TAG, decodeDecision, encodeDecision } from '../../src/store/decision-codec';
import { exportDecisionLog } from '../../src/store/export';
import { SCHEMA_VERSION } from '../../src/store/lmdb-env';
import { openLmdbStore } from '../../src/store/lmdb-store';
import type { DecisionRecord } from '../../src/store/types';
import { campaign, decision, tempDir } from './helpers';

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const num = fc.double({ noNaN: true });
const recordArb: fc.Arbitrary<DecisionRecord> = fc
  .record({
    id: fc.uuid(),
    ts: fc.integer({ min: 0, max: 2 ** 47 }),
    campaign: text,
    customerId: text,
    channel: text,
    segment: text,
    route: text,
    policy: text,
    configVersion: fc.nat({ max: 2 ** 32 - 1 }),
    modelVersion: text,
    control: fc.boolean(),
    offers: fc.array(fc.record({ offerId: text, score: num, probability: num, propensity: num }, { noNullPrototype: true }), { maxLength: 20 }),
    features: fc.option(fc.array(num, { maxLength: 40 }), { nil: undefined }),
  }, { noNullPrototype: true })
  .map(({ features, ...r }) => (features === undefined ? r : { ...r, features }));

describe('decision record codec', () => {
  it('decodes what it encodes, for any strings (UTF-8), numbers and offer/feature counts', () => {
    fc.assert(
      fc.property(recordArb, (r) => {
        const bytes = encodeDecision(r);
        expect(bytes[0]).toBe(DECISION_TAG);
        expect(decodeDecision(r.id, bytes)).toStrictEqual(r);
      }),
      { numRuns: 500 },
    );
  });

  it('encodes each record into its own buffer (the scratch is reused, the output is not)', () => {
    const a = encodeDecision(decision('c', ['a']));
    const copy = Buffer.from(a);
    encodeDecision(decision('other-campaign', ['x', 'y', 'z'], { customerId: 'someone-else' }));
    expect(a.equals(copy)).toBe(true);
  });

  it('refuses bytes that are not a decision record, naming the decision', () => {
    expect(() => decodeDecision('d-1', Buffer.from([0x85, 1, 2]))).toThrow(/decision d-1: stored record is not a schema-2 decision record/);
  });

  it('refuses a field longer than its length prefix can say', () => {
    expect(() => encodeDecision(decision('c', ['a'], { customerId: 'x'.repeat(70_000) }))).toThrow(/customerId is longer than 65535 bytes/);
  });
});

describe('schema-1 learning state', () => {
  it('is migrated on open: decisions written as msgpack are read back, exported and joined by outcomes', async () => {
    const t = tempDir();
    const path = join(t.dir, 'state');
    const d1 = decision('c1', ['a', 'b']);
    const d2 = decision('c1', ['c'], { features: [1, 0.5, -2], control: true });
    // A state as schema 1 wrote it: msgpack records with shared structures, schema 1 in meta.
    const env = open({ path, maxDbs: 12 });
    const old = env.openDB<DecisionRecord, string>({ name: 'decisions', sharedStructuresKey: Symbol.for('structures') });
    const meta = env.openDB<number, string[]>({ name: 'meta' });
    await env.transaction(() => {
      old.put(d1.id, d1);
      old.put(d2.id, d2);
      meta.put(['schema'], 1);
    });
    await env.close();

    const store = await openLmdbStore({ dataDir: t.dir });
    store.syncCampaign(campaign('c1'));
    const [ack] = await store.applyOutcomes([{ decisionId: d1.id, offerId: 'b', reward: 1, timestampMs: 0 }]);
    expect(ack!.status).toBe('APPLIED');
    await store.close();

    const all: DecisionRecord[] = [];
    expect(await exportDecisionLog(t.dir, {}, (d) => void all.push(d))).toBe(2);
    expect(all.map(({ outcomes: _, ...d }: DecisionRecord & { outcomes?: unknown }) => d)).toStrictEqual([d1, d2]);

    const check = open({ path, maxDbs: 12 });
    expect(check.openDB<number, string[]>({ name: 'meta' }).get(['schema'])).toBe(SCHEMA_VERSION);
    await check.close();
    t.cleanup();
  });
});
