/**
 * The message types of the client's API, from the generated ones (src/generated, made by
 * proto-loader-gen-types). Requests take the generated input types, whose fields are all optional as
 * in protobuf; answers are the __Output types, whose fields are always present (defaults filled in,
 * 64-bit numbers as JS numbers), under names that read well in application code.
 */
import type { DecideBatchResponse__Output } from '../generated/nudge/v1/DecideBatchResponse';
import type { DecideResponse__Output } from '../generated/nudge/v1/DecideResponse';
import type { EventAck__Output } from '../generated/nudge/v1/EventAck';
import type { EventSummary__Output } from '../generated/nudge/v1/EventSummary';
import type { OutcomeAck__Output } from '../generated/nudge/v1/OutcomeAck';
import type { OutcomeSummary__Output } from '../generated/nudge/v1/OutcomeSummary';
import type { ScoredOffer__Output } from '../generated/nudge/v1/ScoredOffer';

export type { DecideRequest } from '../generated/nudge/v1/DecideRequest';
export type { DecideBatchRequest } from '../generated/nudge/v1/DecideBatchRequest';
export type { Outcome } from '../generated/nudge/v1/Outcome';
export type { Event } from '../generated/nudge/v1/Event';

export type Decision = DecideResponse__Output;
export type ScoredOffer = ScoredOffer__Output;
export type DecideBatchResult = DecideBatchResponse__Output;
export type EventAck = EventAck__Output;
export type OutcomeSummary = OutcomeSummary__Output;
export type EventSummary = EventSummary__Output;

/**
 * The server's acknowledgement, and how many tries it took. The server keeps one outcome per
 * (decision_id, offer_id): after a retry (attempts > 1), DUPLICATE can mean that an earlier try was
 * applied and only its answer was lost.
 */
export type OutcomeResult = OutcomeAck__Output & { readonly attempts: number };
