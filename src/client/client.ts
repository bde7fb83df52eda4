import * as grpc from '@grpc/grpc-js';
import type { DecisionServiceClient } from '../generated/nudge/v1/DecisionService';
import type { OutcomeAck__Output as OutcomeAck } from '../generated/nudge/v1/OutcomeAck';
import { loadNudgeProto } from '../proto';
import {
  resolveCallOptions,
  resolveClientOptions,
  resolveWriter,
  type CallOptions,
  type NudgeClientOptions,
  type ResolvedOptions,
  type RetryPolicy,
  type WriterOptions,
} from './options';
import { withRetries } from './retry';
import { sendBatch } from './stream';
import type {
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
} from './types';
import { BatchWriter, type Writer } from './writer';

export type OutcomeWriter = Writer<Outcome, OutcomeSummary>;
export type EventWriter = Writer<Event, EventSummary>;
export type WriterSettings = Partial<Omit<WriterOptions, 'retry'>> & { retry?: Partial<RetryPolicy> };

type Unary<Req, Res> = (req: Req, md: grpc.Metadata, opts: grpc.CallOptions, cb: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;

// The EventSummary lists the first 100 invalid events per stream; a writer keeps the same limit
// over all its streams, so a long job's summary stays small.
const MAX_PROBLEMS = 100;

const OUTCOME_ZERO: OutcomeSummary = Object.freeze({ applied: 0, duplicate: 0, unknownDecision: 0, expired: 0, invalid: 0, received: 0 });
const EVENT_ZERO: EventSummary = Object.freeze({ received: 0, accepted: 0, ignored: 0, invalid: 0, problems: [] });

function addOutcomes(a: OutcomeSummary, b: OutcomeSummary): OutcomeSummary {
  return {
    applied: a.applied + b.applied,
    duplicate: a.duplicate + b.duplicate,
    unknownDecision: a.unknownDecision + b.unknownDecision,
    expired: a.expired + b.expired,
    invalid: a.invalid + b.invalid,
    received: a.received + b.received,
  };
}

function addEvents(a: EventSummary, b: EventSummary): EventSummary {
  return {
    received: a.received + b.received,
    accepted: a.accepted + b.accepted,
    ignored: a.ignored + b.ignored,
    invalid: a.invalid + b.invalid,
    problems: [...a.problems, ...b.problems].slice(0, MAX_PROBLEMS),
  };
}

/**
 * A DecisionService client with the call discipline every backend team would otherwise write
 * itself: a deadline on every call, retries where they are safe, one error type, and writers that
 * stream outcomes and events in bounded batches.
 *
 * Outcomes are retried by default because the server keeps one outcome per (decision_id, offer_id)
 * and answers DUPLICATE to a repeat: a retry cannot count an outcome twice. Decide is not
 * idempotent (a repeat makes a second decision, whose impression is counted and, without an
 * outcome, gets the campaign's default reward), so it is retried only when the caller asks.
 */
export class NudgeClient {
  readonly options: ResolvedOptions;
  private readonly stub: DecisionServiceClient;
  private readonly closed = new AbortController();
  private readonly auth: grpc.Metadata;

  constructor(options: NudgeClientOptions = {}) {
    this.options = resolveClientOptions(options);
    const { nudge } = loadNudgeProto();
    this.stub = new nudge.v1.DecisionService(this.options.address, this.options.credentials, {
      ...this.options.channelOptions,
      interceptors: this.options.interceptors,
    });
    this.auth = new grpc.Metadata();
    if (this.options.token !== null) this.auth.set('authorization', `Bearer ${this.options.token}`);
  }

  get address(): string {
    return this.options.address;
  }

  /** Which offers this customer should see now, best first. */
  async decide(request: DecideRequest, options?: CallOptions): Promise<Decision> {
    return this.unary<DecideRequest, Decision>('Decide', (r, m, o, cb) => this.stub.decide(r, m, o, cb), request, options, this.options.retryDecide);
  }

  /** Decisions for many customers of one campaign, in the order of customerIds. */
  async decideBatch(request: DecideBatchRequest, options?: CallOptions): Promise<DecideBatchResult> {
    return this.unary<DecideBatchRequest, DecideBatchResult>('DecideBatch', (r, m, o, cb) => this.stub.decideBatch(r, m, o, cb), request, options, this.options.retryDecide);
  }

  /** One outcome, acknowledged once durable; retried on transient failures. */
  async reportOutcome(outcome: Outcome, options?: CallOptions): Promise<OutcomeResult> {
    let attempts = 1;
    const ack = await this.unary<Outcome, OutcomeAck>('ReportOutcome', (r, m, o, cb) => this.stub.reportOutcome(r, m, o, cb), outcome, options, true, () => attempts++);
    return { ...ack, attempts };
  }

  /** One in-session event, acknowledged once kept (the next Decide sees it). */
  async trackEvent(event: Event, options?: CallOptions): Promise<EventAck> {
    return this.unary<Event, EventAck>('TrackEvent', (r, m, o, cb) => this.stub.trackEvent(r, m, o, cb), event, options, this.options.retryEvents);
  }

  /** Batches outcomes into StreamOutcomes calls; close() it to send the rest and get the totals. */
  outcomeWriter(settings?: WriterSettings): OutcomeWriter {
    const w = resolveWriter('writerOptions', settings, this.options.writer);
    return new BatchWriter<Outcome, OutcomeSummary>('outcome writer', w, {
      zero: OUTCOME_ZERO,
      add: addOutcomes,
      send: (batch, _first, onRetry) =>
        withRetries({ method: 'StreamOutcomes', policy: w.retry, enabled: true, signal: this.closed.signal, onRetry }, () =>
          sendBatch<Outcome, OutcomeSummary>((cb) => this.stub.streamOutcomes(this.metadata(null), this.deadline(w.deadlineMs), cb), batch),
        ),
    });
  }

  /**
   * Batches events into StreamEvents calls. Retried when retryEvents is on (the default): events
   * have no id the server could deduplicate by, so a batch resent after the server kept it but
   * before its answer arrived counts twice in count and sum session features (docs/events.md).
   */
  eventWriter(settings?: WriterSettings): EventWriter {
    const w = resolveWriter('writerOptions', settings, this.options.writer);
    return new BatchWriter<Event, EventSummary>('event writer', w, {
      zero: EVENT_ZERO,
      add: addEvents,
      send: async (batch, first, onRetry) => {
        const s = await withRetries({ method: 'StreamEvents', policy: w.retry, enabled: this.options.retryEvents, signal: this.closed.signal, onRetry }, () =>
          sendBatch<Event, EventSummary>((cb) => this.stub.streamEvents(this.metadata(null), this.deadline(w.deadlineMs), cb), batch),
        );
        // The server numbers problems within its stream; the caller knows positions in the writer.
        return { ...s, problems: s.problems.map((p) => ({ ...p, index: p.index + first })) };
      },
    });
  }

  /**
   * Closes the channel and ends any wait for a retry. Close writers first: their unsent items fail
   * with CANCELLED once the client is closed.
   */
  close(): void {
    this.closed.abort();
    this.stub.close();
  }

  private metadata(requestId: string | null): grpc.Metadata {
    // A fresh copy per call: grpc-js may add to the metadata object it is given.
    const md = this.auth.clone();
    if (requestId !== null) md.set('x-request-id', requestId);
    return md;
  }

  private deadline(ms: number): grpc.CallOptions {
    return { deadline: Date.now() + ms };
  }

  private unary<Req, Res>(
    method: string,
    fn: Unary<Req, Res>,
    request: Req,
    options: CallOptions | undefined,
    retryByDefault: boolean,
    onRetry?: () => void,
  ): Promise<Res> {
    const call = resolveCallOptions(options, this.options);
    return withRetries({ method, policy: this.options.retry, enabled: call.retry ?? retryByDefault, signal: this.closed.signal, onRetry }, () =>
      new Promise<Res>((resolve, reject) => {
        fn(request, this.metadata(call.requestId), this.deadline(call.deadlineMs), (err, res) => {
          if (err !== null) reject(err);
          else resolve(res as Res);
        });
      }),
    );
  }
}
