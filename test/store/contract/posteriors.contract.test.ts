import { describe, expect, it } from 'vitest';
import type { CampaignConfig } from '../../../src/campaigns/types';
import { armTableWords, createArmTable, setPrior } from '../../../src/policies/arm-table';
import { makeBetaUpdate } from '../../../src/policies/beta-update';
import type { LearningStore } from '../../../src/store/types';
import { backends, campaign, decision, posterior, priors, sleep, uniqueName, useBackend } from './factories';

/** PosteriorStore: syncCampaign, then arms() after outcomes (src/store/types.ts). */

/** What beta-update.ts makes of `rewards` (offer id, reward) applied in order to a table at the priors. */
function expectedPosterior(c: CampaignConfig, rewards: ReadonlyArray<readonly [string, number]>): Record<string, { alpha: number; beta: number }> {
  const k = c.offers.length;
  const table = createArmTable(new Float64Array(armTableWords(k)), k, k);
  c.offers.forEach((o, i) => setPrior(table, i, o.priorAlpha, o.priorBeta));
  const update = makeBetaUpdate(c.decay);
  for (const [offer, reward] of rewards) update(table, c.offers.findIndex((o) => o.id === offer), reward, Date.now());
  const out: Record<string, { alpha: number; beta: number }> = {};
  c.offers.forEach((o, i) => (out[o.id] = { alpha: table.alpha[i]!, beta: table.beta[i]! }));
  return out;
}

function expectClose(got: Record<string, { alpha: number; beta: number }>, want: Record<string, { alpha: number; beta: number }>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const id of Object.keys(want)) {
    expect(got[id]!.alpha, `alpha of ${id}`).toBeCloseTo(want[id]!.alpha, 12);
    expect(got[id]!.beta, `beta of ${id}`).toBeCloseTo(want[id]!.beta, 12);
  }
}

/** One decision per (offer, reward), each outcome APPLIED, in one batch (applied in order). */
async function learn(store: LearningStore, c: CampaignConfig, rewards: ReadonlyArray<readonly [string, number]>, segment = ''): Promise<void> {
  const recs = rewards.map(([offer]) => decision(c.name, [offer], { segment }));
  for (const r of recs) store.logDecision(r);
  const res = await store.applyOutcomes(rewards.map(([offer, reward], i) => ({ decisionId: recs[i]!.id, offerId: offer, reward, timestampMs: 0 })));
  expect(res.map((r) => r.status)).toEqual(rewards.map(() => 'APPLIED'));
}

