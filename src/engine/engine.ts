import { apply as applyLogic, truthy } from 'json-logic-js';
import type { CampaignConfig, RouteConfig } from '../campaigns/types';
import { campaignNotFound, NudgeError } from '../errors';
import type { FeatureView } from '../features/store';
import type { FeatureReader } from '../features/types';
import type { Kernel } from '../kernel/types';
import type { DecideContext } from '../policies/types';
import { stickyUnit } from '../shared/hash';
import type { ArmsLookup } from '../store/types';
import { ScratchArmsView } from './arms-view';
import { applyContext, ruleData, segmentKey } from './features-adapter';
import { PolicyCache } from './policy-cache';
import type { CampaignSource, EngineOffer, EngineRequest, EngineResult } from './types';

export interface EngineDeps {
  readonly kernel: Kernel;
  readonly features: FeatureReader;
  readonly arms: ArmsLookup;
  readonly campaigns: CampaignSource;
  /** Clock (ms since epoch); tests may fix it. */
  readonly now?: () => number;
}

/** Above this many exclusions a Set beats Array.includes per offer. */
const EXCLUDE_SET_MIN = 8;

/**
 * One decision: campaign -> features (+ context) -> segment -> control group -> route -> eligibility ->
 * arms view -> policy -> ranked offers. One engine per thread (workers each build their own); its
 * scratch arrays are reused across calls, so it is not re-entrant, which a thread never needs.
 */
export class DecisionEngine {
  private readonly kernel: Kernel;
  private readonly features: FeatureReader;
  private readonly arms: ArmsLookup;
  private readonly campaigns: CampaignSource;
  private readonly now: () => number;
  private readonly policies = new PolicyCache();
  private readonly view = new ScratchArmsView();
  private record = new Float64Array(32);
  private noContext: FeatureView = { record: this.record, raw: null, extra: null };
  private eligible = new Int32Array(32);

  constructor(deps: EngineDeps) {
    if (typeof deps !== 'object' || deps === null) throw new TypeError('deps must be an object');
    for (const k of ['kernel', 'features', 'arms', 'campaigns'] as const) {
      if (typeof deps[k] !== 'object' || deps[k] === null) throw new TypeError(`deps.${k} must be an object`);
    }
    this.kernel = deps.kernel;
    this.features = deps.features;
    this.arms = deps.arms;
    this.campaigns = deps.campaigns;
    this.now = deps.now ?? Date.now;
  }

  decide(req: EngineRequest): EngineResult {
    const c = this.campaigns.get(req.campaign);
    if (c === undefined) throw campaignNotFound(req.campaign);
    const record = this.readFeatures(req.customerId);
    // Read after read(): a snapshot swap inside read() may have changed it.
    const schema = this.features.schema;
    const view = applyContext(schema, record, req.context, this.noContext);
    const segment = c.segmentBy.length === 0 ? '' : segmentKey(schema, view, c.segmentBy);

    if (c.controlShare > 0 && stickyUnit(`${req.customerId}|${c.name}|${c.salt}|control`) < c.controlShare) {
      return this.controlDecision(c, segment);
    }

    // Rule data is built at most once, and not at all for a campaign without rules (the common case).
    let data: object | null = null;
    let route: RouteConfig = c.routing[c.routing.length - 1]!;
    if (c.routing.length > 1) {
      data = ruleData(schema, record, req.context);
      for (const r of c.routing) {
        if (r.when === null || truthy(applyLogic(r.when as never, data))) {
          route = r;
          break;
        }
      }
    }

    const offers = c.offers;
    if (this.eligible.length < offers.length) this.eligible = new Int32Array(Math.max(offers.length, this.eligible.length * 2));
    const eligible = this.eligible;
    const ex = req.excludeOffers;
    const exSet = ex.length > EXCLUDE_SET_MIN ? new Set(ex) : null;
    let k = 0;
    for (let i = 0; i < offers.length; i++) {
      const o = offers[i]!;
      if (ex.length > 0 && (exSet !== null ? exSet.has(o.id) : ex.includes(o.id))) continue;
      if (o.eligibility !== null) {
        data ??= ruleData(schema, record, req.context);
        if (!truthy(applyLogic(o.eligibility as never, data))) continue;
      }
      eligible[k++] = i;
    }
    if (k === 0) {
      throw new NudgeError('NUDGE_NO_ELIGIBLE_OFFER', `campaign "${c.name}": no offer is eligible for customer "${req.customerId}"`);
    }

    const signature = k === offers.length ? '*' : eligibleSignature(eligible, k);
    const arms = this.view.fill(c, eligible, k, this.arms.arms(c.name, segment), `${c.name}|${segment}|${c.version}|${signature}`);
    const policy = this.policies.get(c, route);
    const ctx: DecideContext = { kernel: this.kernel, stickyKey: `${req.customerId}|${c.name}|${c.salt}`, now: this.now() };
    const ranked = policy.rank(arms, Math.min(Math.max(1, req.numOffers), k), ctx);

    const out: EngineOffer[] = new Array<EngineOffer>(ranked.length);
    for (let j = 0; j < ranked.length; j++) {
      const r = ranked[j]!;
      const o = offers[eligible[r.index]!]!;
      out[j] = { offerId: o.id, score: r.score, probability: r.probability, propensity: r.propensity, attributes: o.attributes };
    }
    return { campaign: c.name, offers: out, policy: policy.name, route: route.name, segment, configVersion: c.version, control: false };
  }

  private readFeatures(customerId: string): Float64Array {
    // A snapshot swapped inside read() may have a wider schema than the buffer: a miss then throws
    // (defaults do not fit), a hit leaves fields unwritten. Either way: grow and read again.
    let fits = true;
    try {
      this.features.read(customerId, this.record);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      fits = false;
    }
    const n = this.features.schema.fields.length;
    if (!fits || n > this.record.length) {
      this.record = new Float64Array(Math.max(n, this.record.length * 2));
      this.noContext = { record: this.record, raw: null, extra: null };
      this.features.read(customerId, this.record);
    }
    return this.record;
  }

  /** Control customers get the default offer and do not learn; the log keeps them for the uplift. */
  private controlDecision(c: CampaignConfig, segment: string): EngineResult {
    const o = c.offers.find((x) => x.id === c.defaultOffer) ?? c.offers[0]!;
    let alpha = o.priorAlpha;
    let beta = o.priorBeta;
    const entry = this.arms.arms(c.name, segment);
    const slot = entry?.slots.get(o.id);
    if (entry != null && slot !== undefined && slot >= 0 && slot < entry.table.k) {
      alpha = entry.table.alpha[slot]!;
      beta = entry.table.beta[slot]!;
    }
    const mean = alpha / (alpha + beta);
    return {
      campaign: c.name,
      offers: [{ offerId: o.id, score: mean, probability: mean, propensity: 1, attributes: o.attributes }],
      policy: 'control',
      route: 'control',
      segment,
      configVersion: c.version,
      control: true,
    };
  }
}

function eligibleSignature(eligible: Int32Array, k: number): string {
  let s = '';
  for (let j = 0; j < k; j++) s += (j === 0 ? '' : ',') + eligible[j]!;
  return s;
}
