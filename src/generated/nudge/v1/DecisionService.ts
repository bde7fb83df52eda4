// Original file: proto/nudge/v1/nudge.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DecideBatchRequest as _nudge_v1_DecideBatchRequest, DecideBatchRequest__Output as _nudge_v1_DecideBatchRequest__Output } from '../../nudge/v1/DecideBatchRequest';
import type { DecideBatchResponse as _nudge_v1_DecideBatchResponse, DecideBatchResponse__Output as _nudge_v1_DecideBatchResponse__Output } from '../../nudge/v1/DecideBatchResponse';
import type { DecideRequest as _nudge_v1_DecideRequest, DecideRequest__Output as _nudge_v1_DecideRequest__Output } from '../../nudge/v1/DecideRequest';
import type { DecideResponse as _nudge_v1_DecideResponse, DecideResponse__Output as _nudge_v1_DecideResponse__Output } from '../../nudge/v1/DecideResponse';
import type { Event as _nudge_v1_Event, Event__Output as _nudge_v1_Event__Output } from '../../nudge/v1/Event';
import type { EventAck as _nudge_v1_EventAck, EventAck__Output as _nudge_v1_EventAck__Output } from '../../nudge/v1/EventAck';
import type { EventSummary as _nudge_v1_EventSummary, EventSummary__Output as _nudge_v1_EventSummary__Output } from '../../nudge/v1/EventSummary';
import type { Outcome as _nudge_v1_Outcome, Outcome__Output as _nudge_v1_Outcome__Output } from '../../nudge/v1/Outcome';
import type { OutcomeAck as _nudge_v1_OutcomeAck, OutcomeAck__Output as _nudge_v1_OutcomeAck__Output } from '../../nudge/v1/OutcomeAck';
import type { OutcomeSummary as _nudge_v1_OutcomeSummary, OutcomeSummary__Output as _nudge_v1_OutcomeSummary__Output } from '../../nudge/v1/OutcomeSummary';

