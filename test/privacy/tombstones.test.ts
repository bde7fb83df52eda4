import { createHash, createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openMeta, openWritableEnv } from '../../src/features/env';
import { loadSnapshot } from '../../src/features/loader';
import { openFeatureReader } from '../../src/features/store';
import { forgetFeatures, forgetFeaturesByToken, localSecret, tombstoneFilter } from '../../src/features/tombstones';
import { customerToken, isToken, newTokenSecret, TokenMatcher } from '../../src/privacy/token';
import { tempDir } from '../server/helpers';

function rows(dataDir: string, ids: readonly string[]): boolean[] {
  const reader = openFeatureReader(dataDir, { checkIntervalMs: 0 });
  try {
    return ids.map((id) => reader.read(id, new Float64Array(reader.schema.fields.length)));
  } finally {
    reader.close();
  }
}

function file(dir: string, name: string, lines: string[]): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, ['customer_id,tier', ...lines].join('\n') + '\n');
  return p;
}

describe('customer tokens', () => {
  it('are an HMAC of the id under the secret: stable, secret-dependent, never the plain hash', () => {
    const secret = Buffer.alloc(32, 7);
    const t = customerToken(secret, 'c0001');
    expect(t).toBe(`forgotten:${createHmac('sha256', secret).update('c0001').digest('hex').slice(0, 32)}`);
    expect(customerToken(secret, 'c0001')).toBe(t);
    expect(customerToken(Buffer.alloc(32, 8), 'c0001')).not.toBe(t);
    expect(t).not.toContain(createHash('sha256').update('c0001').digest('hex').slice(0, 32));
    expect(isToken(t)).toBe(true);
    expect(() => customerToken(Buffer.alloc(16), 'c0001')).toThrow(RangeError);
  });

  it('are matched by a TokenMatcher without knowing the ids', () => {
    const secret = newTokenSecret();
    const m = new TokenMatcher(secret, new Set([customerToken(secret, 'ann')]));
    expect(m.match('ann')).toBe(customerToken(secret, 'ann'));
    expect(m.match('bob')).toBeNull();
    expect(m.match(customerToken(secret, 'ann'))).toBeNull();
  });
});

describe('feature tombstones', () => {
  it('keep a forgotten customer out of every later load, rows and duplicates counted apart', async () => {
    const dir = tempDir('tomb-files');
    const dataDir = tempDir('tomb-data');
    const original = file(dir, 'a.csv', ['ann,gold', 'bob,silver', 'cat,silver', 'bob,gold']);
    expect((await loadSnapshot({ dataDir, file: original })).forgotten).toBe(0);
    const { secret } = await localSecret(dataDir);
    expect((await forgetFeatures(dataDir, secret, 'ann', customerToken(secret, 'ann'))).removed).toBe(true);
    expect(rows(dataDir, ['ann', 'bob', 'cat'])).toEqual([false, true, true]);

    const again = file(dir, 'b.csv', ['ann,gold', 'bob,silver', 'ann,silver', 'cat,silver', 'bob,gold']);
    const r = await loadSnapshot({ dataDir, file: again });
    expect(r).toMatchObject({ rows: 2, forgotten: 2, duplicates: 1, badRows: 0 });
    expect(rows(dataDir, ['ann', 'bob', 'cat'])).toEqual([false, true, true]);
    // Forgetting someone absent removes nothing but still records the tombstone.
    expect((await forgetFeatures(dataDir, secret, 'dan', customerToken(secret, 'dan'))).removed).toBe(false);
    expect((await loadSnapshot({ dataDir, file: file(dir, 'c.csv', ['dan,gold', 'eve,gold']) })).forgotten).toBe(1);
  });

  it('cost a load nothing per row while nobody was forgotten', async () => {
    const dataDir = tempDir('tomb-none');
    await loadSnapshot({ dataDir, file: file(tempDir('tomb-files'), 'a.csv', ['ann,gold']) });
    await localSecret(dataDir);
    const env = openWritableEnv(dataDir);
    try {
      expect(tombstoneFilter(openMeta(env))).toBeNull();
    } finally {
      await env.close();
    }
  });

  it('hold whichever way a ForgetCustomer and a concurrent load interleave', async () => {
    const dir = tempDir('tomb-race');
    const dataDir = tempDir('tomb-race-data');
    await loadSnapshot({ dataDir, file: file(dir, 'a.csv', ['bob,silver']) });
    const { secret } = await localSecret(dataDir);
    const many = Array.from({ length: 200_000 }, (_, i) => `row-${i},silver`);
    // The bad row on line 2 starts the ForgetCustomer once the load is under way (most likely it
    // then lands between the load's start and its swap, the case the swap re-checks tombstones for).
    const big = file(dir, 'big.csv', ['bad,row,extra', ...many.slice(0, 100_000), 'ann,gold', ...many.slice(100_000)]);
    let forgetting: Promise<{ removed: boolean }> | null = null;
    const load = await loadSnapshot({
      dataDir,
      file: big,
      onBadRow: () => {
        forgetting ??= forgetFeatures(dataDir, secret, 'ann', customerToken(secret, 'ann'));
      },
    });
    const forgot = await forgetting!;
    // Skipped by the load (tombstone first), removed at its swap, or removed from it after: once.
    expect(load.forgotten + (forgot.removed ? 1 : 0)).toBe(1);
    expect(rows(dataDir, ['ann', 'row-1', 'row-59999'])).toEqual([false, true, true]);
  });

  it('recorded elsewhere (token only) are applied by hashing the ids of every kept snapshot', async () => {
    const dir = tempDir('tomb-token');
    const dataDir = tempDir('tomb-token-data');
    const lines = Array.from({ length: 5000 }, (_, i) => `c${i},silver`);
    await loadSnapshot({ dataDir, file: file(dir, 'a.csv', lines) });
    await loadSnapshot({ dataDir, file: file(dir, 'b.csv', lines) });
    const secret = Buffer.alloc(32, 3);
    await localSecret(dataDir, secret);
    const tokens = new Map([[customerToken(secret, 'c4321'), Date.now()], [customerToken(secret, 'nobody'), Date.now()]]);
    expect(await forgetFeaturesByToken(dataDir, secret, tokens)).toBe(1);
    expect(rows(dataDir, ['c4321', 'c4322'])).toEqual([false, true]);
    // Already applied here: nothing is scanned again.
    expect(await forgetFeaturesByToken(dataDir, secret, tokens)).toBe(0);
    expect((await loadSnapshot({ dataDir, file: file(dir, 'c.csv', lines) })).forgotten).toBe(1);
  });

  it('adopt a shared secret over a local one, and say so', async () => {
    const dataDir = tempDir('tomb-secret');
    const local = await localSecret(dataDir);
    expect(local.replaced).toBe(false);
    expect((await localSecret(dataDir)).secret.equals(local.secret)).toBe(true);
    const shared = Buffer.alloc(32, 9);
    expect(await localSecret(dataDir, shared)).toEqual({ secret: shared, replaced: true });
    expect((await localSecret(dataDir)).secret.equals(shared)).toBe(true);
  });
});
