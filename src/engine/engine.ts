import { apply as applyLogic, truthy } from 'json-logic-js';
import { NO_ACTION_OFFER } from '../campaigns/moments';
import type { CampaignConfig, OfferConfig, RouteConfig } from '../campaigns/types';
import { campaignNotFound } from '../errors';
import type { FeatureView } from '../features/store';
import type { CompiledSchema, FeatureReader } from '../features/types';
import type { Kernel } from '../kernel/types';
import { CONTEXTUAL_POLICIES } from '../policies/names';
import type { ContextualInput, DecideContext } from '../policies/types';
import { stickyUnit } from '../shared/hash';
import type { SessionValues } from '../sessions/types';
import type { ArmsLookup } from '../store/types';
import { applyArbitration, applyThresholds, arbitrationFactor, hasArbitration, hasThresholds, leversOn, posteriorMeanOf } from './arbitration';
import { ScratchArmsView } from './arms-view';
import { applyBoost, routeBoost } from './boosts';
import { ContextCache, type CampaignContext } from './contextual';
import { EligibleOffers, eligibleSignature } from './eligible';
import { applyContext, ruleData, segmentKey } from './features-adapter';
import { PolicyCache } from './policy-cache';
import { triggerModelScores } from './trigger';
import type { CampaignSource, EngineOffer, EngineRequest, EngineResult, ExplanationData, NoActionReason } from './types';

export interface EngineDeps {
  readonly kernel: Kernel;
  readonly features: FeatureReader;
  readonly arms: ArmsLookup;
  readonly campaigns: CampaignSource;
  /** Clock (ms since epoch); tests may fix it. */
  readonly now?: () => number;
}

