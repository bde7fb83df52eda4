import { setPrior, armTableWords, createArmTable } from '../policies/arm-table';
import type { ArmTable, ArmsView, DecideContext, Policy } from '../policies/types';
import type { Kernel } from '../kernel/types';
import type { PickSampler } from './samplers';
import type { Scenario } from './scenario';
import { OutcomeBuffer } from './outcomes';
import { StepProgress } from './progress';
import { Rng } from './rng';
import { World } from './world';

/** What one (policy, run) pair produced. */
export interface RunResult {
  /** Cumulative regret after each checkpoint step (same order as the checkpoints). */
  readonly curve: Float64Array;
  readonly regret: number;
  readonly rewards: number;
  readonly steps: number;
  /** noActionArm scenarios: share of no-action picks per context over the late steps (no-action-share.ts). */
  readonly noActionShare?: Float64Array;
}

export interface RunInput {
  readonly scenario: Scenario;
  readonly run: number;
  readonly policy: Policy;
  readonly sampler: PickSampler;
  readonly kernel: Kernel;
  readonly checkpoints: Float64Array;
  /** Called now and then with the steps done since the previous call. */
  readonly onSteps?: (steps: number) => void;
  /** Identity of the view for policy caches. */
  readonly cacheKey: string;
  /** Apply each feedback window as per-arm sums; only when sumsAreExact() holds for this policy (outcomes.ts). */
  readonly aggregate?: boolean;
}

/** Steps simulated between two progress reports (at most). */
const PROGRESS_EVERY = 1 << 16;

/** The one ArmsView of a run: the arrays are the table's own, only the version moves. */
export type MutableView = { -readonly [K in keyof ArmsView]: ArmsView[K] };

/**
 * The decision context of the run, one object for all steps. stickyKey is built only when read (no
 * batched sampler reads it), so a window allocates no string.
 */
export class SimContext implements DecideContext {
  now = 1;
  constructor(readonly kernel: Kernel) {}
  get stickyKey(): string {
    return `s${this.now - 1}`;
  }
}

/** Running totals of a run, kept in locals by the step loops and written back once per segment. */
interface Tally {
  regret: number;
  rewards: number;
}

/*
 * Steps from..to of a window: regret and rewards summed in locals, outcomes appended to the buffer.
 * Small functions of their own so that V8 optimises them as a whole (a hot loop deep inside runOne
 * only gets on-stack-replacement code). The reward is Math.ceil(r - u): 1 when u < r, else 0 (or
 * -0), because r - u lies in (-1, 1) and rounding never flips its sign; ceil is one instruction where
 * a compare-and-branch is mispredicted about half the time.
 */

function stepsToList(tally: Tally, picks: Int32Array, uniforms: Float64Array, rates: Float64Array, best: number, from: number, to: number, out: OutcomeBuffer): void {
  const bufArm = out.arm;
  const bufReward = out.reward;
  let n = out.n;
  let regret = tally.regret;
  let rewards = tally.rewards;
  for (let j = from; j < to; j++) {
    const a = picks[j];
    const r = rates[a];
    regret += best - r;
    const reward = Math.ceil(r - uniforms[j]);
    rewards += reward;
    bufArm[n] = a;
    bufReward[n] = reward;
    n++;
  }
  out.n = n;
  tally.regret = regret;
  tally.rewards = rewards;
}

function stepsToSums(tally: Tally, picks: Int32Array, uniforms: Float64Array, rates: Float64Array, best: number, from: number, to: number, out: OutcomeBuffer): void {
  const count = out.count;
  const successes = out.successes;
  let regret = tally.regret;
  let rewards = tally.rewards;
  for (let j = from; j < to; j++) {
    const a = picks[j];
    const r = rates[a];
    regret += best - r;
    const reward = Math.ceil(r - uniforms[j]);
    rewards += reward;
    count[a] += 1;
    successes[a] += reward;
  }
  tally.regret = regret;
  tally.rewards = rewards;
}

