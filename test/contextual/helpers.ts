import type { DecideRequest } from '../../src/generated/nudge/v1/DecideRequest';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { OutcomeAck__Output } from '../../src/generated/nudge/v1/OutcomeAck';
import { call, callError, type TestServer } from '../server/helpers';

export function decide(ts: TestServer, req: DecideRequest): Promise<DecideResponse__Output> {
  return call(ts.decisions.Decide.bind(ts.decisions), req) as Promise<DecideResponse__Output>;
}

export function decideError(ts: TestServer, req: DecideRequest) {
  return callError(ts.decisions.Decide.bind(ts.decisions), req);
}

export function report(ts: TestServer, decisionId: string, offerId: string, reward: number): Promise<OutcomeAck__Output> {
  return call(ts.decisions.ReportOutcome.bind(ts.decisions), { decisionId, offerId, reward }) as Promise<OutcomeAck__Output>;
}

export const offer = (id: string, attributes: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ({ id, attributes, ...extra });