export interface DecisionServiceClient extends grpc.Client {
  /**
   * Which offers should this customer see now, best first.
   */
  Decide(argument: _nudge_v1_DecideRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  Decide(argument: _nudge_v1_DecideRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  Decide(argument: _nudge_v1_DecideRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  Decide(argument: _nudge_v1_DecideRequest, callback: grpc.requestCallback<_nudge_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Which offers should this customer see now, best first.
   */
  decide(argument: _nudge_v1_DecideRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  decide(argument: _nudge_v1_DecideRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  decide(argument: _nudge_v1_DecideRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  decide(argument: _nudge_v1_DecideRequest, callback: grpc.requestCallback<_nudge_v1_DecideResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Many customers of one campaign; decisions come back in the order of customer_ids.
   */
  DecideBatch(argument: _nudge_v1_DecideBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DecideBatchResponse__Output>): grpc.ClientUnaryCall;
  DecideBatch(argument: _nudge_v1_DecideBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_DecideBatchResponse__Output>): grpc.ClientUnaryCall;
  DecideBatch(argument: _nudge_v1_DecideBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DecideBatchResponse__Output>): grpc.ClientUnaryCall;
  DecideBatch(argument: _nudge_v1_DecideBatchRequest, callback: grpc.requestCallback<_nudge_v1_DecideBatchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Many customers of one campaign; decisions come back in the order of customer_ids.
   */
  decideBatch(argument: _nudge_v1_DecideBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DecideBatchResponse__Output>): grpc.ClientUnaryCall;
  decideBatch(argument: _nudge_v1_DecideBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_DecideBatchResponse__Output>): grpc.ClientUnaryCall;
  decideBatch(argument: _nudge_v1_DecideBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_DecideBatchResponse__Output>): grpc.ClientUnaryCall;
  decideBatch(argument: _nudge_v1_DecideBatchRequest, callback: grpc.requestCallback<_nudge_v1_DecideBatchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * One outcome; acknowledged only after it is durable.
   */
  ReportOutcome(argument: _nudge_v1_Outcome, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_OutcomeAck__Output>): grpc.ClientUnaryCall;
  ReportOutcome(argument: _nudge_v1_Outcome, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_OutcomeAck__Output>): grpc.ClientUnaryCall;
  ReportOutcome(argument: _nudge_v1_Outcome, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_OutcomeAck__Output>): grpc.ClientUnaryCall;
  ReportOutcome(argument: _nudge_v1_Outcome, callback: grpc.requestCallback<_nudge_v1_OutcomeAck__Output>): grpc.ClientUnaryCall;
  /**
   * One outcome; acknowledged only after it is durable.
   */
  reportOutcome(argument: _nudge_v1_Outcome, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_OutcomeAck__Output>): grpc.ClientUnaryCall;
  reportOutcome(argument: _nudge_v1_Outcome, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_OutcomeAck__Output>): grpc.ClientUnaryCall;
  reportOutcome(argument: _nudge_v1_Outcome, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_OutcomeAck__Output>): grpc.ClientUnaryCall;
  reportOutcome(argument: _nudge_v1_Outcome, callback: grpc.requestCallback<_nudge_v1_OutcomeAck__Output>): grpc.ClientUnaryCall;
  
  /**
   * Events in bulk; a bad event is counted INVALID with its reason and the stream goes on.
   */
  StreamEvents(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_EventSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Event>;
  StreamEvents(metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_EventSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Event>;
  StreamEvents(options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_EventSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Event>;
  StreamEvents(callback: grpc.requestCallback<_nudge_v1_EventSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Event>;
  /**
   * Events in bulk; a bad event is counted INVALID with its reason and the stream goes on.
   */
  streamEvents(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_EventSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Event>;
  streamEvents(metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_EventSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Event>;
  streamEvents(options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_EventSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Event>;
  streamEvents(callback: grpc.requestCallback<_nudge_v1_EventSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Event>;
  
  /**
   * Outcomes from batch jobs; the summary counts each status.
   */
  StreamOutcomes(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_OutcomeSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Outcome>;
  StreamOutcomes(metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_OutcomeSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Outcome>;
  StreamOutcomes(options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_OutcomeSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Outcome>;
  StreamOutcomes(callback: grpc.requestCallback<_nudge_v1_OutcomeSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Outcome>;
  /**
   * Outcomes from batch jobs; the summary counts each status.
   */
  streamOutcomes(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_OutcomeSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Outcome>;
  streamOutcomes(metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_OutcomeSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Outcome>;
  streamOutcomes(options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_OutcomeSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Outcome>;
  streamOutcomes(callback: grpc.requestCallback<_nudge_v1_OutcomeSummary__Output>): grpc.ClientWritableStream<_nudge_v1_Outcome>;
  
  /**
   * One in-session event (docs/events.md); acknowledged once kept, so the next Decide sees it.
   */
  TrackEvent(argument: _nudge_v1_Event, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_EventAck__Output>): grpc.ClientUnaryCall;
  TrackEvent(argument: _nudge_v1_Event, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_EventAck__Output>): grpc.ClientUnaryCall;
  TrackEvent(argument: _nudge_v1_Event, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_EventAck__Output>): grpc.ClientUnaryCall;
  TrackEvent(argument: _nudge_v1_Event, callback: grpc.requestCallback<_nudge_v1_EventAck__Output>): grpc.ClientUnaryCall;
  /**
   * One in-session event (docs/events.md); acknowledged once kept, so the next Decide sees it.
   */
  trackEvent(argument: _nudge_v1_Event, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_EventAck__Output>): grpc.ClientUnaryCall;
  trackEvent(argument: _nudge_v1_Event, metadata: grpc.Metadata, callback: grpc.requestCallback<_nudge_v1_EventAck__Output>): grpc.ClientUnaryCall;
  trackEvent(argument: _nudge_v1_Event, options: grpc.CallOptions, callback: grpc.requestCallback<_nudge_v1_EventAck__Output>): grpc.ClientUnaryCall;
  trackEvent(argument: _nudge_v1_Event, callback: grpc.requestCallback<_nudge_v1_EventAck__Output>): grpc.ClientUnaryCall;
  
}

export interface DecisionServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Which offers should this customer see now, best first.
   */
  Decide: grpc.handleUnaryCall<_nudge_v1_DecideRequest__Output, _nudge_v1_DecideResponse>;
  
  /**
   * Many customers of one campaign; decisions come back in the order of customer_ids.
   */
  DecideBatch: grpc.handleUnaryCall<_nudge_v1_DecideBatchRequest__Output, _nudge_v1_DecideBatchResponse>;
  
  /**
   * One outcome; acknowledged only after it is durable.
   */
  ReportOutcome: grpc.handleUnaryCall<_nudge_v1_Outcome__Output, _nudge_v1_OutcomeAck>;
  
  /**
   * Events in bulk; a bad event is counted INVALID with its reason and the stream goes on.
   */
  StreamEvents: grpc.handleClientStreamingCall<_nudge_v1_Event__Output, _nudge_v1_EventSummary>;
  
  /**
   * Outcomes from batch jobs; the summary counts each status.
   */
  StreamOutcomes: grpc.handleClientStreamingCall<_nudge_v1_Outcome__Output, _nudge_v1_OutcomeSummary>;
  
  /**
   * One in-session event (docs/events.md); acknowledged once kept, so the next Decide sees it.
   */
  TrackEvent: grpc.handleUnaryCall<_nudge_v1_Event__Output, _nudge_v1_EventAck>;
  
}

export interface DecisionServiceDefinition extends grpc.ServiceDefinition {
  Decide: MethodDefinition<_nudge_v1_DecideRequest, _nudge_v1_DecideResponse, _nudge_v1_DecideRequest__Output, _nudge_v1_DecideResponse__Output>
  DecideBatch: MethodDefinition<_nudge_v1_DecideBatchRequest, _nudge_v1_DecideBatchResponse, _nudge_v1_DecideBatchRequest__Output, _nudge_v1_DecideBatchResponse__Output>
  ReportOutcome: MethodDefinition<_nudge_v1_Outcome, _nudge_v1_OutcomeAck, _nudge_v1_Outcome__Output, _nudge_v1_OutcomeAck__Output>
  StreamEvents: MethodDefinition<_nudge_v1_Event, _nudge_v1_EventSummary, _nudge_v1_Event__Output, _nudge_v1_EventSummary__Output>
  StreamOutcomes: MethodDefinition<_nudge_v1_Outcome, _nudge_v1_OutcomeSummary, _nudge_v1_Outcome__Output, _nudge_v1_OutcomeSummary__Output>
  TrackEvent: MethodDefinition<_nudge_v1_Event, _nudge_v1_EventAck, _nudge_v1_Event__Output, _nudge_v1_EventAck__Output>
}
