import type { RunResult } from './run';
import { meanSe, type MeanSe } from './stats';

/** The no-action arm of a noActionArm scenario (its rate: conversion without a nudge). */
export const NO_ACTION_ARM = 0;

/**
 * Share of the steps that start "late" (the last fifth of the horizon): by then a learning policy
 * has settled, so the share says what it does, not what it explored.
 */
export function lateFrom(horizon: number): number {
  return Math.floor(horizon * 0.8);
}

/** Counts no-action picks per context over the late steps of one run (noActionArm scenarios only). */
export class NoActionShare {
  private readonly from: number;
  private readonly picks: Float64Array;
  private readonly seen: Float64Array;

  constructor(
    private readonly enabled: boolean,
    horizon: number,
    contexts: number,
  ) {
    this.from = lateFrom(horizon);
    this.picks = new Float64Array(contexts);
    this.seen = new Float64Array(contexts);
  }

  /** Step t (0-based) showed arm a (the scenario's index) to a customer of context c. */
  record(t: number, c: number, a: number): void {
    if (!this.enabled || t < this.from) return;
    this.seen[c] += 1;
    if (a === NO_ACTION_ARM) this.picks[c] += 1;
  }

  /** The run's shares per context (NaN for a context that met no late customer), or nothing. */
  result(): { noActionShare?: Float64Array } {
    if (!this.enabled) return {};
    return { noActionShare: this.picks.map((p, c) => (this.seen[c] > 0 ? p / this.seen[c] : NaN)) };
  }
}

/** Mean and standard error over runs of each context's late no-action share (runs that met the context). */
export function meanShares(results: readonly RunResult[], contexts: number): MeanSe[] {
  const out: MeanSe[] = [];
  for (let c = 0; c < contexts; c++) {
    const xs = results.map((r) => r.noActionShare?.[c] ?? NaN).filter((x) => Number.isFinite(x));
    out.push(meanSe(xs));
  }
  return out;
}
