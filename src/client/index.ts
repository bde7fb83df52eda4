/**
 * The Nudge client, for backend services: `import { NudgeClient } from 'nudge/client'`.
 * This entry loads neither the server nor its native addon, only grpc-js and the proto file.
 * docs/clients.md describes it.
 */
export { NudgeClient, type EventWriter, type OutcomeWriter, type WriterSettings } from './client';
export { NudgeError, isTransient, type NudgeCode } from './errors';
export {
  CLIENT_DEFAULTS,
  type CallOptions,
  type NudgeClientOptions,
  type ResolvedOptions,
  type RetryPolicy,
  type TlsOptions,
  type WriterOptions,
} from './options';
export { backoffMs } from './retry';
export type { Writer, WriterTotals } from './writer';
export type {
  DecideBatchRequest,
  DecideBatchResult,
  DecideRequest,
  Decision,
  Event,
  EventAck,
  EventSummary,
  Outcome,
  OutcomeResult,
  OutcomeSummary,
  ScoredOffer,
} from './types';
