import { describe, expect, it } from 'vitest';
import { newDecisionId } from '../../../src/decisions/id';
import type { LearningStore, OutcomeInput, OutcomeResult } from '../../../src/store/types';
import { backends, campaign, decision, PROBABILITY, posterior, priors, sleep, uniqueName, useBackend, withoutCalibration } from './factories';

/** DecisionStore: logDecision, applyOutcomes and sweepExpired (src/store/types.ts). */

const out = (decisionId: string, offerId: string, reward: number): OutcomeInput => ({ decisionId, offerId, reward, timestampMs: 0 });
const statuses = (rs: readonly OutcomeResult[]): string[] => rs.map((r) => r.status);

/** Sum of sweepExpired(now) until one returns 0 (bounded). */
async function sweepAll(store: LearningStore, now: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < 100; i++) {
    const n = await store.sweepExpired(now);
    if (n === 0) return total;
    total += n;
  }
  throw new Error('sweepExpired did not run dry');
}

describe.each(backends())('DecisionStore contract: $name', (backend) => {
  const env = useBackend(backend);

  describe('applyOutcomes', () => {
    it('applies an outcome: APPLIED, delta = reward - predicted probability, empty detail', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('d-applied'));
      store.syncCampaign(c);
      const d = decision(c.name, ['x', 'y']);
      store.logDecision(d);
      await env.settle(store);
      const res = await store.applyOutcomes([out(d.id, 'x', 1), out(d.id, 'y', 0)]);
      expect(res).toEqual([
        { status: 'APPLIED', delta: 1 - PROBABILITY, detail: '' },
        { status: 'APPLIED', delta: 0 - PROBABILITY, detail: '' },
      ]);
      await env.settle(store);
      expect(posterior(store, c)).toEqual({ ...priors(c), x: { alpha: 3, beta: 3 }, y: { alpha: 1, beta: 2 } });
    });

    it('joins an outcome to a decision whose batch has not been written yet', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('d-pending'));
      store.syncCampaign(c);
      const d = decision(c.name, ['y']);
      store.logDecision(d);
      const res = await store.applyOutcomes([out(d.id, 'y', 1)]);
      expect(statuses(res)).toEqual(['APPLIED']);
      await env.settle(store);
      expect(posterior(store, c).y).toEqual({ alpha: 2, beta: 1 });
      expect(store.counters(c.name).offers.find((o) => o.offerId === 'y')).toMatchObject({ impressions: 1, outcomes: 1, rewards: 1 });
    });

    it('answers DUPLICATE for the same (decision, offer) again, whatever the reward, and counts it once', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('d-dup'));
      store.syncCampaign(c);
      const d = decision(c.name, ['x', 'y']);
      store.logDecision(d);
      await env.settle(store);
      expect(statuses(await store.applyOutcomes([out(d.id, 'x', 1)]))).toEqual(['APPLIED']);
      const again = await store.applyOutcomes([out(d.id, 'x', 1), out(d.id, 'x', 0)]);
      expect(again.map((r) => [r.status, r.delta])).toEqual([
        ['DUPLICATE', 0],
        ['DUPLICATE', 0],
      ]);
      // The other offer of the same decision is its own outcome.
      expect(statuses(await store.applyOutcomes([out(d.id, 'y', 0)]))).toEqual(['APPLIED']);
      await env.settle(store);
      expect(posterior(store, c)).toEqual({ ...priors(c), x: { alpha: 3, beta: 3 }, y: { alpha: 1, beta: 2 } });
      const x = store.counters(c.name).offers.find((o) => o.offerId === 'x')!;
      expect(x).toMatchObject({ outcomes: 1, rewards: 1 });
    });

    it('answers DUPLICATE for a duplicate inside one batch, and keeps the results in input order', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('d-batch'));
      const other = campaign(uniqueName('d-batch-other'));
      store.syncCampaign(c);
      store.syncCampaign(other);
      const d1 = decision(c.name, ['x', 'y']);
      const d2 = decision(other.name, ['z']);
      store.logDecision(d1);
      store.logDecision(d2);
      await env.settle(store);
      const res = await store.applyOutcomes([
        out(d1.id, 'x', 1),
        out(d2.id, 'z', 1),
        out(d1.id, 'x', 1),
        out(newDecisionId(), 'x', 1),
        out(d1.id, 'z', 1),
        out(d1.id, '', 1),
        out(d2.id, 'z', 0),
        out(d1.id, 'y', 0),
      ]);
      expect(statuses(res)).toEqual(['APPLIED', 'APPLIED', 'DUPLICATE', 'UNKNOWN_DECISION', 'INVALID', 'INVALID', 'DUPLICATE', 'APPLIED']);
      expect(res.map((r) => r.delta)).toEqual([0.75, 0.75, 0, 0, 0, 0, 0, -0.25]);
      await env.settle(store);
      expect(posterior(store, c)).toEqual({ ...priors(c), x: { alpha: 3, beta: 3 }, y: { alpha: 1, beta: 2 } });
      expect(posterior(store, other)).toEqual({ ...priors(other), z: { alpha: 1.5, beta: 4 } });
      expect(store.counters(c.name).treatment).toEqual({ decisions: 1, outcomes: 2, rewards: 1 });
      expect(store.counters(other.name).treatment).toEqual({ decisions: 1, outcomes: 1, rewards: 1 });
    });

    it('answers UNKNOWN_DECISION for a decision id it never logged', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('d-unknown'));
      store.syncCampaign(c);
      const res = await store.applyOutcomes([out(newDecisionId(), 'x', 1), out('not-a-uuid', 'x', 1)]);
      expect(res.map((r) => [r.status, r.delta])).toEqual([
        ['UNKNOWN_DECISION', 0],
        ['UNKNOWN_DECISION', 0],
      ]);
      expect(res[0]!.detail).toMatch(/no decision/);
    });

    it('answers INVALID for an offer the decision did not show (also one of the campaign), and counts nothing', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('d-notshown'));
      store.syncCampaign(c);
      const d = decision(c.name, ['x']);
      store.logDecision(d);
      await env.settle(store);
      const res = await store.applyOutcomes([out(d.id, 'z', 1), out(d.id, 'nope', 1)]);
      expect(statuses(res)).toEqual(['INVALID', 'INVALID']);
      expect(res[0]!.detail).toMatch(/not shown/);
      expect(res.map((r) => r.delta)).toEqual([0, 0]);
      await env.settle(store);
      expect(store.counters(c.name).treatment.outcomes).toBe(0);
      // The shown offer still takes its outcome.
      expect(statuses(await store.applyOutcomes([out(d.id, 'x', 1)]))).toEqual(['APPLIED']);
    });

    it('answers INVALID for malformed outcomes (empty ids, negative, NaN or infinite reward) and counts nothing', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('d-malformed'));
      store.syncCampaign(c);
      const d = decision(c.name, ['x']);
      store.logDecision(d);
      await env.settle(store);
      const bad: OutcomeInput[] = [
        out('', 'x', 1),
        out(d.id, '', 1),
        out(d.id, 'x', -1),
        out(d.id, 'x', Number.NaN),
        out(d.id, 'x', Number.POSITIVE_INFINITY),
        { decisionId: d.id, offerId: 'x', reward: '1' as unknown as number, timestampMs: 0 },
        null as unknown as OutcomeInput,
      ];
      const res = await store.applyOutcomes(bad);
      expect(res.map((r) => [r.status, r.delta])).toEqual(bad.map(() => ['INVALID', 0]));
      expect(res[0]!.detail).toBe('decision_id is empty');
      expect(res[1]!.detail).toBe('offer_id is empty');
      expect(res[2]!.detail).toBe('reward must be a finite number >= 0');
      await env.settle(store);
      expect(store.counters(c.name).treatment.outcomes).toBe(0);
      expect(store.arms(c.name, '')).toBeNull();
      // A reward of 0 is valid, and the offer was not used up by the malformed ones.
      expect(statuses(await store.applyOutcomes([out(d.id, 'x', 0)]))).toEqual(['APPLIED']);
    });

    it('applies a control decision\'s outcome: APPLIED, counted in the control group, posterior unchanged', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('d-control'));
      store.syncCampaign(c);
      const d = decision(c.name, ['x'], { control: true });
      store.logDecision(d);
      await env.settle(store);
      const res = await store.applyOutcomes([out(d.id, 'x', 1)]);
      expect(res).toEqual([{ status: 'APPLIED', delta: 1 - PROBABILITY, detail: 'control group: counted for uplift, posterior unchanged' }]);
      expect(statuses(await store.applyOutcomes([out(d.id, 'x', 1)]))).toEqual(['DUPLICATE']);
      await env.settle(store);
      expect(posterior(store, c)).toEqual(priors(c));
      const n = store.counters(c.name);
      expect(n.control).toEqual({ decisions: 1, outcomes: 1, rewards: 1 });
      expect(n.treatment).toEqual({ decisions: 0, outcomes: 0, rewards: 0 });
      expect(n.offers.find((o) => o.offerId === 'x')).toEqual({ offerId: 'x', impressions: 0, outcomes: 0, rewards: 0, deltaSum: 0 });
    });

    it('counts but does not learn an outcome for an offer removed from the campaign since the decision', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('d-removed'));
      store.syncCampaign(c);
      const d = decision(c.name, ['x', 'y']);
      store.logDecision(d);
      await env.settle(store);
      const without = campaign(c.name, { offers: [{ id: 'x', prior_alpha: 2, prior_beta: 3 }, { id: 'z', prior_alpha: 0.5, prior_beta: 4 }] });
      store.syncCampaign(without);
      await env.settle(store);
      const res = await store.applyOutcomes([out(d.id, 'y', 1), out(d.id, 'x', 1)]);
      expect(res).toEqual([
        { status: 'APPLIED', delta: 0.75, detail: 'counted, posterior unchanged: offer "y" is no longer in the campaign' },
        { status: 'APPLIED', delta: 0.75, detail: '' },
      ]);
      await env.settle(store);
      expect(posterior(store, without)).toEqual({ ...priors(without), x: { alpha: 3, beta: 3 } });
      expect(store.counters(c.name).treatment).toEqual({ decisions: 1, outcomes: 2, rewards: 2 });
    });

    it('counts but does not learn an outcome of a campaign this store has not synced', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('d-unsynced'));
      const d = decision(c.name, ['x']);
      store.logDecision(d);
      await env.settle(store);
      const res = await store.applyOutcomes([out(d.id, 'x', 1)]);
      expect(res).toEqual([{ status: 'APPLIED', delta: 0.75, detail: `counted, posterior unchanged: campaign "${c.name}" is not loaded` }]);
      store.syncCampaign(c);
      await env.settle(store);
      expect(posterior(store, c)).toEqual(priors(c));
      expect(store.counters(c.name).treatment).toEqual({ decisions: 1, outcomes: 1, rewards: 1 });
    });

    it('takes an empty batch, rejects a non-array, and refuses work once closed', async () => {
      const store = await env.open();
      expect(await store.applyOutcomes([])).toEqual([]);
      await expect(store.applyOutcomes('x' as unknown as OutcomeInput[])).rejects.toThrow(TypeError);
      await expect(store.sweepExpired(Number.NaN)).rejects.toThrow(RangeError);
      await store.close();
      await expect(store.applyOutcomes([])).rejects.toThrow(/closed/);
      await expect(store.sweepExpired(Date.now())).rejects.toThrow(/closed/);
      expect(() => store.logDecision(decision('any', ['x']))).toThrow(/closed/);
      await store.close(); // idempotent
    });
  });

  describe('sweepExpired', () => {
    const WAIT = 1000;

    it('gives every shown offer without an outcome the default reward once; a later real outcome is EXPIRED', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('s-once'), { reward_wait_ms: WAIT, default_reward: 0 });
      store.syncCampaign(c);
      const now = Date.now();
      const d1 = decision(c.name, ['x', 'y'], { ts: now - 5 * WAIT });
      const d2 = decision(c.name, ['z'], { ts: now - 5 * WAIT });
      store.logDecision(d1);
      store.logDecision(d2);
      await env.settle(store);
      expect(statuses(await store.applyOutcomes([out(d1.id, 'x', 1)]))).toEqual(['APPLIED']);
      expect(await store.sweepExpired(now)).toBe(2);
      expect(await store.sweepExpired(now)).toBe(0);
      expect(await store.sweepExpired(now + 10 * WAIT)).toBe(0);
      const late = await store.applyOutcomes([out(d1.id, 'y', 1), out(d2.id, 'z', 1), out(d1.id, 'x', 1)]);
      expect(late.map((r) => [r.status, r.delta])).toEqual([
        ['EXPIRED', 0],
        ['EXPIRED', 0],
        ['DUPLICATE', 0],
      ]);
      expect(late[0]!.detail).toBe('the reward wait passed and the default reward was applied');
      await env.settle(store);
      expect(posterior(store, c)).toEqual({ x: { alpha: 3, beta: 3 }, y: { alpha: 1, beta: 2 }, z: { alpha: 0.5, beta: 5 } });
      const n = store.counters(c.name);
      expect(n.treatment).toEqual({ decisions: 2, outcomes: 3, rewards: 1 });
      expect(n.offers.map(withoutCalibration)).toEqual([
        { offerId: 'x', impressions: 1, outcomes: 1, rewards: 1, deltaSum: 0.75 },
        { offerId: 'y', impressions: 1, outcomes: 1, rewards: 0, deltaSum: -0.25 },
        { offerId: 'z', impressions: 1, outcomes: 1, rewards: 0, deltaSum: -0.25 },
      ]);
    });

    it('applies the campaign\'s default reward value (1) to the posterior and counters', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('s-reward1'), { reward_wait_ms: WAIT, default_reward: 1 });
      store.syncCampaign(c);
      const now = Date.now();
      const d = decision(c.name, ['x'], { ts: now - 5 * WAIT });
      store.logDecision(d);
      await env.settle(store);
      expect(await store.sweepExpired(now)).toBe(1);
      await env.settle(store);
      expect(posterior(store, c).x).toEqual({ alpha: 3, beta: 3 });
      const x = store.counters(c.name).offers[0]!;
      expect(withoutCalibration(x)).toEqual({ offerId: 'x', impressions: 1, outcomes: 1, rewards: 1, deltaSum: 0.75 });
      // One outcome predicted 0.25 (reward 1 - delta 0.75): bin 2, error (0.25 - 1)^2.
      expect(x.calibration![2]).toBe(1);
      expect(x.calibration![12]).toBe(0.25);
      expect(x.calibration![22]).toBe(1);
      expect(x.calibration![30]).toBe(0.5625);
    });

    it('leaves a decision alone until its reward wait has passed', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('s-notdue'), { reward_wait_ms: WAIT });
      store.syncCampaign(c);
      const ts = Date.now();
      const d = decision(c.name, ['x', 'y'], { ts });
      store.logDecision(d);
      await env.settle(store);
      expect(await store.sweepExpired(ts + WAIT - 1)).toBe(0);
      // An outcome after the wait but before a sweep still counts; the sweep then skips that offer.
      expect(statuses(await store.applyOutcomes([out(d.id, 'x', 1)]))).toEqual(['APPLIED']);
      expect(await store.sweepExpired(ts + WAIT + 1)).toBe(1);
      expect(await store.sweepExpired(ts + WAIT + 1)).toBe(0);
      expect(statuses(await store.applyOutcomes([out(d.id, 'y', 1)]))).toEqual(['EXPIRED']);
    });

    it('applies the default reward to a decision whose reward wait passed long before the sweep (sweepers were down)', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('s-late'), { reward_wait_ms: WAIT, default_reward: 0 });
      store.syncCampaign(c);
      const d = decision(c.name, ['x', 'y'], { ts: Date.now() - 3_600_000 });
      store.logDecision(d);
      await env.settle(store);
      // Past the Redis store's shortest join-record TTL (1 s) for a decision this old.
      await sleep(1200);
      expect(await store.sweepExpired(Date.now())).toBe(2);
      await env.settle(store);
      expect(store.counters(c.name).treatment).toEqual({ decisions: 1, outcomes: 2, rewards: 0 });
    });

    it('never sweeps a campaign without a reward wait', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('s-nowait'), { reward_wait_ms: 0 });
      store.syncCampaign(c);
      const d = decision(c.name, ['x'], { ts: Date.now() - 3_600_000 });
      store.logDecision(d);
      await env.settle(store);
      expect(await store.sweepExpired(Date.now() + 3_600_000)).toBe(0);
      expect(statuses(await store.applyOutcomes([out(d.id, 'x', 1)]))).toEqual(['APPLIED']);
    });

    it('counts a control decision\'s default reward in the control group and leaves the posterior alone', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('s-control'), { reward_wait_ms: WAIT, default_reward: 1 });
      store.syncCampaign(c);
      const now = Date.now();
      store.logDecision(decision(c.name, ['x', 'y'], { ts: now - 5 * WAIT, control: true }));
      await env.settle(store);
      expect(await store.sweepExpired(now)).toBe(2);
      await env.settle(store);
      expect(posterior(store, c)).toEqual(priors(c));
      const n = store.counters(c.name);
      expect(n.control).toEqual({ decisions: 1, outcomes: 2, rewards: 2 });
      expect(n.treatment).toEqual({ decisions: 0, outcomes: 0, rewards: 0 });
    });

    it('applies each default reward once when sweeps of one store run concurrently', async () => {
      const store = await env.open({ sweepLimit: 3 });
      const c = campaign(uniqueName('s-conc'), { reward_wait_ms: WAIT });
      store.syncCampaign(c);
      const now = Date.now();
      const recs = Array.from({ length: 20 }, () => decision(c.name, ['x', 'y'], { ts: now - 5 * WAIT }));
      for (const r of recs) store.logDecision(r);
      await env.settle(store);
      let total = 0;
      for (let round = 0; round < 10; round++) {
        const got = await Promise.all(Array.from({ length: 4 }, () => store.sweepExpired(now)));
        total += got.reduce((a, b) => a + b, 0);
      }
      total += await sweepAll(store, now);
      expect(total).toBe(40);
      await env.settle(store);
      expect(store.counters(c.name).offers.map((o) => [o.offerId, o.outcomes])).toEqual([
        ['x', 20],
        ['y', 20],
        ['z', 0],
      ]);
      expect(posterior(store, c)).toEqual({ ...priors(c), x: { alpha: 2, beta: 23 }, y: { alpha: 1, beta: 21 } });
    });

    it.runIf(backend.shared)('applies each default reward exactly once with two stores on the same state sweeping concurrently', async () => {
      const a = await env.open({ sweepLimit: 4 });
      const b = await env.open({ sweepLimit: 4 });
      const c = campaign(uniqueName('s-two'), { reward_wait_ms: WAIT, default_reward: 0 });
      a.syncCampaign(c);
      b.syncCampaign(c);
      const now = Date.now();
      // Decisions logged on both stores; a real outcome for some offers first.
      const recs = Array.from({ length: 40 }, (_, i) => decision(c.name, i % 4 === 0 ? ['x'] : ['x', 'y'], { ts: now - 5 * WAIT }));
      recs.forEach((r, i) => (i % 2 === 0 ? a : b).logDecision(r));
      await Promise.all([env.settle(a), env.settle(b)]);
      const real = recs.filter((_, i) => i % 5 === 0).map((r) => out(r.id, 'x', 1));
      expect(statuses(await b.applyOutcomes(real))).toEqual(real.map(() => 'APPLIED'));
      const pairs = recs.reduce((n, r) => n + r.offers.length, 0) - real.length;
      let total = 0;
      for (let round = 0; round < 10; round++) {
        const got = await Promise.all([a.sweepExpired(now), b.sweepExpired(now), a.sweepExpired(now), b.sweepExpired(now)]);
        total += got.reduce((x, y) => x + y, 0);
      }
      total += (await sweepAll(a, now)) + (await sweepAll(b, now));
      expect(total).toBe(pairs);
      // Every real outcome arriving now on either store: DUPLICATE for the real ones, EXPIRED for the rest.
      const all = recs.flatMap((r) => r.offers.map((o) => out(r.id, o.offerId, 1)));
      const late = await a.applyOutcomes(all);
      const realIds = new Set(real.map((o) => o.decisionId));
      expect(statuses(late)).toEqual(all.map((o) => (realIds.has(o.decisionId) && o.offerId === 'x' ? 'DUPLICATE' : 'EXPIRED')));
      await Promise.all([env.settle(a), env.settle(b)]);
      const xShown = recs.length;
      const yShown = recs.filter((r) => r.offers.length === 2).length;
      for (const s of [a, b]) {
        const n = s.counters(c.name);
        expect(n.treatment).toEqual({ decisions: recs.length, outcomes: xShown + yShown, rewards: real.length });
        expect(n.offers.map((o) => [o.offerId, o.impressions, o.outcomes, o.rewards])).toEqual([
          ['x', xShown, xShown, real.length],
          ['y', yShown, yShown, 0],
          ['z', 0, 0, 0],
        ]);
        expect(posterior(s, c)).toEqual({
          x: { alpha: 2 + real.length, beta: 3 + xShown - real.length },
          y: { alpha: 1, beta: 1 + yShown },
          z: { alpha: 0.5, beta: 4 },
        });
      }
    });
  });
});
