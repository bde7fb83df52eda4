import * as fs from 'node:fs';
import * as path from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListModelsResponse__Output } from '../../src/generated/nudge/v1/ListModelsResponse';
import type { ModelInfo__Output } from '../../src/generated/nudge/v1/ModelInfo';
import type { LmdbStore } from '../../src/store/lmdb-store';
import { BoxCampaignSource } from '../../src/engine/box-campaigns';
import { DecisionEngine } from '../../src/engine/engine';
import { openFeatureReader } from '../../src/features/store';
import { getKernel } from '../../src/kernel/index';
import { createJsonBox } from '../../src/shared/json-box';
import { ArenaReader } from '../../src/store/arena';
import { call, callError, rng, startTestServer, type TestServer } from '../server/helpers';
import { decide, offer, report } from './helpers';

const fixture = (name: string): string => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

const FEATURES = [
  { name: 'saver', source: 'context', type: 'numeric', default: '0' },
  { name: 'channel', source: 'context', type: 'onehot', categories: ['app', 'web'] },
];

const CONTEXTUAL = {
  name: 'ctx',
  policy: 'logistic-thompson',
  features: [{ name: 'saver', source: 'context', type: 'numeric' }],
  offers: [offer('a'), offer('b')],
};

const MODELED = {
  name: 'modeled',
  policy: 'thompson',
  features: FEATURES,
  offers: [offer('free-shipping', { framing: 'gain' }), offer('ten-percent-off', { framing: 'urgency' })],
  routing: [{ name: 'by-model', when: { '==': [{ var: 'use_model' }, 'yes'] }, policy: 'model' }],
};

const WARM = {
  name: 'warm',
  policy: 'thompson',
  features: FEATURES,
  model_use: 'prior',
  model_prior_weight: 100,
  offers: [offer('free-shipping', { framing: 'gain' }), offer('ten-percent-off', { framing: 'urgency' })],
};

