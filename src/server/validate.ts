import type { DecideBatchRequest__Output } from '../generated/nudge/v1/DecideBatchRequest';
import type { DecideRequest__Output } from '../generated/nudge/v1/DecideRequest';
import type { Outcome__Output } from '../generated/nudge/v1/Outcome';
import type { EngineRequest } from '../engine/types';
import { invalidArgument } from '../errors';
import type { OutcomeInput } from '../store/types';

/** Request limits, in one place (docs/operations.md lists them). */
export const LIMITS = Object.freeze({
  idLength: 256,
  contextEntries: 64,
  contextKeyLength: 256,
  contextValueLength: 4096,
  numOffers: 100,
  excludeOffers: 1000,
  batchCustomers: 10_000,
  channelLength: 256,
  /** Rewards are 0/1 or small values (value-weighted); far larger ones would overflow posterior sums. */
  maxReward: 1e9,
});

function requiredId(field: string, v: string): string {
  if (v.length === 0) throw invalidArgument(field, 'is required');
  if (v.length > LIMITS.idLength) throw invalidArgument(field, `must be at most ${LIMITS.idLength} characters`);
  return v;
}

function context(v: Record<string, string>): Record<string, string> {
  let n = 0;
  for (const key in v) {
    if (++n > LIMITS.contextEntries) throw invalidArgument('context', `must have at most ${LIMITS.contextEntries} entries`);
    if (key.length > LIMITS.contextKeyLength) throw invalidArgument('context', `keys must be at most ${LIMITS.contextKeyLength} characters`);
    if (v[key]!.length > LIMITS.contextValueLength) {
      throw invalidArgument(`context[${key}]`, `must be at most ${LIMITS.contextValueLength} characters`);
    }
  }
  return v;
}

function numOffers(n: number): number {
  if (n > LIMITS.numOffers) throw invalidArgument('num_offers', `must be at most ${LIMITS.numOffers}`);
  return n === 0 ? 1 : n;
}

function excludeOffers(v: string[]): string[] {
  if (v.length > LIMITS.excludeOffers) throw invalidArgument('exclude_offers', `must have at most ${LIMITS.excludeOffers} entries`);
  for (let i = 0; i < v.length; i++) {
    if (v[i]!.length > LIMITS.idLength) throw invalidArgument(`exclude_offers[${i}]`, `must be at most ${LIMITS.idLength} characters`);
  }
  return v;
}

function channel(v: string): string {
  if (v.length > LIMITS.channelLength) throw invalidArgument('channel', `must be at most ${LIMITS.channelLength} characters`);
  return v;
}

/** Checks a Decide request and turns it into the engine's plain form; throws INVALID_ARGUMENT naming the field. */
export function decideRequest(r: DecideRequest__Output): EngineRequest {
  return {
    campaign: requiredId('campaign', r.campaign),
    customerId: requiredId('customer_id', r.customerId),
    channel: channel(r.channel),
    context: context(r.context),
    numOffers: numOffers(r.numOffers),
    excludeOffers: excludeOffers(r.excludeOffers),
    explain: r.explain === true,
  };
}

/** One engine request per customer, in the order of customer_ids. */
export function decideBatchRequest(r: DecideBatchRequest__Output): EngineRequest[] {
  const campaign = requiredId('campaign', r.campaign);
  const ids = r.customerIds;
  if (ids.length === 0) throw invalidArgument('customer_ids', 'is required');
  if (ids.length > LIMITS.batchCustomers) throw invalidArgument('customer_ids', `must have at most ${LIMITS.batchCustomers} entries`);
  const ch = channel(r.channel);
  const ctx = context(r.context);
  const n = numOffers(r.numOffers);
  const ex = excludeOffers(r.excludeOffers);
  return ids.map((id, i) => ({
    campaign,
    customerId: requiredId(`customer_ids[${i}]`, id),
    channel: ch,
    context: ctx,
    numOffers: n,
    excludeOffers: ex,
  }));
}

/**
 * An outcome's problem, or null when it is well-formed. Outcomes are not rejected with an RPC error:
 * a stream of a million must not fail on one bad row, so the problem becomes an INVALID ack.
 */
export function outcomeProblem(o: Outcome__Output): string | null {
  if (o.decisionId.length === 0) return 'decision_id: is required';
  if (o.decisionId.length > LIMITS.idLength) return `decision_id: must be at most ${LIMITS.idLength} characters`;
  if (o.offerId.length === 0) return 'offer_id: is required';
  if (o.offerId.length > LIMITS.idLength) return `offer_id: must be at most ${LIMITS.idLength} characters`;
  if (!Number.isFinite(o.reward)) return 'reward: must be a finite number';
  if (o.reward < 0 || o.reward > LIMITS.maxReward) return `reward: must be in [0, ${LIMITS.maxReward}]`;
  if (!Number.isFinite(o.timestampMs) || o.timestampMs < 0) return 'timestamp_ms: must be >= 0';
  return null;
}

export function outcomeInput(o: Outcome__Output): OutcomeInput {
  return { decisionId: o.decisionId, offerId: o.offerId, reward: o.reward, timestampMs: o.timestampMs };
}
