import { setPrior, armTableWords, createArmTable } from '../policies/arm-table';
import type { ArmTable, ArmsView, DecideContext, Policy } from '../policies/types';
import type { Kernel } from '../kernel/types';
import type { PickSampler } from './samplers';
import type { Scenario } from './scenario';
import { Rng } from './rng';
import { World } from './world';

/** What one (policy, run) pair produced. */
export interface RunResult {
  /** Cumulative regret after each checkpoint step (same order as the checkpoints). */
  readonly curve: Float64Array;
  readonly regret: number;
  readonly rewards: number;
  readonly steps: number;
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
}

/** Steps simulated between two progress reports (at most). */
const PROGRESS_EVERY = 1 << 16;

function viewOf(table: ArmTable, weights: Float64Array, cacheKey: string): ArmsView {
  return {
    k: table.k,
    alpha: table.alpha,
    beta: table.beta,
    priorAlpha: table.priorAlpha,
    priorBeta: table.priorBeta,
    weights,
    boosts: weights,
    cacheKey,
    version: table.meta[1],
  };
}

/**
 * Simulates one policy over one run of the scenario. Each step the policy shows one arm (n = 1); the
 * Bernoulli reward is buffered and reaches the policy (Policy.update, in order) when the step count
 * is a multiple of feedbackDelay. Between two state changes (feedback, churn, drift) the posterior is
 * frozen, so the sampler draws the whole stretch at once. A churned slot is reset to the scenario
 * prior (setPrior) and outcomes still buffered for the retired arm are dropped: they belong to an arm
 * that no longer exists. Clock passed to update(): the step number + 1, so ms-unit half-lives read
 * as steps.
 */
export function runOne(input: RunInput): RunResult {
  const { scenario, policy, sampler, kernel, checkpoints } = input;
  const k = scenario.arms.count;
  const H = scenario.horizon;
  const delay = scenario.feedbackDelay;
  const [pa, pb] = scenario.prior;

  const table = createArmTable(new Float64Array(armTableWords(k)), k, k);
  for (let i = 0; i < k; i++) setPrior(table, i, pa, pb);
  const ones = new Float64Array(k).fill(1);
  const world = new World(scenario, input.run);
  const rewardRng = new Rng(scenario.seed, input.run, 2);
  const rates = world.rates;

  const bufCap = Math.min(delay, H);
  const bufArm = new Int32Array(bufCap);
  const bufReward = new Uint8Array(bufCap);
  let bufN = 0;
  const picks = new Int32Array(Math.min(bufCap, PROGRESS_EVERY));
  const curve = new Float64Array(checkpoints.length);
  let cpIndex = 0;
  let nextCp = checkpoints[0];

  let regret = 0;
  let rewards = 0;
  let t = 0;
  let lastReported = 0;
  let nextFeedback = delay;
  const ctx: { kernel: Kernel; stickyKey: string; now: number } = { kernel, stickyKey: '', now: 1 };

  while (t < H) {
    if (t === nextFeedback) {
      for (let j = 0; j < bufN; j++) if (bufArm[j] >= 0) policy.update(table, bufArm[j], bufReward[j], t + 1);
      bufN = 0;
      nextFeedback += delay;
    }
    world.applyDrift(t);
    const churned = world.applyChurn(t);
    if (churned >= 0) {
      setPrior(table, churned, pa, pb);
      for (let j = 0; j < bufN; j++) if (bufArm[j] === churned) bufArm[j] = -1;
    }
    let end = Math.min(H, nextFeedback, world.nextChurn, world.nextDrift, t + picks.length);
    if (end <= t) end = t + 1;
    const len = end - t;
    ctx.now = t + 1;
    ctx.stickyKey = `s${t}`;
    sampler.pick(viewOf(table, ones, input.cacheKey), len, picks, ctx as DecideContext);
    const best = world.best;
    for (let j = 0; j < len; j++) {
      const a = picks[j];
      const r = rates[a];
      regret += best - r;
      const reward = rewardRng.uniform() < r ? 1 : 0;
      rewards += reward;
      bufArm[bufN] = a;
      bufReward[bufN] = reward;
      bufN++;
      if (t + j + 1 === nextCp) {
        curve[cpIndex++] = regret;
        nextCp = cpIndex < checkpoints.length ? checkpoints[cpIndex] : Infinity;
      }
    }
    t = end;
    if (input.onSteps && t - lastReported >= PROGRESS_EVERY) {
      input.onSteps(t - lastReported);
      lastReported = t;
    }
  }
  if (input.onSteps && t > lastReported) input.onSteps(t - lastReported);
  return { curve, regret, rewards, steps: H };
}