/** Segments per campaign config whose view cache key is kept (everyOfferKey); more are built per call. */
const MAX_VIEW_KEYS = 4096;
/** Feature contributions listed per offer in an explanation. */
const TOP_FEATURES = 5;

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
  private readonly viewKeys = new WeakMap<CampaignConfig, Map<string, string>>();
  private record = new Float64Array(32);
  private noContext: FeatureView = { record: this.record, raw: null, extra: null };
  private readonly eligibleSet = new EligibleOffers();

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
    const session = req.session ?? null;
    const now = this.now();

    // Rule data is built at most once, and not at all for a campaign without rules (the common case).
    let data: Record<string, unknown> | null = null;
    const rules = (): Record<string, unknown> => (data ??= this.ruleData(schema, record, req.context, session));

    // The trigger comes first: a customer it holds back is neither treated nor in the control group,
    // so the uplift compares like with like.
    if (c.trigger !== null) {
      const d = rules();
      if (c.triggerModels.length > 0) d['model'] = triggerModelScores(c, this.campaigns, this.contexts, schema, view, req.context, session);
      if (!truthy(applyLogic(c.trigger as never, d))) return this.noAction(c, segment, '', '', 'trigger', session);
    }

    if (c.controlShare > 0 && stickyUnit(`${req.customerId}|${c.name}|${c.salt}|control`) < c.controlShare) {
      return this.controlDecision(c, segment, session);
    }

    let route: RouteConfig = c.routing[c.routing.length - 1]!;
    if (c.routing.length > 1) {
      const d = rules();
      for (const r of c.routing) {
        if (r.when === null || truthy(applyLogic(r.when as never, d))) {
          route = r;
          break;
        }
      }
    }
    const policy = this.policies.get(c, route);

    const offers = c.offers;
    let k = this.eligibleSet.fill(c, req.excludeOffers, req.fatigued ?? null, rules);
    const eligible = this.eligibleSet.indices;
    // The no-action arm alone is no choice: nothing is shown, and nothing is learned from it.
    const noActionIndex = c.noActionArm ? offers.length - 1 : -1;
    const realOffers = (n: number): number => (noActionIndex >= 0 && n > 0 && eligible[n - 1] === noActionIndex ? n - 1 : n);
    if (realOffers(k) === 0) return this.noAction(c, segment, route.name, policy.name, 'no_eligible_offer', session);

    // Features, contextual weights and model scores only when the route or the request needs them.
    const contextual = CONTEXTUAL_POLICIES.includes(route.policy);
    const model = c.model ?? null;
    const explain = req.explain === true;
    const thresholds = hasThresholds(c);
    const wantModel = model !== null && (route.policy === 'model' || c.modelUse === 'blend' || explain || thresholds);
    let cc: CampaignContext | null = null;
    let x: Float64Array | null = null;
    if (contextual || wantModel) {
      cc = this.contexts.get(c, schema);
      x = cc.buildX(view, req.context, session);
    }

    let arms = this.fillView(c, segment, eligible, k);
    if (thresholds) {
      const p = this.predictor(c, route, arms, eligible, k, cc, contextual);
      const kept = applyThresholds(c, eligible, k, p, (o) => o.id === NO_ACTION_OFFER);
      if (kept !== k) {
        this.eligibleSet.compacted();
        k = kept;
        if (realOffers(k) === 0) return this.noAction(c, segment, route.name, policy.name, 'min_probability', session);
        arms = this.fillView(c, segment, eligible, k);
      }
    }
    const boost = routeBoost(c, route);
    if (boost !== null) applyBoost(c, boost, eligible, k, arms.writableBoosts());
    if (hasArbitration(c)) applyArbitration(c, eligible, k, arms.writableBoosts(), now);

    let input: ContextualInput | null = null;
    let modelScores: Float64Array | null = null;
    if (cc !== null && x !== null) {
      if (contextual) {
        const w = cc.gatherWeights(this.arms, eligible, k);
        input = { x, dim: cc.dim, m: w.m, q: w.q };
      }
      if (wantModel && cc.scorer !== null) modelScores = cc.scoreModel(eligible, k);
    }
    const base = { kernel: this.kernel, stickyKey: `${req.customerId}|${c.name}|${c.salt}`, now };
    const ctx: DecideContext = {
      ...base,
      ...(input !== null ? { contextual: input } : {}),
      ...(modelScores !== null ? { modelScores, modelBlend: c.modelUse === 'blend' ? c.modelBlend : 0 } : {}),
    };
    let ranked = policy.rank(arms, Math.min(Math.max(1, req.numOffers), k), ctx);

    // No-action ranked in slot s: only the offers ranked above it are shown (their propensities are
    // those of their slots); in slot 0 nothing is shown and the arm itself is logged.
    let noActionArm: EngineOffer | null = null;
    if (noActionIndex >= 0) {
      const s = ranked.findIndex((r) => eligible[r.index] === noActionIndex);
      if (s === 0) {
        const r = ranked[0]!;
        noActionArm = { offerId: NO_ACTION_OFFER, score: r.score, probability: r.probability, propensity: r.propensity, attributes: {} };
      }
      if (s >= 0) ranked = ranked.slice(0, s);
    }

    const out: EngineOffer[] = new Array<EngineOffer>(ranked.length);
    for (let j = 0; j < ranked.length; j++) {
      const r = ranked[j]!;
      const o = offers[eligible[r.index]!]!;
      const offer: EngineOffer = { offerId: o.id, score: r.score, probability: r.probability, propensity: r.propensity, attributes: o.attributes };
      out[j] = explain
        ? { ...offer, explanation: this.explanation(c, o, now, route.name, policy.name, r.index, r.score, r.probability, eligible, cc, modelScores, input !== null) }
        : offer;
    }
    let result: EngineResult = {
      campaign: c.name,
      offers: out,
      policy: policy.name,
      route: route.name,
      segment,
      configVersion: c.version,
      control: false,
      modelVersion: model?.version ?? '',
    };
    if (input !== null) result = { ...result, features: Array.from(input.x) };
    if (noActionArm !== null) result = { ...result, noAction: 'no_action_arm', noActionArm };
    if (session !== null) result = { ...result, session };
    return result;
  }

  private fillView(c: CampaignConfig, segment: string, eligible: Int32Array, k: number): ScratchArmsView {
    const key = k === c.offers.length ? this.everyOfferKey(c, segment) : `${c.name}|${segment}|${c.version}|${eligibleSignature(eligible, k)}`;
    return this.view.fill(c, eligible, k, this.arms.arms(c.name, segment), key);
  }

  /**
   * The view's cache key when every offer is eligible (the common case), kept per config and segment:
   * the same string each call, so that the policy's cache finds it by its stored hash instead of
   * hashing a new concatenation on every Decide.
   */
  private everyOfferKey(c: CampaignConfig, segment: string): string {
    let keys = this.viewKeys.get(c);
    if (keys === undefined) this.viewKeys.set(c, (keys = new Map()));
    let key = keys.get(segment);
    if (key === undefined) {
      key = `${c.name}|${segment}|${c.version}|*`;
      if (keys.size < MAX_VIEW_KEYS) keys.set(segment, key);
    }
    return key;
  }

  /**
   * The predicted probability thresholds compare with: what Decide reports as `probability` for the
   * route's policy (model score for `model`, the logistic mean for contextual policies, else the
   * posterior mean), blended with the model under model_use: blend.
   */
  private predictor(
    c: CampaignConfig,
    route: RouteConfig,
    arms: ScratchArmsView,
    eligible: Int32Array,
    k: number,
    cc: CampaignContext | null,
    contextual: boolean,
  ): (j: number) => number {
    const scores = cc !== null && cc.scorer !== null ? cc.scoreModel(eligible, k).slice() : null;
    if (route.policy === 'model' && scores !== null) return (j) => scores[j]!;
    let base: (j: number) => number = (j) => posteriorMeanOf(arms, j);
    if (contextual && cc !== null) {
      const m = cc.gatherWeights(this.arms, eligible, k).m.slice();
      const xv = cc.x;
      const dim = cc.dim;
      base = (j) => {
        let z = 0;
        for (let i = 0; i < dim; i++) z += m[j * dim + i]! * xv[i]!;
        return 1 / (1 + Math.exp(-z));
      };
    }
    if (c.modelUse === 'blend' && scores !== null) {
      const b = c.modelBlend;
      const inner = base;
      return (j) => (1 - b) * inner(j) + b * scores[j]!;
    }
    return base;
  }

  /** An answer that shows nothing; logged and counted like any decision. */
  private noAction(c: CampaignConfig, segment: string, route: string, policy: string, reason: NoActionReason, session: SessionValues | null): EngineResult {
    const r: EngineResult = {
      campaign: c.name,
      offers: [],
      policy,
      route,
      segment,
      configVersion: c.version,
      control: false,
      modelVersion: c.model?.version ?? '',
      noAction: reason,
    };
    return session !== null ? { ...r, session } : r;
  }

  private ruleData(schema: CompiledSchema, record: Float64Array, context: Readonly<Record<string, string>>, session: SessionValues | null): Record<string, unknown> {
    const d = ruleData(schema, record, context) as Record<string, unknown>;
    if (session !== null) d['session'] = session;
    return d;
  }

  private explanation(
    c: CampaignConfig,
    o: OfferConfig,
    now: number,
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
      value: o.value,
      levers: leversOn(c, o, now),
      expectedValue: mean * arbitrationFactor(c, o, now),
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
  private controlDecision(c: CampaignConfig, segment: string, session: SessionValues | null): EngineResult {
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
      ...(session !== null ? { session } : {}),
    };
  }
}
