import type { CampaignStats__Output } from '../generated/nudge/v1/CampaignStats';

/**
 * `nudge monitor`'s report: what GetCampaignStats says about calibration, drift, sample ratio and
 * uplift, as text for people and as alerts for a cron job (--check). Pure: no I/O.
 */

export interface AlertRules {
  /** Calibration alert above this ECE, once the window has at least `minOutcomes` outcomes. */
  readonly maxEce: number;
  readonly minOutcomes: number;
  /** Drift alerts need this many samples on both sides: PSI is noise below (src/monitoring/psi.ts). */
  readonly minDriftSamples: number;
}

export const ALERT_DEFAULTS: AlertRules = { maxEce: 0.1, minOutcomes: 1000, minDriftSamples: 1000 };

export interface Alert {
  readonly campaign: string;
  readonly kind: 'srm' | 'drift' | 'calibration' | 'uplift';
  readonly message: string;
}

export function alertsOf(all: readonly CampaignStats__Output[], rules: AlertRules = ALERT_DEFAULTS): Alert[] {
  const out: Alert[] = [];
  for (const s of all) {
    for (const c of s.srm) {
      if (c.flagged) out.push({ campaign: s.campaign, kind: 'srm', message: `sample ratio mismatch in ${c.name}: observed ${c.observed.join('/')}, expected ${c.expected.map((e) => e.toFixed(1)).join('/')}, p = ${c.pValue.toExponential(2)}` });
    }
    for (const d of s.drift) {
      if (d.band === 'significant' && Number(d.nReference) >= rules.minDriftSamples && Number(d.nCurrent) >= rules.minDriftSamples) {
        out.push({ campaign: s.campaign, kind: 'drift', message: `feature ${d.feature} drifted: PSI ${d.psi.toFixed(3)} (n = ${d.nReference} / ${d.nCurrent})` });
      }
    }
    const cal = s.calibration;
    if (cal !== null && cal !== undefined && Number(cal.n) >= rules.minOutcomes && cal.ece > rules.maxEce) {
      out.push({ campaign: s.campaign, kind: 'calibration', message: `ECE ${cal.ece.toFixed(3)} above ${rules.maxEce} over ${cal.n} outcomes` });
    }
    if (s.upliftVerdict === 'worse') {
      out.push({ campaign: s.campaign, kind: 'uplift', message: `treatment does worse than control: uplift ${signed(s.uplift)} [${signed(s.upliftCiLow)}, ${signed(s.upliftCiHigh)}]` });
    }
  }
  return out;
}

const signed = (x: number): string => (x >= 0 ? '+' : '') + x.toFixed(4);
const num = (x: number, d = 3): string => x.toFixed(d);

function table(rows: string[][], indent: string): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => indent + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
}

function duration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.round(ms / 60_000)}m`;
}

export function formatReport(all: readonly CampaignStats__Output[], alerts: readonly Alert[]): string {
  const lines: string[] = [];
  for (const s of all) {
    const cal = s.calibration;
    lines.push(`campaign ${s.campaign}`);
    lines.push(`  uplift       ${signed(s.uplift)}  95% [${signed(s.upliftCiLow)}, ${signed(s.upliftCiHigh)}]  ${s.upliftVerdict}  (treatment ${s.treatment?.decisions ?? 0}, control ${s.control?.decisions ?? 0} decisions)`);
    for (const c of s.srm) lines.push(`  srm          ${c.name}: chi2 ${num(c.chi2, 2)}, df ${c.df}, p ${c.pValue.toExponential(2)}  ${c.flagged ? 'MISMATCH' : 'ok'}`);
    lines.push(`  calibration  last ${duration(Number(s.calibrationWindowMs))}: n ${cal?.n ?? 0}, ECE ${num(cal?.ece ?? 0)}, Brier ${num(cal?.brier ?? 0)}`);
    for (const m of s.modelCalibration) lines.push(`    model ${m.modelVersion === '' ? '(priors)' : m.modelVersion}: n ${m.calibration?.n ?? 0}, ECE ${num(m.calibration?.ece ?? 0)}, Brier ${num(m.calibration?.brier ?? 0)}`);
    lines.push('  offers');
    lines.push(
      ...table(
        [
          ['offer', 'impressions', 'rewards', 'mean', '95% CI', 'P(best)', 'exp. loss', 'ECE'],
          ...s.offers.map((o) => [o.offerId, String(o.impressions), num(o.rewards, 1), num(o.mean), `${num(o.ciLow)}-${num(o.ciHigh)}`, num(o.pBest, 2), num(o.expectedLoss, 4), Number(o.calibration?.n ?? 0) > 0 ? num(o.calibration!.ece) : '-']),
        ],
        '    ',
      ),
    );
    if (s.drift.length > 0) {
      lines.push('  drift (PSI: loaded snapshot vs recent decisions)');
      lines.push(...table([['feature', 'kind', 'PSI', 'band', 'n ref', 'n cur'], ...s.drift.map((d) => [d.feature, d.kind, num(d.psi), d.band, String(d.nReference), String(d.nCurrent)])], '    '));
    }
    lines.push('');
  }
  lines.push(alerts.length === 0 ? 'no alerts' : `${alerts.length} alert${alerts.length === 1 ? '' : 's'}:`);
  for (const a of alerts) lines.push(`  ${a.campaign}: ${a.kind}: ${a.message}`);
  return lines.join('\n') + '\n';
}
