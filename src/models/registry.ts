import type { CampaignConfig } from '../campaigns/types';
import { columnNames } from '../contextual/vector';
import { campaignNotFound, invalidArgument, NudgeError } from '../errors';
import { withModel } from './attach';
import { parseModel } from './parse';
import type { ModelIndex, StoredModel } from './types';

/**
 * Where model versions persist: the learning store's LMDB (keys [campaign, 'index'] and
 * [campaign, 'v', version]); `write` runs a function inside a durable group transaction.
 */
export interface ModelSpace {
  get(key: string[]): unknown;
  put(key: string[], value: unknown): void;
  write<T>(fn: () => T): Promise<T>;
}

/** What the registry needs of the campaign registry (CampaignRegistry has it). */
export interface CampaignHost {
  get(name: string): CampaignConfig | undefined;
  list(): CampaignConfig[];
  amend(config: CampaignConfig): CampaignConfig;
  on(event: 'change', fn: (ch: { name: string; campaign: CampaignConfig | null }) => void): unknown;
}

export interface ModelInfoData {
  readonly campaign: string;
  readonly version: string;
  readonly format: string;
  readonly createdMs: number;
  readonly active: boolean;
  readonly numFeatures: number;
}

export const MODEL_LIMITS = { versionLength: 64, jsonBytes: 16 * 1024 * 1024 } as const;
const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Model versions per campaign: stored, listed, activated and rolled back. The active model travels to
 * the decide path inside the campaign configuration (CampaignConfig.model, see attach.ts): activating
 * amends the campaign, which republishes it to the workers like any campaign change. A campaign
 * change from elsewhere (file edit, PutCampaign) arrives without a model and gets it back here.
 */
export class ModelRegistry {
  constructor(
    private readonly space: ModelSpace,
    private readonly campaigns: CampaignHost,
  ) {
    campaigns.on('change', (ch) => {
      if (ch.campaign !== null) this.reconcile(ch.campaign);
    });
    for (const c of campaigns.list()) this.reconcile(c);
  }

  async put(campaign: string, version: string, format: string, json: string, activate: boolean): Promise<ModelInfoData> {
    const c = this.campaign(campaign);
    if (format !== 'logistic' && format !== 'xgboost') throw invalidArgument('format', `must be one of logistic, xgboost (got "${format}")`);
    if (json.length === 0) throw invalidArgument('json', 'is required');
    if (json.length > MODEL_LIMITS.jsonBytes) throw invalidArgument('json', `must be at most ${MODEL_LIMITS.jsonBytes} characters`);
    if (version.length > MODEL_LIMITS.versionLength) throw invalidArgument('version', `must be at most ${MODEL_LIMITS.versionLength} characters`);
    if (version !== '' && !VERSION_RE.test(version)) throw invalidArgument('version', `must match ${String(VERSION_RE)}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw invalidArgument('json', `is not valid JSON: ${(err as Error).message}`);
    }
    let spec;
    try {
      // Trees without feature names index the campaign's columns after the bias.
      spec = parseModel(format, parsed, columnNames(c.features ?? []).slice(1));
    } catch (err) {
      throw invalidArgument('json', (err as Error).message);
    }
    const stored = await this.space.write(() => {
      const index = this.index(campaign);
      const v = version === '' ? nextVersion(index) : version;
      if (index.versions.includes(v)) throw new NudgeError('NUDGE_INVALID_ARGUMENT', `version: model "${v}" of campaign "${campaign}" already exists`, 'version');
      const s: StoredModel = { version: v, format: spec.format, createdMs: Date.now(), spec };
      index.versions.push(v);
      this.space.put([campaign, 'v', v], s);
      this.space.put([campaign, 'index'], index);
      return s;
    });
    if (activate) return this.activate(campaign, stored.version);
    return this.info(campaign, stored, this.index(campaign).active);
  }

  list(campaign: string): { models: ModelInfoData[]; active: string } {
    this.campaign(campaign);
    const index = this.index(campaign);
    const models = index.versions.map((v) => this.info(campaign, this.stored(campaign, v)!, index.active));
    return { models, active: index.active };
  }

  async activate(campaign: string, version: string): Promise<ModelInfoData> {
    this.campaign(campaign);
    if (version === '') throw invalidArgument('version', 'is required');
    const stored = this.stored(campaign, version);
    if (stored === undefined) throw invalidArgument('version', `campaign "${campaign}" has no model "${version}"`);
    await this.space.write(() => {
      const index = this.index(campaign);
      if (index.active !== version) {
        if (index.active !== '') index.history.push(index.active);
        index.active = version;
        this.space.put([campaign, 'index'], index);
      }
    });
    this.reconcile(this.campaign(campaign));
    return this.info(campaign, stored, version);
  }

  /** Goes back to the previously active version. */
  async rollback(campaign: string): Promise<ModelInfoData> {
    this.campaign(campaign);
    const version = await this.space.write(() => {
      const index = this.index(campaign);
      const prev = index.history.pop();
      if (prev === undefined) throw new NudgeError('NUDGE_INVALID_ARGUMENT', `campaign: "${campaign}" has no previously active model`, 'campaign');
      index.active = prev;
      this.space.put([campaign, 'index'], index);
      return prev;
    });
    this.reconcile(this.campaign(campaign));
    return this.info(campaign, this.stored(campaign, version)!, version);
  }

  /** The active stored model of a campaign, or null. */
  active(campaign: string): StoredModel | null {
    const index = this.index(campaign);
    return index.active === '' ? null : (this.stored(campaign, index.active) ?? null);
  }

  /** Brings the campaign's attached model in line with the active version. */
  private reconcile(c: CampaignConfig): void {
    const active = this.active(c.name);
    const current = c.model?.version ?? '';
    if ((active?.version ?? '') === current) return;
    this.campaigns.amend(withModel(c, active));
  }

  private campaign(name: string): CampaignConfig {
    if (name === '') throw invalidArgument('campaign', 'is required');
    const c = this.campaigns.get(name);
    if (c === undefined) throw campaignNotFound(name);
    return c;
  }

  private index(campaign: string): ModelIndex {
    const raw = this.space.get([campaign, 'index']) as ModelIndex | undefined;
    return raw === undefined ? { versions: [], active: '', history: [] } : { versions: [...raw.versions], active: raw.active, history: [...raw.history] };
  }

  private stored(campaign: string, version: string): StoredModel | undefined {
    return this.space.get([campaign, 'v', version]) as StoredModel | undefined;
  }

  private info(campaign: string, s: StoredModel, active: string): ModelInfoData {
    return { campaign, version: s.version, format: s.format, createdMs: s.createdMs, active: s.version === active, numFeatures: s.spec.featureNames.length };
  }
}

function nextVersion(index: ModelIndex): string {
  let n = index.versions.length + 1;
  while (index.versions.includes(`v${n}`)) n++;
  return `v${n}`;
}
