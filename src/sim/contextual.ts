import { createLogisticThompsonBandit } from '../contextual/bandit';
import { CONTEXTUAL_POLICIES } from '../policies/names';
import { readContextualParams } from '../policies/logistic-thompson';
import type { Policy, PolicyParams } from '../policies/types';
import { contextOf, type CompiledContexts } from './contexts';
import { NoActionShare } from './no-action-share';
import { OutcomeBuffer } from './outcomes';
import { StepProgress } from './progress';
import { Rng } from './rng';
import { freshArms, SimContext, type RunInput, type RunResult } from './run';
import type { PickSampler } from './samplers';
import type { Scenario } from './scenario';

/**
 * Contextual scenarios (`contexts` in the scenario file): each step a customer's context is drawn by
 * weight, the policy picks an arm, the reward is Bernoulli(rates[context][arm]) and the regret is the
 * best rate in that context minus the chosen arm's. Contexts and reward uniforms come from the
 * world's seeded streams (scenario seed, run), never from the policy, so every policy of a run meets
 * the same customers in the same order with the same luck (common random numbers).
 *
 * Contextual policies (CONTEXTUAL_POLICIES: logistic-thompson) see the feature vector of the context
 * (all its features: numbers as they are, strings one-hot, bias first). Context-free ones run on the
 * same Beta tables, samplers and feedback buffers as in plain scenarios, one table per segment
 * (scenario.segmentBy; one for all contexts when it is empty), as the engine keeps one posterior per
 * segment of a campaign with segment_by.
 *
 * An always-nudge: policy (noActionArm scenarios) is never offered arm 0: its arm i is the
 * scenario's arm i + 1, while regret stays measured against the best arm including arm 0.
 */

/** A context-free policy instance and its sampler: one per segment, as no state may be shared. */
export interface Decider {
  readonly policy: Policy;
  readonly sampler: PickSampler;
}

/** A run's input (run.ts) plus what a contextual run needs. */
export interface ContextualRunInput extends Omit<RunInput, 'policy' | 'sampler'> {
  readonly contexts: CompiledContexts;
  readonly policyName: string;
  readonly params: PolicyParams;
  /** One per segment (contexts.segments); unused by contextual policies. */
  readonly deciders: readonly Decider[];
  /** The policy may not pick arm 0 (always-nudge: in a noActionArm scenario). */
  readonly withholdNoAction?: boolean;
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
  const { scenario, contexts, kernel, deciders } = input;
  const k = scenario.arms.count;
  const H = scenario.horizon;
  const delay = scenario.feedbackDelay;
  if (deciders.length !== contexts.segments) throw new RangeError(`need one decider per segment (${contexts.segments}), got ${deciders.length}`);
  const offset = input.withholdNoAction === true ? 1 : 0;
  const { contextRng, rewardRng } = streams(scenario, input.run);
  // The policies' state is frozen between two feedback boundaries: draw the whole window at once.
  const window = Math.min(delay, H, CHUNK);
  const segs = deciders.map((d, s) => ({
    ...d,
    ...freshArms(k - offset, scenario.prior, `${input.cacheKey}:${s}`),
    outcomes: new OutcomeBuffer(Math.min(delay, H), k - offset, input.aggregate === true),
    picks: new Int32Array(window),
  }));
  const segment = contexts.segment;
  const needed = new Int32Array(segs.length);
  const cursor = new Int32Array(segs.length);
  const cs = new Int32Array(window);
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
      for (const s of segs) s.outcomes.flush(s.table, s.policy, t + 1);
      nextFeedback += delay;
    }
    const len = Math.min(H, nextFeedback, t + window) - t;
    ctx.now = t + 1;
    contextRng.fill(cu, len);
    rewardRng.fill(ru, len);
    // Customers first: each segment then draws exactly as many picks as it meets customers, and
    // hands them out in order (its picks are i.i.d. while its posterior is frozen).
    needed.fill(0);
    cursor.fill(0);
    for (let j = 0; j < len; j++) {
      const c = contextOf(contexts.cumulative, cu[j]);
      cs[j] = c;
      needed[segment[c]]++;
    }
    for (let s = 0; s < segs.length; s++) {
      if (needed[s] === 0) continue;
      const seg = segs[s];
      seg.view.version = seg.table.meta[1];
      seg.sampler.pick(seg.view, needed[s], seg.picks, ctx);
    }
    for (let j = 0; j < len; j++, t++) {
      const c = cs[j];
      const seg = segs[segment[c]];
      const p = seg.picks[cursor[segment[c]]++];
      const a = p + offset;
      share.record(t, c, a);
      const r = contexts.rates[c * k + a];
      regret += contexts.best[c] - r;
      const reward = ru[j] < r ? 1 : 0;
      rewards += reward;
      seg.outcomes.record(p, reward);
      curve.at(t + 1, regret);
    }
    progress.at(t);
  }
  progress.end(H);
  return { curve: curve.values, regret, rewards, steps: H, ...share.result() };
}
