import { randomUUID } from 'node:crypto';
import { CONTEXTUAL_SEGMENT, contextualName, contextualSettings } from '../../contextual/layout';
import type { ArenaWriter } from '../arena';
import type { Learner } from '../learner';
import type { DecisionRecord } from '../types';
import type { ScriptedClient } from './connect';
import { keys } from './keys';

/** Most queued observations one learning step consumes per campaign. */
const STEP = 1000;

/** Copies a campaign's weights hash ("m q" per `<offer>\0<column>`) into the arena's companion table. */
export function applyWeights(arena: ArenaWriter, campaign: string, h: Record<string, string>): void {
  const name = contextualName(campaign);
  const slots = arena.slots(name);
  if (slots === undefined) return;
  const table = arena.ensureTable(name, CONTEXTUAL_SEGMENT);
  let changed = false;
  for (const [id, slot] of slots) {
    const v = h[id];
    if (v === undefined || slot >= table.k) continue;
    const sp = v.indexOf(' ');
    table.alpha[slot] = Number(v.slice(0, sp));
    table.beta[slot] = Number(v.slice(sp + 1));
    changed = true;
  }
  if (changed) table.meta[1] += 1;
}

/**
 * Contextual weights with a shared store. The Laplace update (src/contextual/laplace.ts) is not a
 * sum that Redis could add up, so one process at a time learns a campaign's weights: the holder of
 * the campaign's lease (LEASE script, renewed every step) reads the observations that APPLY queued
 * atomically with each outcome, updates the weights with the same ContextualLearner the embedded
 * store uses, and writes them back with a fenced script (WEIGHTS: nothing is written once the lease
 * has passed to another process). Every process mirrors the weights like posteriors. A learner that
 * dies leaves the queue to the next lease holder, so no observation is lost.
 */
export class WeightLearner {
  private readonly token = randomUUID();

  constructor(
    private readonly client: ScriptedClient,
    private readonly learner: Learner,
    private readonly arena: ArenaWriter,
    private readonly leaseMs: number,
  ) {}

  async step(): Promise<void> {
    for (const [campaign, rt] of this.learner.campaigns) {
      if (contextualSettings(rt.config) === null) continue;
      const lease = keys.lease(campaign, 'ctx');
      if ((await this.client.nudgeLease(1, lease, this.token, this.leaseMs)) !== 1) continue;
      const raw = await this.client.lrange(keys.contextQueue(campaign), 0, STEP - 1);
      if (raw.length === 0) continue;
      // Learn on top of what Redis holds: this process may have taken the lease over just now.
      applyWeights(this.arena, campaign, await this.client.hgetall(keys.weights(campaign)));
      for (const text of raw) {
        const [offerId, reward, x] = JSON.parse(text) as [string, number, number[]];
        this.learner.contextual.observe({ campaign, features: x } as unknown as DecisionRecord, offerId, reward);
      }
      this.learner.contextual.flush();
      const name = contextualName(campaign);
      const entry = this.arena.arms(name, CONTEXTUAL_SEGMENT);
      const slots = this.arena.slots(name);
      if (entry === null || slots === undefined) continue;
      const fields: string[] = [];
      for (const [id, slot] of slots) fields.push(id, `${entry.table.alpha[slot]} ${entry.table.beta[slot]}`);
      await this.client.nudgeWeights(4, keys.weights(campaign), keys.contextQueue(campaign), keys.version(campaign), lease, this.token, raw.length, ...fields);
    }
  }
}
