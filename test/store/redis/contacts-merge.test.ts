import fc from 'fast-check';
import { pack, Unpackr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeContacts, type ContactRecord } from '../../../src/fatigue/history';
import { connectRedis, type ScriptedClient } from '../../../src/store/redis/connect';
import { startRedis, type RedisProc } from '../../support/redis';

/** Contact records as processes write them: ascending times (ms minus a process tag), small counters. */
const times = fc.array(fc.integer({ min: 0, max: 50 }).map((t) => 1_700_000_000_000 + t - 3 / 1024), { maxLength: 6 }).map((a) => a.sort((x, y) => x - y));
const record: fc.Arbitrary<ContactRecord> = fc.record({
  c: times,
  o: fc.dictionary(fc.constantFrom('x', 'y', 'z'), fc.record({ t: times, i: fc.nat(5), u: fc.constantFrom(0, 1_700_000_100_000) })),
});

/** Comparable form: offers in key order. */
const canon = (r: ContactRecord): string => JSON.stringify({ c: r.c, o: Object.fromEntries(Object.entries(r.o).sort(([a], [b]) => a.localeCompare(b))) });

describe('merging contact records written by different processes', () => {
  it('is commutative, idempotent and absorbs an older copy, so processes converge in any order', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        expect(canon(mergeContacts(a, b))).toBe(canon(mergeContacts(b, a)));
        expect(canon(mergeContacts(a, a))).toBe(canon(mergeContacts(a, { c: [], o: {} })));
        const ab = mergeContacts(a, b);
        expect(canon(mergeContacts(ab, b))).toBe(canon(ab));
      }),
    );
  });

  it('keeps two processes\' impressions of the same millisecond apart (their tags differ)', () => {
    const m = mergeContacts({ c: [1000 - 1 / 1024], o: {} }, { c: [1000 - 2 / 1024], o: {} });
    expect(m.c).toHaveLength(2);
  });

  describe('in Redis (the CONTACTS script)', () => {
    let redis: RedisProc;
    let client: ScriptedClient;
    const unpackr = new Unpackr({ int64AsType: 'number', mapsAsObjects: true });
    beforeAll(async () => {
      redis = await startRedis();
      client = (await connectRedis({ url: redis.url, username: null, password: null, commandTimeoutMs: 2000, connectTimeoutMs: 5000 })).client;
    });
    afterAll(async () => {
      client?.disconnect();
      await redis?.stop();
    });

    it('gives the same record as mergeContacts', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(record, record, async (a, b) => {
          const key = `t:${n++}`;
          await client.nudgeContacts(1, key, pack(a), 60_000);
          await client.nudgeContacts(1, key, pack(b), 60_000);
          const got = unpackr.unpack((await client.getBuffer(key))!) as { c: unknown; o: unknown };
          // Lua's MessagePack writes an empty list or map as an empty list.
          const list = (v: unknown): number[] => (Array.isArray(v) ? (v as number[]) : []);
          const o = Object.fromEntries(Object.entries((got.o ?? {}) as Record<string, { t: unknown; i: number; u: number }>).map(([id, x]) => [id, { t: list(x.t), i: x.i, u: x.u }]));
          expect(canon({ c: list(got.c), o })).toBe(canon(mergeContacts(b, a)));
        }),
        { numRuns: 50 },
      );
    });
  });
});