/**
 * Simulates one policy over one run of the scenario. Each step the policy shows one arm (n = 1); the
 * Bernoulli reward is buffered and reaches the policy when the step count is a multiple of
 * feedbackDelay (Policy.update per outcome, in order; or, when `aggregate` is set, which the caller
 * may only do when sumsAreExact() holds, as per-arm sums that leave the table bit for bit the same).
 * Between two state changes (feedback, churn, drift) the posterior is frozen, so the sampler draws
 * the whole stretch at once. A churned slot is reset to the scenario prior (setPrior) and outcomes
 * still buffered for the retired arm are dropped: they belong to an arm that no longer exists. Clock
 * passed to update(): the step number + 1, so ms-unit half-lives read as steps.
 *
 * The step loop only reads picks and the pre-drawn reward uniforms, accumulates regret and rewards
 * in locals and appends to the outcome buffer; checkpoints split it into segments instead of being
 * tested at every step.
 */
/** A run's arm table of k arms at the given prior, and the one ArmsView over it. */
export function freshArms(k: number, prior: readonly [number, number], cacheKey: string): { table: ArmTable; view: MutableView } {
  const [pa, pb] = prior;
  const table = createArmTable(new Float64Array(armTableWords(k)), k, k);
  for (let i = 0; i < k; i++) setPrior(table, i, pa, pb);
  const ones = new Float64Array(k).fill(1);
  const view: MutableView = {
    k,
    alpha: table.alpha,
    beta: table.beta,
    priorAlpha: table.priorAlpha,
    priorBeta: table.priorBeta,
    weights: ones,
    boosts: ones,
    cacheKey,
    version: table.meta[1],
  };
  return { table, view };
}

export function runOne(input: RunInput): RunResult {
  const { scenario, policy, sampler, kernel, checkpoints } = input;
  const k = scenario.arms.count;
  const H = scenario.horizon;
  const delay = scenario.feedbackDelay;
  const [pa, pb] = scenario.prior;

  const { table, view } = freshArms(k, scenario.prior, input.cacheKey);
  const world = new World(scenario, input.run);
  const rewardRng = new Rng(scenario.seed, input.run, 2);
  const rates = world.rates;

  const bufCap = Math.min(delay, H);
  const outcomes = new OutcomeBuffer(bufCap, k, input.aggregate === true);
  const picks = new Int32Array(Math.min(bufCap, PROGRESS_EVERY));
  const uniforms = new Float64Array(picks.length);
  const curve = new Float64Array(checkpoints.length);
  let cpIndex = 0;
  let nextCp = checkpoints.length > 0 ? checkpoints[0] : Infinity;

  const tally: Tally = { regret: 0, rewards: 0 };
  let t = 0;
  const progress = new StepProgress(input.onSteps, PROGRESS_EVERY);
  let nextFeedback = delay;
  const ctx = new SimContext(kernel);

  while (t < H) {
    if (t === nextFeedback) {
      outcomes.flush(table, policy, t + 1);
      nextFeedback += delay;
    }
    if (t === world.nextDrift) world.applyDrift(t);
    if (t === world.nextChurn) {
      const churned = world.applyChurn(t);
      setPrior(table, churned, pa, pb);
      outcomes.drop(churned);
    }
    let end = Math.min(H, nextFeedback, world.nextChurn, world.nextDrift, t + picks.length);
    if (end <= t) end = t + 1;
    const len = end - t;
    ctx.now = t + 1;
    view.version = table.meta[1];
    sampler.pick(view, len, picks, ctx);
    rewardRng.fill(uniforms, len);
    const best = world.best;
    let j = 0;
    while (j < len) {
      // Steps j .. segEnd - 1 hold no checkpoint except possibly the last (step t + segEnd).
      const segEnd = nextCp - t < len ? nextCp - t : len;
      if (outcomes.sums) stepsToSums(tally, picks, uniforms, rates, best, j, segEnd, outcomes);
      else stepsToList(tally, picks, uniforms, rates, best, j, segEnd, outcomes);
      j = segEnd;
      if (t + j === nextCp) {
        curve[cpIndex++] = tally.regret;
        nextCp = cpIndex < checkpoints.length ? checkpoints[cpIndex] : Infinity;
      }
    }
    t = end;
    progress.at(t);
  }
  progress.end(t);
  return { curve, regret: tally.regret, rewards: tally.rewards, steps: H };
}
