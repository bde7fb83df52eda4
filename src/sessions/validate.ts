import type { Event__Output } from '../generated/nudge/v1/Event';
import type { SessionEvent } from './types';

/** Limits of one event (docs/events.md lists them); a breach makes the event INVALID, never the stream. */
export const EVENT_LIMITS = Object.freeze({
  customerIdLength: 256,
  typeLength: 128,
  sessionIdLength: 256,
  /** Clocks disagree a little; an event from further ahead is a bug in the caller. */
  maxFutureMs: 5 * 60 * 1000,
  properties: 32,
  propertyKeyLength: 64,
  propertyValueLength: 1024,
});

export type ValidatedEvent = { ok: true; customerId: string; event: SessionEvent } | { ok: false; reason: string };

/** Checks one Event as proto-loader decodes it; `now` resolves timestamp_ms 0. */
export function validateEvent(e: Event__Output, now: number): ValidatedEvent {
  const L = EVENT_LIMITS;
  const customerId = e.customerId;
  if (typeof customerId !== 'string' || customerId === '') return { ok: false, reason: 'customer_id is required' };
  if (customerId.length > L.customerIdLength) return { ok: false, reason: `customer_id must be at most ${L.customerIdLength} characters` };
  const type = e.type;
  if (typeof type !== 'string' || type === '') return { ok: false, reason: 'type is required' };
  if (type.length > L.typeLength) return { ok: false, reason: `type must be at most ${L.typeLength} characters` };
  const sessionId = e.sessionId ?? '';
  if (sessionId.length > L.sessionIdLength) return { ok: false, reason: `session_id must be at most ${L.sessionIdLength} characters` };
  const t = Number(e.timestampMs ?? 0);
  if (!Number.isFinite(t) || t < 0) return { ok: false, reason: 'timestamp_ms must be >= 0 (0 means now)' };
  if (t - now > L.maxFutureMs) return { ok: false, reason: `timestamp_ms is ${t - now} ms in the future; at most ${L.maxFutureMs}` };
  const value = e.value ?? 0;
  if (!Number.isFinite(value)) return { ok: false, reason: 'value must be a finite number' };
  const properties = e.properties ?? {};
  let n = 0;
  for (const k in properties) {
    if (++n > L.properties) return { ok: false, reason: `properties must have at most ${L.properties} entries` };
    if (k.length > L.propertyKeyLength) return { ok: false, reason: `properties keys must be at most ${L.propertyKeyLength} characters` };
    if (properties[k]!.length > L.propertyValueLength) return { ok: false, reason: `properties[${k}] must be at most ${L.propertyValueLength} characters` };
  }
  return { ok: true, customerId, event: { type, ts: t === 0 ? now : t, sessionId, value, properties } };
}
