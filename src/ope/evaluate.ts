import { getKernel } from '../kernel';
import type { Kernel } from '../kernel/types';
import { BOOTSTRAP_DEFAULTS, meanWithInterval, offPolicyEstimates, type BootstrapOptions } from './estimators';
import { replay, replayWarnings } from './replay';
import { TargetPolicy } from './target';
import type { Estimate, LoggedData, LoggedEvent } from './types';

/**
 * Off-policy evaluation of one policy spec on logged data, slot by slot. OBP's convention: the reward
 * depends on the item and the position, so each position is evaluated on its own events (default
 * position 1); 'pooled' ignores positions and treats every row as a single-slot decision.
 */
export type PositionChoice = number | 'all' | 'pooled';

export interface EvaluateOptions {
  readonly policy: string;
  readonly position?: PositionChoice;
  /**
   * State of the evaluated policy for IPW/SNIPW/DM/DR: 'none' = fixed at its priors (a static
   * policy, OBP's setting); 'logged' = it learns from every logged event of its segment in order, and
   * its action distribution is refreshed every learnBatch events (the estimate is then that of the
   * sequence of policies it passes through). Replay always learns from its matched events unless
   * replayLearn is false.
   */
  readonly learn?: 'none' | 'logged';
  readonly learnBatch?: number;
  readonly replayLearn?: boolean;
  /** Run replay (default true; it walks the whole log through Policy.rank). */
  readonly replay?: boolean;
  /** Per action id, the evaluated policy's prior Beta(alpha, beta). */
  readonly priors?: ReadonlyMap<string, readonly [number, number]>;
  readonly kernel?: Kernel;
  readonly seed?: number;
  readonly bootstrap?: BootstrapOptions;
}

export const EVALUATE_DEFAULTS = { position: 1, learn: 'none', learnBatch: 100, replayLearn: true, replay: true, seed: 1 } as const;

export interface SlotReport {
  readonly position: number | 'pooled';
  readonly events: number;
  /** The logging policy's own mean reward on these events (on-policy), with a bootstrap interval. */
  readonly logged: { readonly value: number; readonly ci: readonly [number, number]; readonly se: number };
  readonly estimates: Estimate[];
  readonly warnings: string[];
}

export interface EvaluationReport {
  readonly policy: string;
  readonly format: LoggedData['format'];
  readonly actions: number;
  readonly skipped: Readonly<Record<string, number>>;
  readonly kernel: 'native' | 'fallback';
  readonly learn: 'none' | 'logged';
  readonly slots: SlotReport[];
}

function checkOptions(o: EvaluateOptions): void {
  if (typeof o.policy !== 'string' || o.policy === '') throw new TypeError('options.policy must be a non-empty string');
  const p = o.position;
  if (p !== undefined && p !== 'all' && p !== 'pooled' && !(Number.isInteger(p) && p >= 1)) {
    throw new RangeError('options.position must be an integer >= 1, "all" or "pooled"');
  }
  if (o.learn !== undefined && o.learn !== 'none' && o.learn !== 'logged') throw new RangeError('options.learn must be "none" or "logged"');
  if (o.learnBatch !== undefined && !(Number.isInteger(o.learnBatch) && o.learnBatch >= 1)) {
    throw new RangeError('options.learnBatch must be a positive integer');
  }
}

function priorArrays(data: LoggedData, priors: EvaluateOptions['priors']): { a?: Float64Array; b?: Float64Array } {
  if (!priors) return {};
  const a = new Float64Array(data.actions.length).fill(1);
  const b = new Float64Array(data.actions.length).fill(1);
  data.actions.forEach((id, i) => {
    const p = priors.get(id);
    if (p) {
      a[i] = p[0];
      b[i] = p[1];
    }
  });
  return { a, b };
}

