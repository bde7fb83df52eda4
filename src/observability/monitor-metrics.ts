import * as prom from 'prom-client';
import type { CampaignStats__Output } from '../generated/nudge/v1/CampaignStats';

/**
 * Model and experiment monitoring as Prometheus gauges (issue 13), from the same figures as
 * GetCampaignStats (all segments pooled, the default calibration window). They are computed when
 * scraped, at most once per MIN_INTERVAL_MS however many gauges read them: P(best) and expected loss
 * draw posterior samples, which is cheap once per scrape and wasteful once per gauge.
 *
 * Labels are campaign names, offer ids, model versions, feature names and check names: configuration,
 * never anything a customer's request carries.
 */
const MIN_INTERVAL_MS = 1000;

export type StatsSource = () => Promise<CampaignStats__Output[]>;

export function registerMonitorGauges(registers: prom.Registry[], source: StatsSource): void {
  let last: { at: number; stats: Promise<CampaignStats__Output[]> } | null = null;
  const stats = (): Promise<CampaignStats__Output[]> => {
    const now = Date.now();
    if (last === null || now - last.at >= MIN_INTERVAL_MS) last = { at: now, stats: source().catch(() => []) };
    return last.stats;
  };
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: prom.Gauge<L>, s: CampaignStats__Output) => void): void => {
    new prom.Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const all = await stats();
        this.reset();
        for (const s of all) fill(this, s);
      },
    });
  };
  gauge('nudge_calibration_outcomes', 'Outcomes in the calibration window (NUDGE_CALIBRATION_WINDOW), treatment only', ['campaign'], (g, s) =>
    g.set({ campaign: s.campaign }, Number(s.calibration?.n ?? 0)),
  );
  gauge('nudge_calibration_ece', 'Expected calibration error of predicted reward probabilities over the calibration window (10 bins)', ['campaign'], (g, s) => {
    if (Number(s.calibration?.n ?? 0) > 0) g.set({ campaign: s.campaign }, s.calibration!.ece);
  });
  gauge('nudge_calibration_brier', 'Brier score (mean squared error of predicted reward probability) over the calibration window', ['campaign'], (g, s) => {
    if (Number(s.calibration?.n ?? 0) > 0) g.set({ campaign: s.campaign }, s.calibration!.brier);
  });
  gauge('nudge_model_calibration_ece', 'Expected calibration error per model version of the decisions ("" = priors, no model)', ['campaign', 'model_version'], (g, s) => {
    for (const m of s.modelCalibration) if (Number(m.calibration?.n ?? 0) > 0) g.set({ campaign: s.campaign, model_version: m.modelVersion }, m.calibration!.ece);
  });
  gauge('nudge_srm_p_value', 'p-value of the sample-ratio-mismatch chi-squared test (check: control, fixed-split)', ['campaign', 'check'], (g, s) => {
    for (const c of s.srm) g.set({ campaign: s.campaign, check: c.name }, c.pValue);
  });
  gauge('nudge_srm_flagged', '1 when the sample ratio mismatches (p < 0.001 with every expected count >= 5)', ['campaign', 'check'], (g, s) => {
    for (const c of s.srm) g.set({ campaign: s.campaign, check: c.name }, c.flagged ? 1 : 0);
  });
  gauge('nudge_uplift', 'Treatment reward rate minus control reward rate', ['campaign'], (g, s) => g.set({ campaign: s.campaign }, s.uplift));
  gauge('nudge_uplift_ci_low', 'Lower end of the 95% interval of the uplift', ['campaign'], (g, s) => g.set({ campaign: s.campaign }, s.upliftCiLow));
  gauge('nudge_uplift_ci_high', 'Upper end of the 95% interval of the uplift', ['campaign'], (g, s) => g.set({ campaign: s.campaign }, s.upliftCiHigh));
  gauge('nudge_uplift_verdict', '1 for the current uplift verdict (better, worse, inconclusive)', ['campaign', 'verdict'], (g, s) => {
    for (const v of ['better', 'worse', 'inconclusive']) g.set({ campaign: s.campaign, verdict: v }, s.upliftVerdict === v ? 1 : 0);
  });
  gauge('nudge_offer_p_best', 'Posterior probability that the offer is the best', ['campaign', 'offer'], (g, s) => {
    for (const o of s.offers) g.set({ campaign: s.campaign, offer: o.offerId }, o.pBest);
  });
  gauge('nudge_offer_expected_loss', 'Expected loss (reward rate given up) of choosing the offer', ['campaign', 'offer'], (g, s) => {
    for (const o of s.offers) g.set({ campaign: s.campaign, offer: o.offerId }, o.expectedLoss);
  });
  gauge('nudge_feature_psi', 'Population stability index of a campaign feature: loaded snapshot against recent decisions (this process)', ['campaign', 'feature'], (g, s) => {
    for (const d of s.drift) if (d.band !== 'no-data') g.set({ campaign: s.campaign, feature: d.feature }, d.psi);
  });
  gauge('nudge_feature_drift_samples', 'Recent decisions sampled for drift per feature (read PSI only beside it)', ['campaign', 'feature'], (g, s) => {
    for (const d of s.drift) g.set({ campaign: s.campaign, feature: d.feature }, Number(d.nCurrent));
  });
}
