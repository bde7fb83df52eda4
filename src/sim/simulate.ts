import { getKernel } from '../kernel';
import type { Kernel } from '../kernel/types';
import { createPolicy, parsePolicySpec } from '../policies';
import { logCheckpoints } from './checkpoints';
import { compileContexts } from './contexts';
import { isContextualPolicy, runContextual, type Decider } from './contextual';
import { meanShares } from './no-action-share';
import { sumsAreExact } from './outcomes';
import { runOne, type RunResult } from './run';
import { samplerFor, type SamplerKind } from './samplers';
import { splitAlwaysNudge, type Scenario } from './scenario';
import { meanSe, type MeanSe } from './stats';

/** The report of `nudge simulate` (also its --json output). */
export interface PolicyReport {
  /** The spec string as written in the scenario. */
  readonly policy: string;
  /** How decisions were drawn (see samplers.ts). */
  readonly sampler: SamplerKind;
  /** Cumulative regret at the horizon, mean over runs with its standard error. */
  readonly cumulativeRegret: MeanSe;
  /** Rewards per step, mean over runs with its standard error. */
  readonly rewardRate: MeanSe;
  /** Mean cumulative regret (and its standard error) after each checkpoint step (log-spaced, plus every drift step). */
  readonly curve: { readonly step: number; readonly mean: number; readonly se: number }[];
  /** Wall time of this policy's runs, and policy steps per second over them. */
  readonly seconds: number;
  readonly stepsPerSecond: number;
  /** CPU time of this process over the runs, and steps per CPU second (steadier on a busy machine). */
  readonly cpuSeconds: number;
  readonly stepsPerCpuSecond: number;
  /**
   * noActionArm scenarios: per context (in scenario order, with its label), the share of no-action
   * (arm 0) picks over the last fifth of the horizon, mean over runs with its standard error.
   */
  readonly noActionShare?: { readonly context: string; readonly mean: number; readonly se: number }[];
}

export interface SimulationReport {
  readonly scenario: Scenario;
  readonly kernel: 'native' | 'fallback';
  readonly policies: PolicyReport[];
}

export interface SimulateOptions {
  /** Defaults to getKernel() (native when it loads). */
  readonly kernel?: Kernel;
  /** Progress: steps done so far out of total (policies * runs * horizon). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Use Policy.rank per step instead of the batched fast paths (for checks; slow). */
  readonly forceRank?: boolean;
  /**
   * Apply every outcome through Policy.update even where per-arm sums are exactly equivalent
   * (outcomes.ts); for checks, the results are the same.
   */
  readonly perOutcomeUpdates?: boolean;
}

/** Throws the policy factory's own error for a bad spec; used by the scenario validator. */
export function checkPolicySpec(spec: string): void {
  const { name, params } = parsePolicySpec(spec);
  createPolicy(name, params);
}

/** Runs every policy of the scenario over all runs (in this thread) and aggregates. */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): SimulationReport {
  const kernel = options.kernel ?? getKernel();
  const checkpoints = logCheckpoints(scenario.horizon, scenario.checkpoints, scenario.drift.map((d) => d.at));
  const total = scenario.policies.length * scenario.runs * scenario.horizon;
  let done = 0;
  const onSteps = options.onProgress
    ? (n: number): void => {
        done += n;
        options.onProgress?.(done, total);
      }
    : undefined;

  const contexts = scenario.contexts !== undefined ? compileContexts(scenario) : null;
  const reports = scenario.policies.map((entry, p): PolicyReport => {
    const { withhold, spec } = splitAlwaysNudge(entry);
    const { name, params } = parsePolicySpec(spec);
    if (withhold && contexts === null) throw new RangeError(`policy "${entry}": always-nudge: needs a noActionArm scenario with contexts`);
    const aggregate = options.perOutcomeUpdates !== true && sumsAreExact(name, params, scenario.prior, scenario.horizon);
    const results: RunResult[] = [];
    let kind: SamplerKind = 'rank';
    const started = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    for (let run = 0; run < scenario.runs; run++) {
      // A fresh instance per run: no cache or scratch state carries over between runs.
      const decider = (): Decider => {
        const policy = createPolicy(name, params);
        return { policy, sampler: samplerFor(policy, options.forceRank === true) };
      };
      const { policy, sampler } = decider();
      // A contextual policy decides step by step through its own bandit (src/sim/contextual.ts).
      kind = contexts !== null && isContextualPolicy(name) ? 'rank' : sampler.kind;
      // Seeds differ per (run, policy) but are fixed by the scenario seed.
      kernel.seed(((scenario.seed * 1_000_003 + run) * 1009 + p) % Number.MAX_SAFE_INTEGER);
      const cacheKey = `sim:${p}:${run}`;
      results.push(
        contexts !== null
          ? runContextual({
              scenario, contexts, run, policyName: name, params, kernel, checkpoints, onSteps, cacheKey, aggregate,
              // One instance per segment: each keeps its own posterior, caches and scratch.
              deciders: [{ policy, sampler }, ...Array.from({ length: contexts.segments - 1 }, decider)],
              withholdNoAction: withhold,
            })
          : runOne({ scenario, run, policy, sampler, kernel, checkpoints, onSteps, cacheKey, aggregate }),
      );
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const steps = scenario.runs * scenario.horizon;
    const curve = Array.from(checkpoints, (step, i) => {
      const ms = meanSe(results.map((r) => r.curve[i]));
      return { step, mean: ms.mean, se: ms.se };
    });
    return {
      policy: entry,
      sampler: kind,
      cumulativeRegret: meanSe(results.map((r) => r.regret)),
      rewardRate: meanSe(results.map((r) => r.rewards / r.steps)),
      curve,
      seconds,
      stepsPerSecond: seconds > 0 ? steps / seconds : Infinity,
      cpuSeconds,
      stepsPerCpuSecond: cpuSeconds > 0 ? steps / cpuSeconds : Infinity,
      ...(scenario.noActionArm && contexts !== null
        ? { noActionShare: meanShares(results, contexts.count).map((ms, c) => ({ context: contexts.labels[c], mean: ms.mean, se: ms.se })) }
        : {}),
    };
  });
  return { scenario, kernel: kernel.impl, policies: reports };
}
