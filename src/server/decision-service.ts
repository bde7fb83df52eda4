import { status, type StatusObject } from '@grpc/grpc-js';
import type * as grpc from '@grpc/grpc-js';
import { newDecisionId } from '../decisions/id';
import type { EngineOffer, EngineRequest, EngineResult } from '../engine/types';
import { NudgeError, toServiceError } from '../errors';
import { withFatigue } from '../fatigue/request';
import type { DecideBatchRequest__Output } from '../generated/nudge/v1/DecideBatchRequest';
import type { DecideBatchResponse } from '../generated/nudge/v1/DecideBatchResponse';
import type { DecideRequest__Output } from '../generated/nudge/v1/DecideRequest';
import type { DecideError } from '../generated/nudge/v1/DecideError';
import type { DecideResponse } from '../generated/nudge/v1/DecideResponse';
import type { ScoredOffer } from '../generated/nudge/v1/ScoredOffer';
import type { LearningStore } from '../store/types';
import { checkDeadline, type Admission } from './admission';
import { withSession, type SessionInput } from './session-input';
import type { DriftMonitor } from './drift';
import type { DecideExecutor } from './executor';
import { TurnQueue } from './turn-queue';
import { decideBatchRequest, decideRequest } from './validate';

export interface DecisionDeps {
  readonly executor: DecideExecutor;
  readonly store: LearningStore;
  readonly admission: Admission;
  /** Samples answered decisions' features for drift (null: no drift monitoring). */
  readonly drift?: DriftMonitor | null;
  /** Session features (null: no session store, campaigns see none). */
  readonly sessions?: SessionInput | null;
  /** Told of every decision that showed nothing (metrics). */
  readonly onNoAction?: ((campaign: string, reason: string) => void) | null;
  /**
   * Inline executor: most Decide calls of one event-loop turn decided together at its end
   * (turn-queue.ts). 1, the default, decides each call at once.
   */
  readonly maxBatch?: number;
}

/**
 * Decide on the main thread: validate, admit, hand the decision to the executor, then give it an id,
 * log it (impressions, and what outcomes join to) and reply. The log write is queued, not awaited:
 * it is durable within the store's next batch.
 */
export function logAndRespond(store: LearningStore, req: EngineRequest, r: EngineResult, drift: DriftMonitor | null = null): DecideResponse {
  const id = newDecisionId();
  drift?.observe(r.campaign, req.customerId, req.context);
  store.logDecision({
    id,
    ts: Date.now(),
    campaign: r.campaign,
    customerId: req.customerId,
    channel: req.channel,
    segment: r.segment,
    route: r.route,
    policy: r.policy,
    configVersion: r.configVersion,
    modelVersion: r.modelVersion ?? '',
    control: r.control,
    // The engine's offers as they are: the store encodes the record at once and keeps none of it.
    // A winning no-action arm is logged as the one offer, so that its outcome joins.
    offers: r.noActionArm !== undefined ? [r.noActionArm] : r.offers,
    ...(r.features !== undefined ? { features: r.features } : {}),
    ...(r.noAction !== undefined ? { noAction: r.noAction } : {}),
    ...(r.session !== undefined ? { session: r.session } : {}),
  });
  const res: DecideResponse = {
    decisionId: id,
    offers: req.explain === true ? r.offers.map((o) => explained(o, r)) : (r.offers as DecideResponse['offers']),
    policy: r.policy,
    control: r.control,
    route: r.route,
    segment: r.segment,
    configVersion: r.configVersion,
    modelVersion: r.modelVersion ?? '',
    noAction: r.noAction !== undefined,
    noActionReason: r.noAction ?? '',
  };
  if (req.explain === true && r.session !== undefined) res.session = sessionText(r.session);
  return res;
}

function sessionText(v: Readonly<Record<string, number | string | null>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in v) out[k] = v[k] === null ? '' : String(v[k]);
  return out;
}

/** A DecideBatch customer's own failure, with the code and status Decide would have answered. */
export function decideError(err: unknown): DecideError {
  if (err instanceof NudgeError) return { code: err.code, grpcCode: err.grpcStatus, message: err.message };
  const e = toServiceError(err);
  return { code: 'NUDGE_INTERNAL', grpcCode: e.code, message: e.details };
}

/** The engine's explanation when it made one (explain: true), else what the result itself says. */
function explained(o: EngineOffer, r: EngineResult): ScoredOffer {
  return {
    ...o,
    explanation: o.explanation ?? {
      route: r.route,
      policy: r.policy,
      draw: o.score,
      posteriorMean: o.probability,
      eligibility: 'eligible',
      fatigue: 'ok',
      value: 1,
      levers: [],
      expectedValue: o.probability,
    },
  };
}

/** Takes the decision, logs it and answers (or answers its error), then gives back the admission place. */
function finish(
  deps: DecisionDeps,
  req: EngineRequest,
  callback: grpc.sendUnaryData<DecideResponse>,
  decided: () => EngineResult,
): void {
  let res: DecideResponse;
  try {
    const r = decided();
    res = logAndRespond(deps.store, req, r, deps.drift ?? null);
    if (r.noAction !== undefined) deps.onNoAction?.(r.campaign, r.noAction);
  } catch (err) {
    deps.admission.release();
    callback(toServiceError(err));
    return;
  }
  deps.admission.release();
  callback(null, res);
}

