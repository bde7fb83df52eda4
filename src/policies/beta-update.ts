import { decayTable } from './arm-table';
import { readChoice, readNumber } from './params';
import type { ArmTable, PolicyParams } from './types';

/**
 * The Beta-Bernoulli update every policy shares (all policies learn the same posterior so that stats,
 * p_best and a later switch of policy see the same state), with optional exponential decay:
 *
 * - unit 'events': before each outcome applied to a table, every slot's evidence is multiplied by
 *   2^(-1/halfLife), so after `halfLife` outcomes old evidence counts half;
 * - unit 'ms': evidence is multiplied by 2^(-(now - meta[0]) / halfLife), then meta[0] = now. A table
 *   never decayed (meta[0] = 0) only records `now`, and a clock going backwards decays nothing.
 *
 * halfLife = 0 turns decay off.
 */
export interface DecaySpec {
  readonly halfLife: number;
  readonly unit: 'events' | 'ms';
}

export const DECAY_PARAMS = ['halfLife', 'halfLifeUnit'] as const;

export function readDecay(policy: string, params: PolicyParams): DecaySpec {
  const halfLife = readNumber(policy, params, 'halfLife', 0, 'a number >= 0', (x) => x >= 0 && Number.isFinite(x));
  const unit = readChoice(policy, params, 'halfLifeUnit', 'events', ['events', 'ms'] as const);
  return { halfLife, unit };
}

/** Returns the update function for one decay setting (the per-event factor is computed once). */
export function makeBetaUpdate(decay: DecaySpec): (table: ArmTable, arm: number, reward: number, now: number) => void {
  const eventFactor = decay.halfLife > 0 ? Math.pow(2, -1 / decay.halfLife) : 1;
  return function update(table, arm, reward, now) {
    if (!Number.isInteger(arm) || arm < 0 || arm >= table.k) {
      throw new RangeError(`arm must be an integer between 0 and ${table.k - 1}`);
    }
    if (typeof reward !== 'number') throw new TypeError('reward must be a number');
    if (Number.isNaN(reward)) throw new RangeError('reward must be a number');
    const meta = table.meta;
    if (decay.halfLife > 0) {
      if (decay.unit === 'events') {
        decayTable(table, eventFactor);
      } else if (meta[0] > 0) {
        const dt = now - meta[0];
        if (dt > 0) {
          decayTable(table, Math.pow(2, -dt / decay.halfLife));
          meta[0] = now;
        }
      } else {
        meta[0] = now;
      }
    }
    const r = reward < 0 ? 0 : reward > 1 ? 1 : reward;
    table.alpha[arm] += r;
    table.beta[arm] += 1 - r;
    meta[1] += 1;
  };
}
