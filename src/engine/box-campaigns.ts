import type { CampaignConfig } from '../campaigns/types';
import { JsonBoxReader } from '../shared/json-box';
import type { CampaignSource } from './types';

/**
 * Campaigns as a worker sees them: the array the main thread publishes in a shared JSON box. One
 * Atomics.load per lookup; the map is rebuilt only when a new version was published.
 */
export class BoxCampaignSource implements CampaignSource {
  private readonly reader: JsonBoxReader<CampaignConfig[]>;
  private seen = -1;
  private byName = new Map<string, CampaignConfig>();

  constructor(box: SharedArrayBuffer) {
    this.reader = new JsonBoxReader<CampaignConfig[]>(box);
  }

  get(name: string): CampaignConfig | undefined {
    const v = this.reader.version();
    if (v !== this.seen) {
      const list = this.reader.get();
      const m = new Map<string, CampaignConfig>();
      for (const c of list) m.set(c.name, c);
      this.byName = m;
      this.seen = v;
    }
    return this.byName.get(name);
  }
}