/** An admitted Decide waiting for the end of its turn (inline executor). */
interface Waiting {
  readonly call: { readonly cancelled?: boolean };
  readonly deadline: grpc.Deadline;
  readonly req: EngineRequest;
  readonly callback: grpc.sendUnaryData<DecideResponse>;
}

const CANCELLED: Partial<StatusObject> = Object.freeze({
  code: status.CANCELLED,
  details: 'the client cancelled the call before it was decided; nothing was decided or logged',
});

/**
 * The decisions of one turn, one after the other. Work whose caller is gone is skipped: a cancelled
 * call (its answer would be dropped, and its logged impression would never have been shown), and a
 * call whose deadline passed while it waited (NUDGE_DEADLINE_EXCEEDED, as at admission).
 */
function decideWaiting(deps: DecisionDeps, items: readonly Waiting[]): void {
  for (const w of items) {
    if (w.call.cancelled === true) {
      deps.admission.release();
      w.callback(CANCELLED);
      continue;
    }
    finish(deps, w.req, w.callback, () => {
      checkDeadline(w.deadline, 0);
      return deps.executor.decideNow!(w.req);
    });
  }
}

/** Runs the decision of an admitted request (inline: at the end of this turn; pool: when the worker answers). */
function run(deps: DecisionDeps, req: EngineRequest, callback: grpc.sendUnaryData<DecideResponse>, waiting: TurnQueue<Waiting> | null, call: Waiting['call'], deadline: grpc.Deadline): void {
  const { executor } = deps;
  if (waiting !== null) waiting.push({ call, deadline, req, callback });
  else if (executor.decideNow !== undefined) finish(deps, req, callback, () => executor.decideNow!(req));
  else {
    executor.decide(req).then(
      (r) => finish(deps, req, callback, () => r),
      (err: unknown) =>
        finish(deps, req, callback, () => {
          throw err;
        }),
    );
  }
}

export function decisionHandlers(deps: DecisionDeps) {
  const { executor, store, admission } = deps;
  const sessions = deps.sessions ?? null;
  const maxBatch = deps.maxBatch ?? 1;
  if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError('deps.maxBatch must be a positive integer');
  const waiting = executor.decideNow !== undefined && maxBatch > 1 ? new TurnQueue<Waiting>((items) => decideWaiting(deps, items), maxBatch) : null;
  return {
    Decide(call: grpc.ServerUnaryCall<DecideRequest__Output, DecideResponse>, callback: grpc.sendUnaryData<DecideResponse>): void {
      let req: EngineRequest;
      let deadline: grpc.Deadline;
      try {
        req = withFatigue(store, decideRequest(call.request));
        deadline = call.getDeadline();
        admission.take(deadline);
      } catch (err) {
        callback(toServiceError(err));
        return;
      }
      // Session features: at once from memory; one round trip with the Redis session store.
      const withS = sessions === null ? req : withSession(sessions, req);
      if (!(withS instanceof Promise)) {
        run(deps, withS, callback, waiting, call, deadline);
        return;
      }
      withS.then(
        (r) => run(deps, r, callback, waiting, call, deadline),
        (err: unknown) => {
          admission.release();
          callback(toServiceError(err));
        },
      );
    },

    DecideBatch(
      call: grpc.ServerUnaryCall<DecideBatchRequest__Output, DecideBatchResponse>,
      callback: grpc.sendUnaryData<DecideBatchResponse>,
    ): void {
      let reqs: EngineRequest[];
      try {
        reqs = decideBatchRequest(call.request).map((r) => withFatigue(store, r));
        admission.take(call.getDeadline(), reqs.length);
      } catch (err) {
        callback(toServiceError(err));
        return;
      }
      // Every customer gets an answer: a decision (possibly no_action) or its own error, in the
      // order of customer_ids. allSettled: the places are released only when all the work is over.
      const decideOne = (r: EngineRequest): Promise<EngineResult> => {
        if (sessions === null) return executor.decide(r);
        const s = withSession(sessions, r);
        return s instanceof Promise ? s.then((x) => executor.decide(x)) : executor.decide(s);
      };
      void Promise.allSettled(reqs.map(decideOne)).then((settled) => {
        admission.release(reqs.length);
        try {
          const decisions = settled.map((s, i): DecideResponse => {
            if (s.status === 'rejected') return { error: decideError(s.reason) };
            try {
              if (s.value.noAction !== undefined) deps.onNoAction?.(s.value.campaign, s.value.noAction);
              return logAndRespond(store, reqs[i]!, s.value, deps.drift ?? null);
            } catch (err) {
              return { error: decideError(err) };
            }
          });
          callback(null, { decisions });
        } catch (err) {
          callback(toServiceError(err));
        }
      });
    },
  };
}
