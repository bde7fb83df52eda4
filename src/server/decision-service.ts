import type * as grpc from '@grpc/grpc-js';
import { newDecisionId } from '../decisions/id';
import type { EngineOffer, EngineRequest, EngineResult } from '../engine/types';
import { toServiceError } from '../errors';
import { withFatigue } from '../fatigue/request';
import type { DecideBatchRequest__Output } from '../generated/nudge/v1/DecideBatchRequest';
import type { DecideBatchResponse } from '../generated/nudge/v1/DecideBatchResponse';
import type { DecideRequest__Output } from '../generated/nudge/v1/DecideRequest';
import type { DecideResponse } from '../generated/nudge/v1/DecideResponse';
import type { ScoredOffer } from '../generated/nudge/v1/ScoredOffer';
import type { LearningStore } from '../store/types';
import type { Admission } from './admission';
import type { DriftMonitor } from './drift';
import type { DecideExecutor } from './executor';
import { decideBatchRequest, decideRequest } from './validate';

export interface DecisionDeps {
  readonly executor: DecideExecutor;
  readonly store: LearningStore;
  readonly admission: Admission;
  /** Samples answered decisions' features for drift (null: no drift monitoring). */
  readonly drift?: DriftMonitor | null;
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
    offers: r.offers,
    ...(r.features !== undefined ? { features: r.features } : {}),
  });
  return {
    decisionId: id,
    offers: req.explain === true ? r.offers.map((o) => explained(o, r)) : (r.offers as DecideResponse['offers']),
    policy: r.policy,
    control: r.control,
    route: r.route,
    segment: r.segment,
    configVersion: r.configVersion,
    modelVersion: r.modelVersion ?? '',
  };
}

/** The engine's explanation when it made one (explain: true), else what the result itself says. */
function explained(o: EngineOffer, r: EngineResult): ScoredOffer {
  return {
    ...o,
    explanation: o.explanation ?? { route: r.route, policy: r.policy, draw: o.score, posteriorMean: o.probability, eligibility: 'eligible', fatigue: 'ok' },
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
    res = logAndRespond(deps.store, req, decided(), deps.drift ?? null);
  } catch (err) {
    deps.admission.release();
    callback(toServiceError(err));
    return;
  }
  deps.admission.release();
  callback(null, res);
}

export function decisionHandlers(deps: DecisionDeps) {
  const { executor, store, admission } = deps;
  return {
    Decide(call: grpc.ServerUnaryCall<DecideRequest__Output, DecideResponse>, callback: grpc.sendUnaryData<DecideResponse>): void {
      let req: EngineRequest;
      try {
        req = withFatigue(store, decideRequest(call.request));
        admission.take(call.getDeadline());
      } catch (err) {
        callback(toServiceError(err));
        return;
      }
      // Inline: computed in this turn, no promise per request. Pool: when the worker answers.
      if (executor.decideNow !== undefined) finish(deps, req, callback, () => executor.decideNow!(req));
      else {
        executor.decide(req).then(
          (r) => finish(deps, req, callback, () => r),
          (err: unknown) =>
            finish(deps, req, callback, () => {
              throw err;
            }),
        );
      }
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
      // Every decision is computed before any is logged: a failing customer fails the whole call and
      // leaves no half-logged batch behind.
      // allSettled: the places are released only when every customer's work is over.
      void Promise.allSettled(reqs.map((r) => executor.decide(r))).then((settled) => {
        admission.release(reqs.length);
        try {
          const results = settled.map((s) => {
            if (s.status === 'rejected') throw s.reason;
            return s.value;
          });
          callback(null, { decisions: results.map((r, i) => logAndRespond(store, reqs[i]!, r, deps.drift ?? null)) });
        } catch (err) {
          callback(toServiceError(err));
        }
      });
    },
  };
}
