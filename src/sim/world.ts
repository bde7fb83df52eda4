import type { Scenario } from './scenario';
import { Rng } from './rng';

/**
 * The simulated world of one run: true rates, churn and drift. Its randomness comes only from the
 * scenario seed and the run index, never from the policy, so every policy of a run meets the same
 * world (same rates, same churn steps, same replacement arms).
 *
 * A retired arm's replacement draws its rate from arms.rateDistribution when given; with fixed
 * arms.rates it draws uniform(0, 1) * (the largest rate in effect: the scenario's, or the latest
 * drift's), so new arms are plausible but not systematically better than the field.
 */
export class World {
  readonly rates: Float64Array;
  /** Largest current true rate. */
  best = 0;
  /** Step of the next churn event (Infinity when churn = 0). */
  nextChurn: number;
  private readonly rng: Rng;
  private maxRate: number;
  private driftIndex = 0;

  constructor(
    private readonly scenario: Scenario,
    run: number,
  ) {
    this.rng = new Rng(scenario.seed, run, 1);
    const k = scenario.arms.count;
    this.rates = new Float64Array(k);
    const fixed = scenario.arms.rates;
    for (let i = 0; i < k; i++) this.rates[i] = fixed ? fixed[i] : this.newRate();
    this.maxRate = fixed ? Math.max(...fixed) : 1;
    this.recomputeBest();
    this.nextChurn = this.rng.geometric(scenario.churn);
  }

  /** Step of the next drift event (Infinity when none is left). */
  get nextDrift(): number {
    const d = this.scenario.drift[this.driftIndex];
    return d ? d.at : Infinity;
  }

  /** Applies the drift scheduled at `step`, if any. */
  applyDrift(step: number): boolean {
    const d = this.scenario.drift[this.driftIndex];
    if (!d || d.at !== step) return false;
    this.rates.set(d.rates);
    this.maxRate = Math.max(...d.rates);
    this.driftIndex++;
    this.recomputeBest();
    return true;
  }

  /** Retires one random arm at `step` if churn is due; returns its slot, or -1. */
  applyChurn(step: number): number {
    if (this.nextChurn !== step) return -1;
    const slot = this.rng.int(this.rates.length);
    this.rates[slot] = this.newRate();
    this.recomputeBest();
    this.nextChurn = step + 1 + this.rng.geometric(this.scenario.churn);
    return slot;
  }

  private newRate(): number {
    const dist = this.scenario.arms.rateDistribution;
    if (dist) return this.rng.beta(dist.beta[0], dist.beta[1]);
    return this.rng.uniform() * this.maxRate;
  }

  private recomputeBest(): void {
    let b = -Infinity;
    for (let i = 0; i < this.rates.length; i++) if (this.rates[i] > b) b = this.rates[i];
    this.best = b;
  }
}
