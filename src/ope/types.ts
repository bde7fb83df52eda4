/**
 * Logged traffic as the off-policy estimators see it: one event per shown (decision, slot), with the
 * action as an index into `actions`, the observed reward and the logging policy's propensity for that
 * action in that slot.
 */
export interface LoggedEvent {
  /** Policy state is kept per segment (Nudge's segment key; '' for OBD). */
  readonly segment: string;
  readonly action: number;
  readonly reward: number;
  /** pi_b(action | context) for this slot, > 0. */
  readonly propensity: number;
  /** 1-based slot. */
  readonly position: number;
  /** ms since epoch (0 when unknown). */
  readonly ts: number;
  /** Customer of the decision when the log has one (OBD: the row index column). */
  readonly customerId?: string;
  /** Session feature values of the decision (Nudge logs of campaigns with session_features). */
  readonly session?: Readonly<Record<string, number | string | null>>;
}

export interface LoggedData {
  readonly format: 'obd' | 'nudge';
  /** Action ids (OBD item_id, Nudge offerId) by index. */
  readonly actions: readonly string[];
  /** In log order. */
  readonly events: readonly LoggedEvent[];
  /** Rows left out, by reason (e.g. "propensity <= 0", "control group"). */
  readonly skipped: Readonly<Record<string, number>>;
}

/** One estimator's result. */
export interface Estimate {
  readonly estimator: 'replay' | 'ipw' | 'snipw' | 'dm' | 'dr';
  /** Estimated expected reward per decision of the evaluated policy. */
  readonly value: number;
  /** Bootstrap percentile interval at `level`. */
  readonly ci: readonly [number, number];
  /** Bootstrap standard deviation of the estimate. */
  readonly se: number;
  /** Events the estimate rests on (replay: matched events). */
  readonly n: number;
  /** Replay: matched reward sum; IPW family: effective sample size (sum w)^2 / sum w^2. */
  readonly detail: Readonly<Record<string, number>>;
}
