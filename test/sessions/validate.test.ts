import { describe, expect, it } from 'vitest';
import type { Event__Output } from '../../src/generated/nudge/v1/Event';
import { EVENT_LIMITS, validateEvent } from '../../src/sessions/validate';

const NOW = 1_700_000_000_000;
const e = (more: Partial<Event__Output>): Event__Output => ({ customerId: 'c1', sessionId: '', type: 'view', timestampMs: 0, properties: {}, value: 0, ...more });
const reason = (more: Partial<Event__Output>): string => {
  const r = validateEvent(e(more), NOW);
  if (r.ok) throw new Error('expected INVALID');
  return r.reason;
};
const props = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

describe('validateEvent', () => {
  it('accepts a plain event and resolves timestamp 0 to now', () => {
    expect(validateEvent(e({ properties: { plan: 'pro' }, value: 3, sessionId: 's1' }), NOW)).toEqual({
      ok: true,
      customerId: 'c1',
      event: { type: 'view', ts: NOW, sessionId: 's1', value: 3, properties: { plan: 'pro' } },
    });
    expect(validateEvent(e({ timestampMs: NOW - 5000 }), NOW)).toMatchObject({ ok: true, event: { ts: NOW - 5000 } });
  });

  it('accepts every limit exactly', () => {
    const atLimits = e({
      customerId: 'c'.repeat(256),
      type: 't'.repeat(128),
      sessionId: 's'.repeat(256),
      timestampMs: NOW + 300_000,
      properties: { ...props(31), ['k'.repeat(64)]: 'v'.repeat(1024) },
      value: -1.5,
    });
    expect(validateEvent(atLimits, NOW).ok).toBe(true);
  });

  it('gives one exact reason per problem, naming the field', () => {
    expect(reason({ customerId: '' })).toBe('customer_id is required');
    expect(reason({ customerId: 'x'.repeat(257) })).toBe('customer_id must be at most 256 characters (got 257)');
    expect(reason({ type: '' })).toBe('type is required');
    expect(reason({ type: 't'.repeat(129) })).toBe('type must be at most 128 characters (got 129)');
    expect(reason({ sessionId: 's'.repeat(257) })).toBe('session_id must be at most 256 characters (got 257)');
    expect(reason({ timestampMs: -1 })).toBe('timestamp_ms must be >= 0 (0 means now), got -1');
    expect(reason({ timestampMs: Number.NaN })).toBe('timestamp_ms must be >= 0 (0 means now), got NaN');
    expect(reason({ timestampMs: NOW + 300_001 })).toBe('timestamp_ms is 300001 ms in the future; at most 300000');
    expect(reason({ value: Number.NaN })).toBe('value must be a finite number, got NaN');
    expect(reason({ value: Number.POSITIVE_INFINITY })).toBe('value must be a finite number, got Infinity');
    expect(reason({ value: Number.NEGATIVE_INFINITY })).toBe('value must be a finite number, got -Infinity');
    expect(reason({ properties: props(33) })).toBe('properties must have at most 32 entries (got 33)');
    expect(reason({ properties: { ['k'.repeat(65)]: 'v' } })).toBe('properties key "kkkkkkkkkkkkkkkk..." must be at most 64 characters (got 65)');
    expect(reason({ properties: { plan: 'v'.repeat(1025) } })).toBe('properties[plan] must be at most 1024 characters (got 1025)');
  });

  it('checks fields in a fixed order (the first problem is the one reported)', () => {
    expect(reason({ customerId: '', type: '' })).toBe('customer_id is required');
    expect(reason({ type: '', timestampMs: -1 })).toBe('type is required');
    expect(reason({ timestampMs: -1, value: Number.NaN })).toBe('timestamp_ms must be >= 0 (0 means now), got -1');
  });

  it('exports its limits, frozen', () => {
    expect(EVENT_LIMITS).toEqual({
      customerIdLength: 256,
      typeLength: 128,
      sessionIdLength: 256,
      maxFutureMs: 300_000,
      properties: 32,
      propertyKeyLength: 64,
      propertyValueLength: 1024,
    });
    expect(Object.isFrozen(EVENT_LIMITS)).toBe(true);
  });
});