describe('contextual decisions and models through gRPC', () => {
  let ts: TestServer;
  const admin = () => ts.admin;
  const putModel = (req: object) => call(admin().PutModel.bind(admin()), req) as Promise<ModelInfo__Output>;
  const activate = (campaign: string, version: string) => call(admin().ActivateModel.bind(admin()), { campaign, version }) as Promise<ModelInfo__Output>;
  const rollback = (campaign: string) => call(admin().RollbackModel.bind(admin()), { campaign }) as Promise<ModelInfo__Output>;
  const list = (campaign: string) => call(admin().ListModels.bind(admin()), { campaign }) as Promise<ListModelsResponse__Output>;

  beforeAll(async () => {
    ts = await startTestServer([CONTEXTUAL, MODELED, WARM]);
  });
  afterAll(async () => {
    await ts?.stop();
  });

  it('logistic-thompson learns which offer suits which customers from outcomes', async () => {
    const r = rng(77);
    let correctLate = 0;
    const rounds = 700;
    for (let t = 0; t < rounds; t++) {
      const saver = t % 2;
      const d = await decide(ts, { campaign: 'ctx', customerId: `u${t}`, context: { saver: String(saver) } });
      const chosen = d.offers[0]!.offerId;
      const best = saver === 1 ? 'a' : 'b';
      if (t >= rounds - 200 && chosen === best) correctLate++;
      const p = chosen === best ? 0.6 : 0.1;
      await report(ts, d.decisionId, chosen, r() < p ? 1 : 0);
    }
    // Context-free, no policy can beat 50% here; the contextual one should be far above.
    expect(correctLate).toBeGreaterThan(150);
  });

  it('logs the feature vector and explains contextual decisions', async () => {
    const d = await decide(ts, { campaign: 'ctx', customerId: 'explain-me', context: { saver: '1' }, explain: true });
    const e = d.offers[0]!.explanation!;
    expect(e.policy).toBe('logistic-thompson');
    expect(e.route).toBe('default');
    expect(e.posteriorMean).toBeGreaterThan(0);
    expect(e.topFeatures.map((f) => f.feature).sort()).toEqual(['bias', 'saver']);
    expect(e.eligibility).toBe('eligible');
    const store = ts.server.store as LmdbStore;
    let features: readonly number[] | undefined;
    for await (const rec of store.decisions({ campaign: 'ctx' })) if (rec.id === d.decisionId) features = rec.features;
    expect(features).toEqual([1, 1]);
  });

  it('stores, lists, activates and rolls back model versions; Decide reports the version', async () => {
    const before = await decide(ts, { campaign: 'modeled', customerId: 'm0' });
    expect(before.modelVersion).toBe('');
    const v1 = await putModel({ campaign: 'modeled', format: 'logistic', json: fixture('logistic.json') });
    expect(v1).toMatchObject({ version: 'v1', format: 'logistic', active: false, numFeatures: 4 });
    expect((await list('modeled')).active).toBe('');
    expect((await activate('modeled', 'v1')).active).toBe(true);

    const d = await decide(ts, { campaign: 'modeled', customerId: 'm1', context: { saver: '1', channel: 'app', use_model: 'yes' }, numOffers: 2, explain: true });
    expect(d.modelVersion).toBe('v1');
    expect(d.route).toBe('by-model');
    expect(d.policy).toBe('model');
    // Hand-checked in models.test.ts: -1.2 + 0.8 - 0.5 + 0.4 + 0.3 = -0.2 for ten-percent-off.
    expect(d.offers[0]!.offerId).toBe('ten-percent-off');
    expect(d.offers[0]!.probability).toBeCloseTo(0.450166, 6);
    expect(d.offers[0]!.propensity).toBe(1);
    expect(d.offers[1]!.probability).toBeCloseTo(sigmoid(-1.2 + 0.8 - 0.5), 12);
    const e = d.offers[0]!.explanation!;
    expect(e.modelScore).toBeCloseTo(0.450166, 6);
    expect(e.topFeatures[0]).toEqual({ feature: 'saver', contribution: 0.8 });

    const trees = await putModel({ campaign: 'modeled', version: 'trees', format: 'xgboost', json: fixture('xgboost-binary.json'), activate: true });
    expect(trees).toMatchObject({ version: 'trees', active: true, numFeatures: 3 });
    expect((await decide(ts, { campaign: 'modeled', customerId: 'm2' })).modelVersion).toBe('trees');
    const listed = await list('modeled');
    expect(listed.models.map((m) => [m.version, m.active])).toEqual([['v1', false], ['trees', true]]);

    expect((await rollback('modeled')).version).toBe('v1');
    expect((await decide(ts, { campaign: 'modeled', customerId: 'm3' })).modelVersion).toBe('v1');
    const err = await callError(admin().RollbackModel.bind(admin()), { campaign: 'modeled' });
    expect(err.code).toBe(status.INVALID_ARGUMENT);
  });

  it('rejects bad models and unknown campaigns with field-level errors', async () => {
    const bad = await callError(admin().PutModel.bind(admin()), { campaign: 'modeled', format: 'logistic', json: '{"feature_names": ["a"], "weights": []}' });
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toContain('json: model.weights has 0 entries; model.feature_names has 1');
    const dup = await callError(admin().PutModel.bind(admin()), { campaign: 'modeled', version: 'v1', format: 'logistic', json: fixture('logistic.json') });
    expect(dup.details).toContain('already exists');
    const missing = await callError(admin().ListModels.bind(admin()), { campaign: 'nope' });
    expect(missing.code).toBe(status.NOT_FOUND);
  });

  it('warm-starts offers from the model as a prior worth model_prior_weight observations', async () => {
    await putModel({ campaign: 'warm', format: 'logistic', json: fixture('logistic.json'), activate: true });
    // Defaults: saver 0, no channel -> ten-percent-off: sigmoid(-1.2 + 0.4 + 0.3), free-shipping: sigmoid(-1.2).
    const d = await decide(ts, { campaign: 'warm', customerId: 'w', numOffers: 2 });
    const byId = Object.fromEntries(d.offers.map((o) => [o.offerId, o.probability]));
    expect(byId['ten-percent-off']).toBeCloseTo(sigmoid(-0.5), 9);
    expect(byId['free-shipping']).toBeCloseTo(sigmoid(-1.2), 9);
  });

  it('a worker-side engine (shared arena reader, campaigns through the JSON box) sees weights and model', () => {
    const handles = ts.server.store.handles!;
    const features = openFeatureReader(ts.dataDir);
    const engine = new DecisionEngine({
      kernel: getKernel(),
      features,
      arms: new ArenaReader(handles),
      campaigns: new BoxCampaignSource(createJsonBox(ts.server.registry.list())),
    });
    try {
      let a = 0;
      for (let i = 0; i < 40; i++) {
        const r = engine.decide({ campaign: 'ctx', customerId: `w${i}`, channel: '', context: { saver: '1' }, numOffers: 1, excludeOffers: [] });
        expect(r.features).toEqual([1, 1]);
        if (r.offers[0]!.offerId === 'a') a++;
      }
      expect(a).toBeGreaterThan(28);
      const m = engine.decide({ campaign: 'modeled', customerId: 'w', channel: '', context: { saver: '1', channel: 'app', use_model: 'yes' }, numOffers: 1, excludeOffers: [] });
      expect(m.modelVersion).toBe('v1');
      expect(m.offers[0]!.probability).toBeCloseTo(0.450166, 6);
    } finally {
      features.close();
    }
  });

  it('keeps the active model across a restart', async () => {
    await ts.stop();
    ts = await startTestServer([], {}, { dataDir: ts.dataDir, campaignsDir: ts.campaignsDir });
    expect((await decide(ts, { campaign: 'modeled', customerId: 'after' })).modelVersion).toBe('v1');
    // The learned contextual weights came back too: savers still get offer a most of the time.
    let a = 0;
    for (let i = 0; i < 40; i++) if ((await decide(ts, { campaign: 'ctx', customerId: `r${i}`, context: { saver: '1' } })).offers[0]!.offerId === 'a') a++;
    expect(a).toBeGreaterThan(28);
  });
});
