import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, optionsFromEnv, resolveOptions } from '../../src/config';
import { NudgeError } from '../../src/errors';
import type { TaskItemResult } from '../../src/engine/types';
import { Admission, checkDeadline } from '../../src/server/admission';
import { MicroBatcher } from '../../src/server/batcher';
import { decideBatchRequest, decideRequest, outcomeProblem } from '../../src/server/validate';
import { admit } from './helpers';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof NudgeError) return `${err.code}:${err.field ?? ''}`;
    throw err;
  }
  return 'none';
};

describe('config', () => {
  it('has every default in one object and reads NUDGE_* variables', () => {
    expect(DEFAULT_OPTIONS).toMatchObject({ listen: '127.0.0.1:50051', maxBatch: 64, maxQueue: 10_000, seed: null, demo: true });
    expect(DEFAULT_OPTIONS.mode).toBe(os.availableParallelism() > 2 ? 'pool' : 'inline');
    const o = optionsFromEnv({ NUDGE_LISTEN: '0.0.0.0:0', NUDGE_MODE: 'pool', NUDGE_WORKERS: '3', NUDGE_SEED: '9', NUDGE_DEMO: '0', NUDGE_DATA_DIR: 'x' });
    expect(o).toMatchObject({ listen: '0.0.0.0:0', mode: 'pool', workers: 3, seed: 9, demo: false, dataDir: path.resolve('x') });
    expect(optionsFromEnv({}).campaignsDir).toBe(path.resolve('./campaigns'));
  });

  it('rejects bad options with TypeError / RangeError naming the option', () => {
    expect(() => resolveOptions({ maxQueue: 0 })).toThrow(new RangeError('options.maxQueue must be a positive integer'));
    expect(() => resolveOptions({ maxBatch: '5' as unknown as number })).toThrow(new TypeError('options.maxBatch must be a number'));
    expect(() => resolveOptions({ mode: 'threads' as 'pool' })).toThrow(new RangeError('options.mode must be "pool" or "inline"'));
    expect(() => resolveOptions({ listen: 'localhost' })).toThrow(RangeError);
    expect(() => optionsFromEnv({ NUDGE_WORKERS: 'many' })).toThrow(new RangeError('NUDGE_WORKERS must be an integer (got "many")'));
    expect(() => optionsFromEnv({ NUDGE_MAX_QUEUE: '0' })).toThrow(new RangeError('NUDGE_MAX_QUEUE: options.maxQueue must be a positive integer'));
  });
});

describe('request validation', () => {
  const base = { campaign: 'c', customerId: 'u', channel: '', context: {}, numOffers: 0, requestId: '', excludeOffers: [], explain: false };
  it('names the offending field', () => {
    expect(decideRequest(base).numOffers).toBe(1);
    expect(codeOf(() => decideRequest({ ...base, customerId: '' }))).toBe('NUDGE_INVALID_ARGUMENT:customer_id');
    expect(codeOf(() => decideRequest({ ...base, campaign: 'x'.repeat(257) }))).toBe('NUDGE_INVALID_ARGUMENT:campaign');
    expect(codeOf(() => decideRequest({ ...base, numOffers: 101 }))).toBe('NUDGE_INVALID_ARGUMENT:num_offers');
    const ctx = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
    expect(codeOf(() => decideRequest({ ...base, context: ctx }))).toBe('NUDGE_INVALID_ARGUMENT:context');
    expect(codeOf(() => decideRequest({ ...base, excludeOffers: Array.from({ length: 1001 }, (_, i) => `o${i}`) }))).toBe(
      'NUDGE_INVALID_ARGUMENT:exclude_offers',
    );
    const batch = { campaign: 'c', customerIds: ['a', ''], channel: '', context: {}, numOffers: 2, excludeOffers: [] };
    expect(codeOf(() => decideBatchRequest(batch))).toBe('NUDGE_INVALID_ARGUMENT:customer_ids[1]');
    expect(outcomeProblem({ decisionId: 'd', offerId: '', reward: 1, timestampMs: 0 })).toContain('offer_id');
    expect(outcomeProblem({ decisionId: 'd', offerId: 'o', reward: Number.NaN, timestampMs: 0 })).toContain('reward');
  });
});

describe('admission', () => {
  it('bounds requests in flight, refuses close deadlines and everything while draining', () => {
    const a = new Admission(2, 5);
    admit(a, Infinity);
    admit(a, new Date(Date.now() + 60_000));
    expect(codeOf(() => admit(a, Infinity))).toBe('NUDGE_OVERLOADED:');
    a.release();
    expect(codeOf(() => admit(a, Date.now() - 1))).toBe('NUDGE_DEADLINE_EXCEEDED:');
    expect(codeOf(() => admit(a, Date.now() + 2))).toBe('NUDGE_DEADLINE_EXCEEDED:');
    admit(a, Infinity);
    expect(a.current).toBe(2);
    a.release(2);
    a.drain();
    expect(codeOf(() => admit(a, Infinity))).toBe('NUDGE_SHUTTING_DOWN:');
    expect(() => checkDeadline(Date.now() + 100, 5)).not.toThrow();
  });
});

describe('MicroBatcher', () => {
  const result = (n: number): TaskItemResult => ({ campaign: String(n), offers: [], policy: 'p', route: 'r', segment: '', configVersion: 1, control: false });

  it('sends requests of one event-loop turn as one task, in order, and splits at maxBatch', async () => {
    const tasks: number[][] = [];
    const b = new MicroBatcher<number>(async (items) => {
      tasks.push(items);
      return items.map((n) => (n === 3 ? { error: { code: 'NUDGE_NO_ELIGIBLE_OFFER', message: 'none' } } : result(n)));
    }, 4);
    const out = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => b.submit(n)));
    expect(tasks).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    expect(out.map((r) => ('error' in r ? r.error.code : r.campaign))).toEqual(['1', '2', 'NUDGE_NO_ELIGIBLE_OFFER', '4', '5', '6']);
  });

  it('rejects every request of a failed task', async () => {
    const b = new MicroBatcher<number>(() => Promise.reject(new Error('worker died')), 8);
    const settled = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  });
});