/** pi_i(.) for each event under the `learn` rule (rows shared while the state is unchanged). */
function actionDistributions(target: TargetPolicy, events: readonly LoggedEvent[], slot: number, learn: 'none' | 'logged', batch: number): Float64Array[] {
  const out: Float64Array[] = new Array<Float64Array>(events.length);
  const current = new Map<string, Float64Array>();
  let clock = 1;
  events.forEach((e, i) => {
    if (learn === 'logged' && i % batch === 0) {
      current.clear();
      // Far beyond any propensity refresh interval, so cached Monte-Carlo matrices are recomputed.
      clock += 1e9;
      target.setNow(clock);
    }
    let pi = current.get(e.segment);
    if (!pi) {
      pi = target.distribution(e.segment, slot);
      current.set(e.segment, pi);
    }
    out[i] = pi;
    if (learn === 'logged') target.update(e.segment, e.action, e.reward, clock);
  });
  return out;
}

function evaluateSlot(data: LoggedData, events: readonly LoggedEvent[], position: number | 'pooled', o: EvaluateOptions, kernel: Kernel): SlotReport {
  const k = data.actions.length;
  const slot = position === 'pooled' ? 1 : position;
  const seed = o.seed ?? EVALUATE_DEFAULTS.seed;
  const boot = { ...BOOTSTRAP_DEFAULTS, seed, ...o.bootstrap };
  const { a: pa, b: pb } = priorArrays(data, o.priors);
  const mkTarget = (): TargetPolicy => new TargetPolicy({ spec: o.policy, k, kernel, priorAlpha: pa, priorBeta: pb });

  const rewards = Float64Array.from(events, (e) => e.reward);
  const actions = Int32Array.from(events, (e) => e.action);
  const propensities = Float64Array.from(events, (e) => e.propensity);
  const logged = meanWithInterval(rewards, boot);

  const warnings: string[] = [];
  const estimates: Estimate[] = [];
  if (o.replay ?? EVALUATE_DEFAULTS.replay) {
    warnings.push(...replayWarnings(events, k));
    estimates.push(replayEstimate(mkTarget(), events, slot, kernel, seed, o, boot));
    if (estimates[0].n < 30) warnings.push(`replay kept only ${estimates[0].n} events: its interval is not trustworthy`);
  }

  kernel.seed(seed + 1);
  const learn = o.learn ?? EVALUATE_DEFAULTS.learn;
  const pi = actionDistributions(mkTarget(), events, slot, learn, o.learnBatch ?? EVALUATE_DEFAULTS.learnBatch);
  if (events.length > 0) estimates.push(...offPolicyEstimates({ actions, rewards, propensities, pi, k }, boot));
  return { position, events: events.length, logged, estimates, warnings };
}

function replayEstimate(target: TargetPolicy, events: readonly LoggedEvent[], slot: number, kernel: Kernel, seed: number, o: EvaluateOptions, boot: BootstrapOptions): Estimate {
  const rep = replay(target, events, slot, kernel, seed, o.replayLearn ?? EVALUATE_DEFAULTS.replayLearn);
  const repMean = meanWithInterval(rep.matched, boot);
  let repSum = 0;
  for (const r of rep.matched) repSum += r;
  return {
    estimator: 'replay',
    value: repMean.value,
    ci: repMean.ci,
    se: repMean.se,
    n: rep.matched.length,
    detail: { matched: rep.matched.length, rewardSum: repSum, events: rep.events },
  };
}

export function evaluate(data: LoggedData, options: EvaluateOptions): EvaluationReport {
  checkOptions(options);
  const kernel = options.kernel ?? getKernel();
  const position = options.position ?? EVALUATE_DEFAULTS.position;
  const slots: SlotReport[] = [];
  if (position === 'pooled') {
    slots.push(evaluateSlot(data, data.events, 'pooled', options, kernel));
  } else {
    const positions = position === 'all' ? [...new Set(data.events.map((e) => e.position))].sort((x, y) => x - y) : [position];
    for (const p of positions) slots.push(evaluateSlot(data, data.events.filter((e) => e.position === p), p, options, kernel));
  }
  return {
    policy: options.policy,
    format: data.format,
    actions: data.actions.length,
    skipped: data.skipped,
    kernel: kernel.impl,
    learn: options.learn ?? EVALUATE_DEFAULTS.learn,
    slots,
  };
}
