import { describe, expect, it } from 'vitest';
import { EVENT_LIMITS, validateEvent } from '../../src/sessions/validate';
import type { Event__Output } from '../../src/generated/nudge/v1/Event';

const NOW = 1_700_000_000_000;
const e = (more: Partial<Event__Output>): Event__Output => ({ customerId: 'c1', sessionId: '', type: 'view', timestampMs: 0, properties: {}, value: 0, ...more });
const reason = (more: Partial<Event__Output>): string => {
  const r = validateEvent(e(more), NOW);
  if (r.ok) throw new Error('expected INVALID');
  return r.reason;
};

describe('validateEvent', () => {
  it('accepts a plain event and resolves timestamp 0 to now', () => {
    expect(validateEvent(e({ properties: { plan: 'pro' }, value: 3 }), NOW)).toEqual({
      ok: true,
      customerId: 'c1',
      event: { type: 'view', ts: NOW, sessionId: '', value: 3, properties: { plan: 'pro' } },
    });
  });

  it('names the field of every problem', () => {
    expect(reason({ customerId: '' })).toBe('customer_id is required');
    expect(reason({ customerId: 'x'.repeat(EVENT_LIMITS.customerIdLength + 1) })).toBe('customer_id must be at most 256 characters');
    expect(reason({ type: '' })).toBe('type is required');
    expect(reason({ type: 't'.repeat(129) })).toBe('type must be at most 128 characters');
    expect(reason({ sessionId: 's'.repeat(257) })).toBe('session_id must be at most 256 characters');
    expect(reason({ timestampMs: -1 })).toBe('timestamp_ms must be >= 0 (0 means now)');
    expect(reason({ timestampMs: NOW + 300_001 })).toBe('timestamp_ms is 300001 ms in the future; at most 300000');
    expect(reason({ value: Number.NaN })).toBe('value must be a finite number');
    expect(reason({ properties: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) })).toBe('properties must have at most 32 entries');
    expect(reason({ properties: { ['k'.repeat(65)]: 'v' } })).toBe('properties keys must be at most 64 characters');
    expect(reason({ properties: { plan: 'v'.repeat(1025) } })).toBe('properties[plan] must be at most 1024 characters');
  });

  it('allows a clock a little ahead', () => {
    expect(validateEvent(e({ timestampMs: NOW + 299_000 }), NOW).ok).toBe(true);
  });
});