describe.each(backends())('PosteriorStore contract: $name', (backend) => {
  const env = useBackend(backend);

  it('has no table, or one at the priors, before any outcome (also after decisions were logged)', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('p-empty'));
    store.syncCampaign(c);
    await env.settle(store);
    const check = (): void => {
      const entry = store.arms(c.name, '');
      if (entry !== null) {
        for (const o of c.offers) {
          const slot = entry.slots.get(o.id)!;
          expect(slot).toBeDefined();
          expect(entry.table.alpha[slot]).toBe(o.priorAlpha);
          expect(entry.table.beta[slot]).toBe(o.priorBeta);
        }
      }
    };
    check();
    store.logDecision(decision(c.name, ['x', 'y']));
    await env.settle(store);
    check();
    expect(store.arms(uniqueName('p-unknown'), '')).toBeNull();
  });

  it('reward 1 adds 1 to alpha at the offer\'s slot; beta and the other offers stay at their priors', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('p-one'));
    store.syncCampaign(c);
    await learn(store, c, [['x', 1]]);
    await env.settle(store);
    const entry = store.arms(c.name, '');
    expect(entry).not.toBeNull();
    expect([...entry!.slots.keys()].sort()).toEqual(['x', 'y', 'z']);
    expect(posterior(store, c)).toEqual({ ...priors(c), x: { alpha: 3, beta: 3 } });
  });

  it('reward 0 adds 1 to beta; alpha unchanged', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('p-zero'));
    store.syncCampaign(c);
    await learn(store, c, [['z', 0]]);
    await env.settle(store);
    expect(posterior(store, c)).toEqual({ ...priors(c), z: { alpha: 0.5, beta: 5 } });
  });

  it('a fractional reward splits between alpha and beta; a reward above 1 counts as 1 for the posterior', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('p-frac'));
    store.syncCampaign(c);
    await learn(store, c, [['x', 0.25], ['y', 3]]);
    await env.settle(store);
    expect(posterior(store, c)).toEqual({ ...priors(c), x: { alpha: 2.25, beta: 3.75 }, y: { alpha: 2, beta: 1 } });
  });

  it('accumulates several outcomes on the same offer, in one batch and across batches', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('p-acc'));
    store.syncCampaign(c);
    await learn(store, c, [['x', 1], ['x', 1], ['x', 0]]);
    await learn(store, c, [['x', 1], ['y', 0]]);
    await env.settle(store);
    expect(posterior(store, c)).toEqual({ ...priors(c), x: { alpha: 5, beta: 4 }, y: { alpha: 1, beta: 2 } });
  });

  it('keeps one table per segment', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('p-seg'));
    store.syncCampaign(c);
    await learn(store, c, [['x', 1]], 'gold');
    await learn(store, c, [['x', 0], ['y', 1]], 'silver');
    await env.settle(store);
    expect(posterior(store, c, 'gold')).toEqual({ ...priors(c), x: { alpha: 3, beta: 3 } });
    expect(posterior(store, c, 'silver')).toEqual({ ...priors(c), x: { alpha: 2, beta: 4 }, y: { alpha: 2, beta: 1 } });
    expect(store.arms(c.name, '')).toBeNull();
  });

  it('decays evidence per event (halfLife in events) as src/policies/beta-update.ts does', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('p-decay'), { decay: { half_life: 3, unit: 'events' } });
    store.syncCampaign(c);
    const first: Array<[string, number]> = [['x', 1], ['y', 0], ['x', 1], ['z', 1], ['x', 0]];
    const second: Array<[string, number]> = [['y', 1], ['y', 1], ['x', 0.5]];
    await learn(store, c, first);
    await env.settle(store);
    expectClose(posterior(store, c), expectedPosterior(c, first));
    await learn(store, c, second);
    await env.settle(store);
    const want = expectedPosterior(c, [...first, ...second]);
    expectClose(posterior(store, c), want);
    // Decay shrinks evidence toward the prior, never below it.
    for (const o of c.offers) {
      expect(want[o.id]!.alpha).toBeGreaterThanOrEqual(o.priorAlpha);
      expect(want[o.id]!.beta).toBeGreaterThanOrEqual(o.priorBeta);
    }
  });

  it('decays evidence by 2^(-dt / halfLife) with halfLife in ms, on the processing clock', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('p-decay-ms'), { decay: { half_life: 1000, unit: 'ms' } });
    store.syncCampaign(c);
    const before1 = Date.now();
    await learn(store, c, [['x', 1]]);
    const after1 = Date.now();
    await env.settle(store);
    // The first update only records the time: nothing to decay yet.
    expect(posterior(store, c).x).toEqual({ alpha: 3, beta: 3 });
    await sleep(400);
    const before2 = Date.now();
    await learn(store, c, [['x', 1]]);
    const after2 = Date.now();
    await env.settle(store);
    const got = posterior(store, c).x!;
    // alpha = prior 2 + (1 * 2^(-dt/1000) + 1), dt between (before2 - after1) and (after2 - before1).
    const hi = 3 + Math.pow(2, -(before2 - after1) / 1000);
    const lo = 3 + Math.pow(2, -(after2 - before1) / 1000);
    expect(got.alpha).toBeGreaterThanOrEqual(lo - 1e-9);
    expect(got.alpha).toBeLessThanOrEqual(hi + 1e-9);
    expect(got.alpha).toBeLessThan(4 - 0.1);
    expect(got.beta).toBe(3);
  });

  it('keeps the evidence when a prior changes, starts a new offer at its prior, and stops listing a removed one', async () => {
    const store = await env.open();
    const c = campaign(uniqueName('p-resync'));
    store.syncCampaign(c);
    await learn(store, c, [['x', 1], ['y', 0]]);
    await env.settle(store);
    const c2 = campaign(c.name, {
      offers: [
        { id: 'x', prior_alpha: 5, prior_beta: 5 },
        { id: 'z', prior_alpha: 0.5, prior_beta: 4 },
        { id: 'w', prior_alpha: 7, prior_beta: 1 },
      ],
    });
    store.syncCampaign(c2);
    await env.settle(store);
    const entry = store.arms(c.name, '')!;
    expect(entry).not.toBeNull();
    expect([...entry.slots.keys()].sort()).toEqual(['w', 'x', 'z']);
    expect(posterior(store, c2)).toEqual({ x: { alpha: 6, beta: 5 }, z: { alpha: 0.5, beta: 4 }, w: { alpha: 7, beta: 1 } });
    // An outcome on the new offer learns at its slot.
    await learn(store, c2, [['w', 1]]);
    await env.settle(store);
    expect(posterior(store, c2).w).toEqual({ alpha: 8, beta: 1 });
    // The removed offer comes back with the evidence it had.
    store.syncCampaign(c);
    await env.settle(store);
    expect(posterior(store, c).y).toEqual({ alpha: 1, beta: 2 });
  });

  it('serves the learned posterior after the store is reopened', async () => {
    let store = await env.open();
    const c = campaign(uniqueName('p-reopen'));
    store.syncCampaign(c);
    await learn(store, c, [['x', 1], ['z', 0]], 'seg');
    await env.settle(store);
    store = await env.reopen(store);
    store.syncCampaign(c);
    await env.settle(store);
    expect(posterior(store, c, 'seg')).toEqual({ ...priors(c), x: { alpha: 3, beta: 3 }, z: { alpha: 0.5, beta: 5 } });
  });

  it.runIf(backend.shared)('another store on the same state sees the posterior after its own sync', async () => {
    const a = await env.open();
    const b = await env.open();
    const c = campaign(uniqueName('p-peer'), { decay: { half_life: 2, unit: 'events' } });
    a.syncCampaign(c);
    b.syncCampaign(c);
    const rewards: Array<[string, number]> = [['x', 1], ['y', 1], ['x', 0]];
    await learn(a, c, rewards);
    await env.settle(b);
    expectClose(posterior(b, c), expectedPosterior(c, rewards));
    // And learns on top of it: B's outcome is applied to the shared posterior, decay included.
    await learn(b, c, [['z', 1]]);
    await env.settle(a);
    expectClose(posterior(a, c), expectedPosterior(c, [...rewards, ['z', 1]]));
  });

  it('reflects its own outcome in arms() once flush() resolves, while other campaigns are being refreshed', async () => {
    // syncMs 1 keeps a refresh of the local copy in flight nearly all the time, and a steady stream of
    // outcomes on a second campaign keeps those refreshes busy. flush() (one call, not settle()) after
    // an answered outcome must still show it.
    const store = await env.open({ syncMs: 1 });
    const c1 = campaign(uniqueName('p-race'));
    const c2 = campaign(uniqueName('p-load'));
    store.syncCampaign(c1);
    store.syncCampaign(c2);
    const mine = Array.from({ length: 150 }, () => decision(c1.name, ['y']));
    const load = Array.from({ length: 3000 }, (_, i) => decision(c2.name, ['x'], { segment: `s${i % 10}` }));
    for (const r of [...mine, ...load]) store.logDecision(r);
    await env.settle(store);
    let stop = false;
    const background = (async () => {
      for (let j = 0; !stop && j < load.length; j += 10) {
        await store.applyOutcomes(load.slice(j, j + 10).map((r) => ({ decisionId: r.id, offerId: 'x', reward: 1, timestampMs: 0 })));
      }
    })();
    const stale: number[] = [];
    try {
      for (let i = 1; i <= mine.length; i++) {
        await store.applyOutcomes([{ decisionId: mine[i - 1]!.id, offerId: 'y', reward: 1, timestampMs: 0 }]);
        await store.flush();
        if (posterior(store, c1).y!.alpha !== 1 + i || store.counters(c1.name).treatment.outcomes !== i) stale.push(i);
      }
    } finally {
      stop = true;
      await background;
    }
    expect(stale, 'outcomes not yet visible when flush() resolved').toEqual([]);
  });
});
