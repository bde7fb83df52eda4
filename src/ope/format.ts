import type { EvaluationReport } from './evaluate';

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(3)}%` : 'n/a');

/** The plain-text summary `nudge evaluate` prints. */
export function formatEvaluation(r: EvaluationReport): string {
  const lines = [`policy ${r.policy} on ${r.format} logs: ${r.actions} actions; kernel ${r.kernel}; IPW/DR policy state: ${r.learn === 'none' ? 'fixed at its priors' : 'learning from the logs'}`];
  const skipped = Object.entries(r.skipped);
  if (skipped.length > 0) lines.push(`skipped: ${skipped.map(([k, v]) => `${v} (${k})`).join(', ')}`);
  for (const s of r.slots) {
    lines.push('');
    lines.push(`position ${s.position}: ${s.events} events; logged policy ${pct(s.logged.value)} [${pct(s.logged.ci[0])}, ${pct(s.logged.ci[1])}]`);
    lines.push(`  ${'estimator'.padEnd(9)} ${'value'.padStart(9)}  ${'95% interval'.padStart(22)}  n`);
    for (const e of s.estimates) {
      const extra = e.estimator === 'replay' ? `matched ${e.n} of ${e.detail.events}, ${e.detail.rewardSum} rewards` : e.detail.effectiveSampleSize !== undefined ? `ESS ${e.detail.effectiveSampleSize.toFixed(0)}` : '';
      lines.push(`  ${e.estimator.padEnd(9)} ${pct(e.value).padStart(9)}  [${pct(e.ci[0])}, ${pct(e.ci[1])}]`.padEnd(48) + `  ${extra}`);
    }
    for (const w of s.warnings) lines.push(`  warning: ${w}`);
  }
  return lines.join('\n') + '\n';
}
