import { apply as applyLogic, truthy } from 'json-logic-js';
import type { CampaignConfig, RouteConfig } from '../campaigns/types';
import { campaignNotFound, NudgeError } from '../errors';
import type { FeatureView } from '../features/store';
import type { FeatureReader } from '../features/types';
import type { Kernel } from '../kernel/types';
import { CONTEXTUAL_POLICIES } from '../policies/names';
import type { ContextualInput, DecideContext } from '../policies/types';
import { stickyUnit } from '../shared/hash';
import type { ArmsLookup } from '../store/types';
import { ScratchArmsView } from './arms-view';
import { applyBoost, routeBoost } from './boosts';
import { ContextCache, type CampaignContext } from './contextual';
import { applyContext, ruleData, segmentKey } from './features-adapter';
import { PolicyCache } from './policy-cache';
import type { CampaignSource, EngineOffer, EngineRequest, EngineResult, ExplanationData } from './types';

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
/** Feature contributions listed per offer in an explanation. */
const TOP_FEATURES = 5;
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

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
  private readonly contexts = new ContextCache();
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
    const fatigued = req.fatigued ?? null;
    let k = 0;
    for (let i = 0; i < offers.length; i++) {
      const o = offers[i]!;
      if (ex.length > 0 && (exSet !== null ? exSet.has(o.id) : ex.includes(o.id))) continue;
      if (fatigued !== null && hasOwn(fatigued, o.id)) continue;
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
    const boost = routeBoost(c, route);
    if (boost !== null) applyBoost(c, boost, eligible, k, arms.boosts);
    const policy = this.policies.get(c, route);

    // Features, contextual weights and model scores only when the route or the request needs them.
    const contextual = CONTEXTUAL_POLICIES.includes(route.policy);
    const model = c.model ?? null;
    const explain = req.explain === true;
    const wantModel = model !== null && (route.policy === 'model' || c.modelUse === 'blend' || explain);
    let cc: CampaignContext | null = null;
    let input: ContextualInput | null = null;
    let modelScores: Float64Array | null = null;
    if (contextual || wantModel) {
      cc = this.contexts.get(c, schema);
      const x = cc.buildX(view, req.context);
      if (contextual) {
        const w = cc.gatherWeights(this.arms, eligible, k);
        input = { x, dim: cc.dim, m: w.m, q: w.q };
      }
      if (wantModel && cc.scorer !== null) modelScores = cc.scoreModel(eligible, k);
    }
    const base = { kernel: this.kernel, stickyKey: `${req.customerId}|${c.name}|${c.salt}`, now: this.now() };
    const ctx: DecideContext = {
      ...base,
      ...(input !== null ? { contextual: input } : {}),
      ...(modelScores !== null ? { modelScores, modelBlend: c.modelUse === 'blend' ? c.modelBlend : 0 } : {}),
    };
    const ranked = policy.rank(arms, Math.min(Math.max(1, req.numOffers), k), ctx);

    const out: EngineOffer[] = new Array<EngineOffer>(ranked.length);
    for (let j = 0; j < ranked.length; j++) {
      const r = ranked[j]!;
      const o = offers[eligible[r.index]!]!;
      const offer: EngineOffer = { offerId: o.id, score: r.score, probability: r.probability, propensity: r.propensity, attributes: o.attributes };
      out[j] = explain ? { ...offer, explanation: this.explanation(route.name, policy.name, r.index, r.score, r.probability, eligible, cc, modelScores, input !== null) } : offer;
    }
    const result: EngineResult = {
      campaign: c.name,
      offers: out,
      policy: policy.name,
      route: route.name,
      segment,
      configVersion: c.version,
      control: false,
      modelVersion: model?.version ?? '',
    };
    return input !== null ? { ...result, features: Array.from(input.x) } : result;
  }

  private explanation(
    route: string,
    policy: string,
    j: number,
    draw: number,
    mean: number,
    eligible: Int32Array,
    cc: CampaignContext | null,
    modelScores: Float64Array | null,
    contextual: boolean,
  ): ExplanationData {
    let topFeatures: ExplanationData['topFeatures'] = [];
    if (cc !== null && cc.scorer !== null && cc.scorer.spec.format === 'logistic') topFeatures = cc.scorer.contributions(cc.x, eligible[j]!, TOP_FEATURES);
    else if (cc !== null && contextual) topFeatures = cc.weightContributions(eligible[j]!, TOP_FEATURES);
    return {
      route,
      policy,
      draw,
      posteriorMean: mean,
      modelScore: modelScores !== null ? modelScores[j]! : 0,
      topFeatures,
      eligibility: 'eligible',
      fatigue: 'ok',
    };
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
      modelVersion: c.model?.version ?? '',
    };
  }
}

function eligibleSignature(eligible: Int32Array, k: number): string {
  let s = '';
  for (let j = 0; j < k; j++) s += (j === 0 ? '' : ',') + eligible[j]!;
  return s;
}
