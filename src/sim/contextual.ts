import { createLogisticThompsonBandit } from '../contextual/bandit';
import { inferFeatureSpecs } from '../contextual/infer';
import { VectorBuilder } from '../contextual/vector';
import { CONTEXTUAL_POLICIES } from '../policies/names';
import { readContextualParams } from '../policies/logistic-thompson';
import type { PolicyParams } from '../policies/types';
import { OutcomeBuffer } from './outcomes';
import { StepProgress } from './progress';
import { Rng } from './rng';
import { freshArms, SimContext, type RunInput, type RunResult } from './run';
import type { Scenario } from './scenario';

/**
 * Contextual scenarios (`contexts` in the scenario file): each step a customer's context is drawn by
 * weight, the policy picks an arm, the reward is Bernoulli(rates[context][arm]) and the regret is the
 * best rate in that context minus the chosen arm's. Contexts and reward uniforms come from the
 * world's seeded streams (scenario seed, run), never from the policy, so every policy of a run meets
 * the same customers in the same order with the same luck (common random numbers).
 *
 * Contextual policies (CONTEXTUAL_POLICIES: logistic-thompson) see the feature vector of the context
 * (all its features: numbers as they are, strings one-hot, bias first); context-free ones ignore it
 * and run on the same Beta table, samplers and feedback buffer as in plain scenarios.
 */

/** A scenario's contexts compiled once: cumulative weights, true rates, best rate and vector per context. */
export interface CompiledContexts {
  readonly count: number;
  /** Cumulative normalised weights; the last is exactly 1. */
  readonly cumulative: Float64Array;
  /** rates[c * k + a]: true rate of arm a in context c. */
  readonly rates: Float64Array;
  /** Largest rate per context. */
  readonly best: Float64Array;
  /** Feature vector of each context (VectorBuilder layout, bias at column 0). */
  readonly vectors: readonly Float64Array[];
  readonly dim: number;
}

export function compileContexts(scenario: Scenario): CompiledContexts {
  const contexts = scenario.contexts;
  if (contexts === undefined || contexts.length === 0) throw new RangeError('scenario.contexts must list at least one context');
  const k = scenario.arms.count;
  const n = contexts.length;
  const builder = new VectorBuilder(inferFeatureSpecs(contexts.map((c) => c.features)), null);
  const total = contexts.reduce((s, c) => s + c.weight, 0);
  const cumulative = new Float64Array(n);
  const rates = new Float64Array(n * k);
  const best = new Float64Array(n);
  let acc = 0;
  const vectors = contexts.map((c, i) => {
    acc += c.weight;
    cumulative[i] = i === n - 1 ? 1 : acc / total;
    rates.set(c.rates, i * k);
    best[i] = Math.max(...c.rates);
    return builder.buildFrom(c.features, new Float64Array(builder.dim));
  });
  return { count: n, cumulative, rates, best, vectors, dim: builder.dim };
}

/** Index of the context a uniform u in (0, 1) falls in. */
function contextOf(cumulative: Float64Array, u: number): number {
  let c = 0;
  while (c < cumulative.length - 1 && u >= cumulative[c]) c++;
  return c;
}

/** A run's input (run.ts) plus what a contextual run needs; `policy`/`sampler` serve context-free policies. */
export interface ContextualRunInput extends RunInput {
  readonly contexts: CompiledContexts;
  readonly policyName: string;
  readonly params: PolicyParams;
  /** The policy may not pick arm 0 (always-nudge: in a noActionArm scenario). */
  readonly withholdNoAction?: boolean;
}

/** Counts arm-0 picks per context over the last fifth of the horizon (noActionArm scenarios). */
class NoActionShare {
  private readonly from: number;
  private readonly picks: Float64Array;
  private readonly seen: Float64Array;
  constructor(
    private readonly enabled: boolean,
    horizon: number,
    contexts: number,
  ) {
    this.from = Math.floor(horizon * 0.8);
    this.picks = new Float64Array(contexts);
    this.seen = new Float64Array(contexts);
  }
  record(t: number, c: number, a: number): void {
    if (!this.enabled || t < this.from) return;
    this.seen[c]! += 1;
    if (a === 0) this.picks[c]! += 1;
  }
  result(): { noActionShare?: Float64Array } {
    if (!this.enabled) return {};
    return { noActionShare: this.picks.map((p, c) => (this.seen[c]! > 0 ? p / this.seen[c]! : 0)) };
  }
}

export function isContextualPolicy(name: string): boolean {
  return CONTEXTUAL_POLICIES.includes(name);
}

/** Same stream ids as the plain simulator: 1 the world (here: the contexts), 2 the reward uniforms. */
function streams(scenario: Scenario, run: number): { contextRng: Rng; rewardRng: Rng } {
  return { contextRng: new Rng(scenario.seed, run, 1), rewardRng: new Rng(scenario.seed, run, 2) };
}

/** Steps per chunk of pre-drawn uniforms (bounds the scratch arrays). */
const CHUNK = 4096;

