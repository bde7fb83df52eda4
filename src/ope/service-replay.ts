import * as grpc from '@grpc/grpc-js';
import { loadNudgeProto } from '../proto';
import type { DecisionServiceClient } from '../generated/nudge/v1/DecisionService';
import type { DecideRequest } from '../generated/nudge/v1/DecideRequest';
import type { DecideResponse__Output } from '../generated/nudge/v1/DecideResponse';
import type { Outcome } from '../generated/nudge/v1/Outcome';
import type { OutcomeAck__Output } from '../generated/nudge/v1/OutcomeAck';
import type { LoggedData } from './types';

/**
 * Replay (Li et al. 2011) through a running Nudge server: for each logged event, in order, Decide
 * for the event's customer; when the top offer is the logged action, ReportOutcome with the logged
 * reward, so the service's own posterior learns from the matched events only. The campaign must
 * have one offer per action (offer id = `offerPrefix` + action id), control_share 0, and a reward
 * wait longer than the run: an unmatched decision must never receive the default reward, or the
 * service would learn from outcomes the log never showed.
 */
export interface ServiceReplayOptions {
  readonly address: string;
  readonly campaign: string;
  readonly offerPrefix?: string;
  readonly deadlineMs?: number;
  /** Called every 500 events with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ServiceReplayResult {
  readonly matched: Float64Array;
  readonly events: number;
  /** Outcome acks by status (APPLIED expected for all). */
  readonly acks: Record<string, number>;
}

function settle<T>(resolve: (v: T) => void, reject: (e: Error) => void): grpc.requestCallback<T> {
  return (err, res) => (err || res === undefined ? reject(err ?? new Error('empty response')) : resolve(res));
}

function decide(client: DecisionServiceClient, req: DecideRequest, deadlineMs: number): Promise<DecideResponse__Output> {
  return new Promise((resolve, reject) => client.decide(req, { deadline: new Date(Date.now() + deadlineMs) }, settle(resolve, reject)));
}

function report(client: DecisionServiceClient, req: Outcome, deadlineMs: number): Promise<OutcomeAck__Output> {
  return new Promise((resolve, reject) => client.reportOutcome(req, { deadline: new Date(Date.now() + deadlineMs) }, settle(resolve, reject)));
}

export async function replayThroughService(data: LoggedData, slot: number, o: ServiceReplayOptions): Promise<ServiceReplayResult> {
  const proto = loadNudgeProto();
  const client = new proto.nudge.v1.DecisionService(o.address, grpc.credentials.createInsecure()) as unknown as DecisionServiceClient;
  const prefix = o.offerPrefix ?? 'item-';
  const deadline = o.deadlineMs ?? 5000;
  const events = data.events.filter((e) => e.position === slot || slot === 0);
  const matched: number[] = [];
  const acks: Record<string, number> = {};
  try {
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const decision = await decide(client, { campaign: o.campaign, customerId: e.customerId ?? `row-${i}`, channel: 'replay', numOffers: 1 }, deadline);
      const top = decision.offers[0]?.offerId;
      if (top === `${prefix}${data.actions[e.action]}`) {
        matched.push(e.reward);
        const ack = await report(client, { decisionId: decision.decisionId, offerId: top, reward: e.reward }, deadline);
        acks[ack.status] = (acks[ack.status] ?? 0) + 1;
      }
      if (o.onProgress && (i + 1) % 500 === 0) o.onProgress(i + 1, events.length);
    }
  } finally {
    client.close();
  }
  return { matched: Float64Array.from(matched), events: events.length, acks };
}
