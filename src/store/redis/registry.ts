import type { CampaignConfig } from '../../campaigns/types';
import type { ModelSpace } from '../../models/registry';
import type { ScriptedClient } from './connect';
import { keys } from './keys';

/** A campaign added, replaced (config) or removed (null) by another process. */
export type RemoteCampaignListener = (name: string, config: CampaignConfig | null) => void;

/**
 * Admin-defined campaigns and the model registry in Redis, one hash each under the `{g}` tag, with a
 * version integer bumped by every change (MULTI: hash and version change together). Each process
 * keeps the hashes in memory (ModelSpace and savedCampaigns are synchronous) and re-reads them when
 * the version moved, then tells the server which campaigns another process changed.
 */
export class RedisRegistry {
  private campaigns = new Map<string, string>();
  private models = new Map<string, unknown>();
  private version: string | null = null;
  private readonly listeners: RemoteCampaignListener[] = [];
  readonly space: ModelSpace;

  constructor(private readonly client: ScriptedClient) {
    let writes: Array<[string, string]> | null = null;
    this.space = {
      get: (key) => this.models.get(JSON.stringify(key)),
      put: (key, value) => {
        const k = JSON.stringify(key);
        this.models.set(k, value);
        if (writes === null) throw new Error('model registry writes must run inside write()');
        writes.push([k, JSON.stringify(value)]);
      },
      write: async <T>(fn: () => T): Promise<T> => {
        writes = [];
        let value: T;
        let batch: Array<[string, string]>;
        try {
          value = fn();
        } finally {
          batch = writes;
          writes = null;
        }
        if (batch.length > 0) {
          const m = this.client.multi();
          for (const [k, v] of batch) m.hset(keys.models, k, v);
          m.incr(keys.registryVersion);
          await m.exec();
        }
        return value;
      },
    };
  }

  onRemoteChange(fn: RemoteCampaignListener): void {
    this.listeners.push(fn);
  }

  saved(): CampaignConfig[] {
    return [...this.campaigns.values()].map((t) => JSON.parse(t) as CampaignConfig);
  }

  async save(c: CampaignConfig): Promise<void> {
    const text = JSON.stringify(c);
    await this.client.multi().hset(keys.campaigns, c.name, text).incr(keys.registryVersion).exec();
    // Remembered as seen: this process's own change must not come back to it as a remote one.
    this.campaigns.set(c.name, text);
  }

  async remove(name: string): Promise<void> {
    await this.client.multi().hdel(keys.campaigns, name).incr(keys.registryVersion).exec();
    this.campaigns.delete(name);
  }

  /** Re-reads campaigns and models when the version moved; `initial` loads without telling listeners. */
  async refresh(initial = false): Promise<void> {
    const v = await this.client.get(keys.registryVersion);
    if (v === this.version && !initial) return;
    const [campaigns, models] = await Promise.all([this.client.hgetall(keys.campaigns), this.client.hgetall(keys.models)]);
    this.version = v;
    const next = new Map(Object.entries(campaigns));
    const changes: Array<[string, CampaignConfig | null]> = [];
    for (const [name, text] of next) {
      if (this.campaigns.get(name) !== text) changes.push([name, JSON.parse(text) as CampaignConfig]);
    }
    for (const name of this.campaigns.keys()) if (!next.has(name)) changes.push([name, null]);
    this.campaigns = next;
    const m = new Map<string, unknown>();
    for (const [k, text] of Object.entries(models)) m.set(k, JSON.parse(text));
    this.models = m;
    if (initial) return;
    for (const [name, config] of changes) for (const fn of this.listeners) fn(name, config);
  }
}
