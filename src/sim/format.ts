import type { SimulationReport } from './simulate';

/** The plain-text summary `nudge simulate` prints: one line per policy, best (lowest regret) first. */
export function formatSimulation(report: SimulationReport): string {
  const s = report.scenario;
  const lines = [
    `scenario ${s.name}: ${s.runs} runs x ${s.horizon} steps, ${s.arms.count} arms, feedbackDelay ${s.feedbackDelay}, churn ${s.churn}, ${s.drift.length} drift(s)${s.noActionArm ? ', arm 0 = no action' : ''}${s.segmentBy.length > 0 ? `, segmentBy ${s.segmentBy.join(',')}` : ''}; kernel ${report.kernel}`,
  ];
  const rows = [...report.policies].sort((a, b) => a.cumulativeRegret.mean - b.cumulativeRegret.mean);
  const w = Math.max(6, ...rows.map((r) => r.policy.length));
  lines.push(`${'policy'.padEnd(w)}  ${'cum. regret'.padStart(12)} ${'± SE'.padStart(10)}  ${'reward rate'.padStart(11)}  ${'steps/s'.padStart(10)}`);
  for (const r of rows) {
    lines.push(
      `${r.policy.padEnd(w)}  ${r.cumulativeRegret.mean.toFixed(1).padStart(12)} ${r.cumulativeRegret.se.toFixed(1).padStart(10)}  ${r.rewardRate.mean.toFixed(5).padStart(11)}  ${(r.stepsPerSecond / 1e6).toFixed(2).padStart(9)}M`,
    );
  }
  const shared = rows.filter((r) => r.noActionShare !== undefined);
  if (shared.length > 0) {
    lines.push('no-action (arm 0) share per context over the last fifth of the steps, mean ± SE over runs:');
    const cols = shared[0].noActionShare!.map((c) => c.context);
    const cw = Math.max(14, ...cols.map((c) => c.length));
    lines.push(`${'policy'.padEnd(w)}  ${cols.map((c) => c.padStart(cw)).join('  ')}`);
    for (const r of shared) {
      const cells = r.noActionShare!.map((c) => `${(c.mean * 100).toFixed(1)}% ± ${(c.se * 100).toFixed(1)}`.padStart(cw));
      lines.push(`${r.policy.padEnd(w)}  ${cells.join('  ')}`);
    }
  }
  return lines.join('\n') + '\n';
}