/**
 * Simulates one policy over one run of a contextual scenario. Outcomes are buffered and reach the
 * policy, in order, when the step count is a multiple of feedbackDelay (clock: step + 1).
 */
export function runContextual(input: ContextualRunInput): RunResult {
  return isContextualPolicy(input.policyName) ? runLogistic(input) : runContextFree(input);
}

class Curve {
  readonly values: Float64Array;
  private i = 0;
  constructor(private readonly steps: Float64Array) {
    this.values = new Float64Array(steps.length);
  }
  /** Records `regret` if `step` (steps done) is the next checkpoint. */
  at(step: number, regret: number): void {
    while (this.i < this.steps.length && this.steps[this.i] === step) this.values[this.i++] = regret;
  }
}

function runLogistic(input: ContextualRunInput): RunResult {
  const { scenario, contexts, kernel } = input;
  const k = scenario.arms.count;
  const H = scenario.horizon;
  const delay = scenario.feedbackDelay;
  const { priorPrecision, batchSize, propensityDraws } = readContextualParams(input.params);
  // Always nudging: the bandit knows arms 1..k-1 only (its arm i is the scenario's arm i + 1).
  const offset = input.withholdNoAction === true ? 1 : 0;
  const bandit = createLogisticThompsonBandit({ arms: k - offset, dim: contexts.dim, priorPrecision, batchSize, propensityDraws, kernel });
  const share = new NoActionShare(scenario.noActionArm, H, contexts.count);
  const { contextRng, rewardRng } = streams(scenario, input.run);
  const cap = Math.min(delay, H);
  const bufContext = new Int32Array(cap);
  const bufArm = new Int32Array(cap);
  const bufReward = new Uint8Array(cap);
  let pending = 0;
  const cu = new Float64Array(CHUNK);
  const ru = new Float64Array(CHUNK);
  const curve = new Curve(input.checkpoints);
  let regret = 0;
  let rewards = 0;
  const progress = new StepProgress(input.onSteps, CHUNK);
  for (let t = 0; t < H; ) {
    const len = Math.min(CHUNK, H - t);
    contextRng.fill(cu, len);
    rewardRng.fill(ru, len);
    for (let j = 0; j < len; j++, t++) {
      if (t > 0 && t % delay === 0) {
        for (let i = 0; i < pending; i++) bandit.update(contexts.vectors[bufContext[i]], bufArm[i] - offset, bufReward[i]);
        pending = 0;
      }
      const c = contextOf(contexts.cumulative, cu[j]);
      const a = bandit.choose(contexts.vectors[c]) + offset;
      share.record(t, c, a);
      const r = contexts.rates[c * k + a];
      regret += contexts.best[c] - r;
      const reward = ru[j] < r ? 1 : 0;
      rewards += reward;
      bufContext[pending] = c;
      bufArm[pending] = a;
      bufReward[pending++] = reward;
      curve.at(t + 1, regret);
    }
    progress.at(t);
  }
  progress.end(H);
  return { curve: curve.values, regret, rewards, steps: H, ...share.result() };
}

function runContextFree(input: ContextualRunInput): RunResult {
  const { scenario, contexts, policy, sampler, kernel } = input;
  const k = scenario.arms.count;
  const H = scenario.horizon;
  const delay = scenario.feedbackDelay;
  const { table, view } = freshArms(scenario, input.cacheKey);
  const { contextRng, rewardRng } = streams(scenario, input.run);
  const outcomes = new OutcomeBuffer(Math.min(delay, H), k, input.aggregate === true);
  // The policy's state is frozen between two feedback boundaries: draw the whole window at once.
  const window = Math.min(delay, H, CHUNK);
  const picks = new Int32Array(window);
  const cu = new Float64Array(window);
  const ru = new Float64Array(window);
  const curve = new Curve(input.checkpoints);
  const ctx = new SimContext(kernel);
  const share = new NoActionShare(scenario.noActionArm, H, contexts.count);
  let regret = 0;
  let rewards = 0;
  const progress = new StepProgress(input.onSteps, CHUNK);
  let nextFeedback = delay;
  for (let t = 0; t < H; ) {
    if (t === nextFeedback) {
      outcomes.flush(table, policy, t + 1);
      nextFeedback += delay;
    }
    const len = Math.min(H, nextFeedback, t + window) - t;
    ctx.now = t + 1;
    view.version = table.meta[1];
    sampler.pick(view, len, picks, ctx);
    contextRng.fill(cu, len);
    rewardRng.fill(ru, len);
    for (let j = 0; j < len; j++, t++) {
      const c = contextOf(contexts.cumulative, cu[j]);
      const a = picks[j];
      share.record(t, c, a);
      const r = contexts.rates[c * k + a];
      regret += contexts.best[c] - r;
      const reward = ru[j] < r ? 1 : 0;
      rewards += reward;
      outcomes.record(a, reward);
      curve.at(t + 1, regret);
    }
    progress.at(t);
  }
  progress.end(H);
  return { curve: curve.values, regret, rewards, steps: H, ...share.result() };
}
