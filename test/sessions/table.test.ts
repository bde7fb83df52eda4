import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Encoder, Names } from '../../src/sessions/codec';
import { CustomerTable } from '../../src/sessions/table';

const names = new Names();
const record = (id: string, n: number): string => new Encoder(names).begin().header(id).event({ type: 't', ts: n, sessionId: '', value: 0, properties: {} }).latin1();

/** The table's recency order, most recent first. */
function order(t: CustomerTable): string[] {
  const out: string[] = [];
  for (let s = t.mostRecent(); s !== -1; s = t.older(s)) out.push(t.record(s));
  return out;
}

describe('CustomerTable', () => {
  it('agrees with a Map in recency order over random inserts, touches and removals', () => {
    const op = fc.record({ kind: fc.constantFrom('put', 'put', 'put', 'touch', 'remove', 'evict'), id: fc.integer({ min: 0, max: 6000 }) });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 15_000 }), (ops) => {
        const t = new CustomerTable();
        // A Map's insertion order is the model's recency order: least recent first.
        const model = new Map<string, string>();
        const front = (id: string, r: string): void => {
          model.delete(id);
          model.set(id, r);
        };
        ops.forEach(({ kind, id: n }, step) => {
          const id = `id-${n}`;
          const slot = t.find(id);
          if (slot >= 0 !== model.has(id)) throw new Error(`step ${step}: find(${id}) = ${slot}`);
          if (kind === 'put') {
            const r = record(id, step);
            if (slot >= 0) {
              t.set(slot, r, step);
              t.touch(slot);
            } else t.insert(id, r, step);
            front(id, r);
          } else if (kind === 'touch' && slot >= 0) {
            t.touch(slot);
            front(id, model.get(id)!);
          } else if (kind === 'remove' && slot >= 0) {
            t.remove(slot);
            model.delete(id);
          } else if (kind === 'evict' && t.size > 0) {
            const [oldest, r] = model.entries().next().value!;
            const last = t.leastRecent();
            if (t.record(last) !== r) throw new Error(`step ${step}: least recent is not ${oldest}`);
            t.remove(last);
            model.delete(oldest);
          }
        });
        expect(t.size).toBe(model.size);
        for (const [id, r] of model) expect(t.record(t.find(id))).toBe(r);
        expect(order(t)).toEqual([...model.values()].reverse());
      }),
      { numRuns: 10, seed: 3 },
    );
  });

  it('finds every customer after many growths and removals', () => {
    const t = new CustomerTable();
    for (let i = 0; i < 50_000; i++) t.insert(`c${i}`, record(`c${i}`, i), i);
    for (let i = 0; i < 50_000; i += 2) t.remove(t.find(`c${i}`));
    const wrong = Array.from({ length: 50_000 }, (_, i) => i).filter((i) => t.find(`c${i}`) >= 0 !== (i % 2 === 1));
    expect(wrong).toEqual([]);
    expect(t.size).toBe(25_000);
    expect(t.newest(t.find('c49999'))).toBe(49_999);
  });

  it('knows the bytes of its arrays and what the next growth costs', () => {
    const t = new CustomerTable();
    expect(t.structureBytes()).toBe(0);
    const first = t.growthBytes();
    expect(first).toBeGreaterThan(0);
    t.insert('a', record('a', 1), 1);
    expect(t.structureBytes()).toBe(first);
    expect(t.growthBytes()).toBe(0);
    t.clear();
    expect(t.structureBytes()).toBe(0);
    expect(t.find('a')).toBe(-1);
  });
});
