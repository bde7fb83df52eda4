import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecisionLog, DUE_GROUP_SPAN_MS, decodeDueEntry, encodeDueEntry } from '../../src/store/decision-log';
import { openStoreDbs, type StoreDbs } from '../../src/store/lmdb-env';
import { decision, tempDir } from './helpers';

describe('DecisionLog (queued, in flight, committed)', () => {
  let t: ReturnType<typeof tempDir>;
  let dbs: StoreDbs;
  let log: DecisionLog;

  beforeEach(() => {
    t = tempDir();
    dbs = openStoreDbs(join(t.dir, 'state'), 64 * 1024 * 1024);
    // 'waits' has a one-hour reward wait (a due entry per decision), 'now' none.
    log = new DecisionLog(dbs, (c) => (c === 'waits' ? 3_600_000 : 0));
  });

  afterEach(async () => {
    await dbs.env.close();
    t.cleanup();
  });

  it('finds a queued decision before any write, as the record it was given', () => {
    const d = decision('now', ['a', 'b'], { features: [0.5, -1] });
    log.add(d);
    expect(log.queued).toBe(1);
    expect(log.pendingCount).toBe(1);
    expect(log.get(d.id)).toStrictEqual(d);
    expect(dbs.decisions.getBinaryFast(d.id)).toBeUndefined();
  });

  it('writes the queue in one transaction, with due entries only where there is a reward wait', async () => {
    const a = decision('waits', ['a']);
    const b = decision('now', ['b']);
    log.add(a);
    log.add(b);
    await dbs.env.transaction(() => log.writeQueued());
    expect(log.queued).toBe(0);
    // In flight until committed() is called: still answered from memory.
    expect(log.pendingCount).toBe(2);
    log.committed();
    expect(log.pendingCount).toBe(0);
    expect(log.get(a.id)).toStrictEqual(a);
    expect(log.get(b.id)).toStrictEqual(b);
    const due = [...dbs.due.getRange({})].map((e) => e.key);
    expect(due).toEqual([[a.ts + 3_600_000, a.id]]);
  });

  it('writes one due entry per campaign and batch for decisions due within DUE_GROUP_SPAN_MS of each other', async () => {
    const t0 = 1_700_000_000_000;
    const group = [0, 30, DUE_GROUP_SPAN_MS].map((dt) => decision('waits', ['a'], { ts: t0 + dt }));
    const apart = decision('waits', ['a'], { ts: t0 + DUE_GROUP_SPAN_MS + 1 });
    for (const d of [...group, apart]) log.add(d);
    log.add(decision('now', ['b']));
    await dbs.env.transaction(() => log.writeQueued());
    log.committed();
    const entries = [...dbs.due.getRange({})].map((e) => ({ key: e.key, ids: decodeDueEntry(e.key[1], e.value) }));
    expect(entries).toEqual([
      { key: [t0 + DUE_GROUP_SPAN_MS + 3_600_000, group[0]!.id], ids: group.map((d) => d.id) },
      { key: [apart.ts + 3_600_000, apart.id], ids: [apart.id] },
    ]);
  });

  it('reads due entries written one per decision, before grouping', () => {
    expect(decodeDueEntry('id-1', 'campaign')).toEqual(['id-1']);
    expect(decodeDueEntry('id-1', encodeDueEntry('campaign', ['id-1']))).toEqual(['id-1']);
    expect(decodeDueEntry('id-1', encodeDueEntry('campaign', ['id-1', 'id-2']))).toEqual(['id-1', 'id-2']);
  });

  it('puts a failed batch back in front of what was queued since, in order', async () => {
    const first = [decision('now', ['a']), decision('now', ['b'])];
    for (const d of first) log.add(d);
    const later = decision('now', ['c']);
    expect(() =>
      dbs.env.transactionSync(() => {
        log.writeQueued();
        log.add(later); // arrives while the batch is in flight
        throw new Error('disk full'); // aborts the transaction: nothing of the batch is written
      }),
    ).toThrow('disk full');
    expect(dbs.decisions.getBinaryFast(first[0]!.id)).toBeUndefined(); // rolled back
    log.requeue();
    expect(log.queued).toBe(3);
    // Still answered from memory while nothing is on disk.
    expect(log.get(first[1]!.id)).toStrictEqual(first[1]);
    await dbs.env.transaction(() => log.writeQueued());
    log.committed();
    expect(log.pendingCount).toBe(0);
    const ids = [...dbs.decisions.getKeys({})];
    expect(ids.sort()).toEqual([...first, later].map((d) => d.id).sort());
  });

  it('refuses a record it cannot encode without queueing it', () => {
    const ok = decision('now', ['a']);
    const bad = decision('now', ['a'], { customerId: 'x'.repeat(70_000) });
    log.add(ok);
    expect(() => log.add(bad)).toThrow(/customerId is longer than 65535 bytes/);
    expect(log.queued).toBe(1);
    expect(log.get(bad.id)).toBeUndefined();
  });

  it('finds every decision not yet committed, whether the ids increase (halving) or not (a scan), and the newer of two records of one id', async () => {
    const inOrder = Array.from({ length: 37 }, () => decision('now', ['a']));
    for (const d of inOrder) log.add(d);
    await dbs.env.transaction(() => log.writeQueued()); // in flight from here until committed()
    const shuffled = ['id-5', 'id-1', 'id-9', 'id-3'].map((id) => decision('now', ['b'], { id }));
    for (const d of shuffled) log.add(d);
    const again = decision('now', ['c'], { id: inOrder[4]!.id });
    log.add(again);
    expect(log.pendingCount).toBe(37 + 4 + 1);
    for (const d of [...inOrder.filter((x) => x.id !== again.id), ...shuffled]) expect(log.get(d.id)).toStrictEqual(d);
    expect(log.get(again.id)).toStrictEqual(again);
    expect(log.get('id-7')).toBeUndefined();
    expect(log.get(inOrder[0]!.id.replace(/.$/, (c) => (c === '0' ? '1' : '0')))).toBeUndefined();
    log.committed();
    expect(log.pendingCount).toBe(5);
    expect(log.get(inOrder[7]!.id)).toStrictEqual(inOrder[7]); // from LMDB now
    expect(log.get('id-9')).toStrictEqual(shuffled[2]);
  });

  it('stores every decision whatever the order of ids, also below a greater key already stored', async () => {
    await dbs.env.transaction(() => dbs.decisions.put('zzz', Buffer.from([0])));
    const uuids = Array.from({ length: 5 }, () => decision('now', ['a']));
    const named = ['id-5', 'id-1', 'id-9', 'id-9'].map((id) => decision('now', ['b'], { id }));
    for (const d of [...uuids, ...named]) log.add(d);
    await dbs.env.transaction(() => log.writeQueued());
    log.committed();
    const later = Array.from({ length: 3 }, () => decision('now', ['c']));
    for (const d of later) log.add(d);
    await dbs.env.transaction(() => log.writeQueued());
    log.committed();
    for (const d of [...uuids, ...named.slice(0, 2), named[3]!, ...later]) expect(log.get(d.id)).toStrictEqual(d);
    expect([...dbs.decisions.getKeys({})]).toEqual([...[...uuids, ...later].map((d) => d.id).sort(), 'id-1', 'id-5', 'id-9', 'zzz']);
  });
});
