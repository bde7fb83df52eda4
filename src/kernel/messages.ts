/**
 * The exact error messages of the sampling kernel. Both implementations (native/ and fallback.ts)
 * throw these very strings (native/messages.h mirrors them; a test compares both against this file).
 *
 * Check order, shared by both implementations (so a call with several bad arguments fails the same
 * way everywhere): each argument's type, in argument order; then scalar values (n, m, p, seed) in
 * argument order; then lengths; then element values, index by index (alpha[i] before beta[i]).
 */
export const MSG = {
  float64: (name: string): string => `${name} must be a Float64Array`,
  uint32: (name: string): string => `${name} must be a Uint32Array`,
  sameLength: 'alpha and beta must have the same length',
  positiveFinite: (name: string, i: number): string => `${name}[${i}] must be a finite number > 0`,
  notNaN: (name: string, i: number): string => `${name}[${i}] must not be NaN`,
  n: 'n must be an integer in [1, k]',
  m: 'm must be an integer >= 1',
  p: 'p must be in (0, 1)',
  seed: 'seed must be a safe integer >= 0',
  outKn: 'out must have length k * n',
  outLength: (name: string): string => `out must have the length of ${name}`,
  drawsLength: 'draws must have the length of alpha',
  outIdxLength: 'outIdx must have length >= n',
  reps: 'reps must be an integer >= 1',
  notEmpty: 'alpha must not be empty',
  outIdxReps: 'outIdx must have length >= reps',
  outMaxReps: 'outMax must have length >= reps',
  weightsLength: 'm and q must have length out.length * x.length',
  momentsLength: 'mean and sd must have the length of out',
  meanSdLength: 'mean and sd must have the same length',
  nonNegativeFinite: (name: string, i: number): string => `${name}[${i}] must be a finite number >= 0`,
} as const;

