import { describe, expect, it } from 'vitest';
import type { CampaignConfig } from '../../../src/campaigns/types';
import { backends, campaign, uniqueName, useBackend } from './factories';

/**
 * RegistryStore: admin-defined campaigns (saveCampaign / savedCampaigns / deleteCampaign) and the model
 * registry's key space (`models`). The Redis registry is shared by every test of a file: each test
 * looks only at its own names.
 */

const mine = (list: readonly CampaignConfig[], name: string): CampaignConfig[] => list.filter((c) => c.name === name);

/** A value shaped like what src/models/registry.ts stores (JSON-safe). */
const stored = (version: string): Record<string, unknown> => ({
  version,
  format: 'logistic',
  createdMs: 1_700_000_000_000,
  spec: { format: 'logistic', weights: [0.5, -1.25, 3], columns: ['bias', 'age', 'tier=gold'], nested: { a: [1, { b: null }] } },
});

describe.each(backends())('RegistryStore contract: $name', (backend) => {
  const env = useBackend(backend);

  describe('campaigns', () => {
    it('saves, lists, replaces and deletes a campaign', async () => {
      const store = await env.open();
      const c = campaign(uniqueName('r-crud'), { description: 'first', reward_wait_ms: 5000, fatigue: { max_per_offer: 2, window_ms: 1000 } });
      expect(mine(store.savedCampaigns(), c.name)).toEqual([]);
      await store.saveCampaign(c);
      expect(mine(store.savedCampaigns(), c.name)).toEqual([c]);
      const c2 = campaign(c.name, { description: 'second' });
      await store.saveCampaign(c2);
      expect(mine(store.savedCampaigns(), c.name)).toEqual([c2]);
      await env.settle(store);
      expect(mine(store.savedCampaigns(), c.name)).toEqual([c2]);
      await store.deleteCampaign(c.name);
      expect(mine(store.savedCampaigns(), c.name)).toEqual([]);
      await env.settle(store);
      expect(mine(store.savedCampaigns(), c.name)).toEqual([]);
    });

    it('keeps several campaigns apart and deletes only the one named; deleting an unknown name is a no-op', async () => {
      const store = await env.open();
      const a = campaign(uniqueName('r-a'));
      const b = campaign(uniqueName('r-b'));
      await store.saveCampaign(a);
      await store.saveCampaign(b);
      await store.deleteCampaign(uniqueName('r-never'));
      await store.deleteCampaign(a.name);
      expect(mine(store.savedCampaigns(), a.name)).toEqual([]);
      expect(mine(store.savedCampaigns(), b.name)).toEqual([b]);
    });

    it('rejects a campaign that is not a CampaignConfig and a name that is not a string', async () => {
      const store = await env.open();
      await expect(store.saveCampaign(null as unknown as CampaignConfig)).rejects.toThrow(TypeError);
      await expect(store.saveCampaign({ offers: [] } as unknown as CampaignConfig)).rejects.toThrow(TypeError);
      await expect(store.deleteCampaign(7 as unknown as string)).rejects.toThrow(TypeError);
    });

    it('lists saved campaigns after the store is reopened', async () => {
      let store = await env.open();
      const c = campaign(uniqueName('r-reopen'), { policy: 'ucb1' });
      const gone = campaign(uniqueName('r-reopen-gone'));
      await store.saveCampaign(c);
      await store.saveCampaign(gone);
      await store.deleteCampaign(gone.name);
      store = await env.reopen(store);
      expect(mine(store.savedCampaigns(), c.name)).toEqual([c]);
      expect(mine(store.savedCampaigns(), gone.name)).toEqual([]);
    });

    it.runIf(backend.shared)('another store sees a saved, a replaced and a deleted campaign after its sync, and is told through onRemoteCampaign', async () => {
      const a = await env.open();
      const b = await env.open();
      const c = campaign(uniqueName('r-peer'));
      const seenByA: Array<[string, CampaignConfig | null]> = [];
      const seenByB: Array<[string, CampaignConfig | null]> = [];
      a.onRemoteCampaign!((name, config) => seenByA.push([name, config]));
      b.onRemoteCampaign!((name, config) => {
        if (name === c.name) seenByB.push([name, config]);
      });
      await a.saveCampaign(c);
      await env.settle(b);
      expect(mine(b.savedCampaigns(), c.name)).toEqual([c]);
      expect(seenByB).toEqual([[c.name, c]]);
      const c2 = campaign(c.name, { description: 'changed on A', controlShare: 0.25 });
      await a.saveCampaign(c2);
      await env.settle(b);
      expect(mine(b.savedCampaigns(), c.name)).toEqual([c2]);
      expect(seenByB).toEqual([
        [c.name, c],
        [c.name, c2],
      ]);
      await a.deleteCampaign(c.name);
      await env.settle(b);
      expect(mine(b.savedCampaigns(), c.name)).toEqual([]);
      expect(seenByB).toEqual([
        [c.name, c],
        [c.name, c2],
        [c.name, null],
      ]);
      // A store is not told about its own changes.
      await env.settle(a);
      expect(seenByA.filter(([name]) => name === c.name)).toEqual([]);
      // And changes flow the other way too.
      const back = campaign(uniqueName('r-peer-back'));
      await b.saveCampaign(back);
      await env.settle(a);
      expect(mine(a.savedCampaigns(), back.name)).toEqual([back]);
      expect(seenByA).toEqual([[back.name, back]]);
    });

    it.runIf(backend.shared)('a store opened later lists the campaigns saved before', async () => {
      const a = await env.open();
      const c = campaign(uniqueName('r-later'));
      await a.saveCampaign(c);
      const b = await env.open();
      expect(mine(b.savedCampaigns(), c.name)).toEqual([c]);
    });
  });

  describe('models', () => {
    it('write(() => put(k, v)) resolves with fn\'s value; get(k) returns v; a missing key is undefined', async () => {
      const store = await env.open();
      const name = uniqueName('m-put');
      const v1 = stored('v1');
      const index = { versions: ['v1'], active: '', history: [] as string[] };
      const r = await store.models.write(() => {
        store.models.put([name, 'v', 'v1'], v1);
        store.models.put([name, 'index'], index);
        return 'done';
      });
      expect(r).toBe('done');
      expect(store.models.get([name, 'v', 'v1'])).toEqual(v1);
      expect(store.models.get([name, 'index'])).toEqual(index);
      expect(store.models.get([name, 'v', 'v2'])).toBeUndefined();
      expect(store.models.get([name, 'v'])).toBeUndefined();
      expect(store.models.get([name, 'v', 'v1', 'x'])).toBeUndefined();
      await env.settle(store);
      expect(store.models.get([name, 'v', 'v1'])).toEqual(v1);
    });

    it('overwrites a key; the last put of a write wins', async () => {
      const store = await env.open();
      const name = uniqueName('m-over');
      await store.models.write(() => store.models.put([name, 'index'], { active: 'v1' }));
      await store.models.write(() => {
        store.models.put([name, 'index'], { active: 'v2' });
        store.models.put([name, 'index'], { active: 'v3' });
      });
      expect(store.models.get([name, 'index'])).toEqual({ active: 'v3' });
      await env.settle(store);
      expect(store.models.get([name, 'index'])).toEqual({ active: 'v3' });
    });

    it('returns what was written after the store is reopened', async () => {
      let store = await env.open();
      const name = uniqueName('m-reopen');
      await store.models.write(() => store.models.put([name, 'v', 'v7'], stored('v7')));
      store = await env.reopen(store);
      expect(store.models.get([name, 'v', 'v7'])).toEqual(stored('v7'));
    });

    it.runIf(backend.shared)('another store sees a model written by the first after its sync', async () => {
      const a = await env.open();
      const b = await env.open();
      const name = uniqueName('m-peer');
      await a.models.write(() => a.models.put([name, 'v', 'v1'], stored('v1')));
      await env.settle(b);
      expect(b.models.get([name, 'v', 'v1'])).toEqual(stored('v1'));
      await b.models.write(() => b.models.put([name, 'index'], { active: 'v1' }));
      await env.settle(a);
      expect(a.models.get([name, 'index'])).toEqual({ active: 'v1' });
    });
  });
});
