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

/**
 * Checks one Event as proto-loader decodes it; `now` resolves timestamp_ms 0. Properties are kept
 * whole here: the store keeps only those some campaign reads (keepProperties in interest.ts).
 */
export function validateEvent(e: Event__Output, now: number): ValidatedEvent {
  const L = EVENT_LIMITS;
  const customerId = e.customerId ?? '';
  if (customerId === '') return invalid('customer_id is required');
  if (customerId.length > L.customerIdLength) return invalid(`customer_id must be at most ${L.customerIdLength} characters (got ${customerId.length})`);
  const type = e.type ?? '';
  if (type === '') return invalid('type is required');
  if (type.length > L.typeLength) return invalid(`type must be at most ${L.typeLength} characters (got ${type.length})`);
  const sessionId = e.sessionId ?? '';
  if (sessionId.length > L.sessionIdLength) return invalid(`session_id must be at most ${L.sessionIdLength} characters (got ${sessionId.length})`);
  const t = Number(e.timestampMs ?? 0);
  if (!Number.isFinite(t) || t < 0) return invalid(`timestamp_ms must be >= 0 (0 means now), got ${t}`);
  if (t - now > L.maxFutureMs) return invalid(`timestamp_ms is ${t - now} ms in the future; at most ${L.maxFutureMs}`);
  const value = e.value ?? 0;
  if (!Number.isFinite(value)) return invalid(`value must be a finite number, got ${value}`);
  const properties = e.properties ?? {};
  let n = 0;
  for (const k in properties) {
    if (++n > L.properties) return invalid(`properties must have at most ${L.properties} entries (got ${Object.keys(properties).length})`);
    if (k.length > L.propertyKeyLength) {
      return invalid(`properties key "${k.slice(0, 16)}..." must be at most ${L.propertyKeyLength} characters (got ${k.length})`);
    }
    const v = properties[k]!;
    if (v.length > L.propertyValueLength) return invalid(`properties[${k}] must be at most ${L.propertyValueLength} characters (got ${v.length})`);
  }
  return { ok: true, customerId, event: { type, ts: t === 0 ? now : t, sessionId, value, properties } };
}

function invalid(reason: string): ValidatedEvent {
  return { ok: false, reason };
}
