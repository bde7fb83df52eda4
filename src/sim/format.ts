import type { SimulationReport } from './simulate';

/** The plain-text summary `nudge simulate` prints: one line per policy, best (lowest regret) first. */
export function formatSimulation(report: SimulationReport): string {
  const s = report.scenario;
  const lines = [
    `scenario ${s.name}: ${s.runs} runs x ${s.horizon} steps, ${s.arms.count} arms, feedbackDelay ${s.feedbackDelay}, churn ${s.churn}, ${s.drift.length} drift(s); kernel ${report.kernel}`,
  ];
  const rows = [...report.policies].sort((a, b) => a.cumulativeRegret.mean - b.cumulativeRegret.mean);
  const w = Math.max(6, ...rows.map((r) => r.policy.length));
  lines.push(`${'policy'.padEnd(w)}  ${'cum. regret'.padStart(12)} ${'± SE'.padStart(10)}  ${'reward rate'.padStart(11)}  ${'steps/s'.padStart(10)}`);
  for (const r of rows) {
    lines.push(
      `${r.policy.padEnd(w)}  ${r.cumulativeRegret.mean.toFixed(1).padStart(12)} ${r.cumulativeRegret.se.toFixed(1).padStart(10)}  ${r.rewardRate.mean.toFixed(5).padStart(11)}  ${(r.stepsPerSecond / 1e6).toFixed(2).padStart(9)}M`,
    );
  }
  if (s.noActionArm && s.contexts !== undefined) {
    lines.push('do-nothing share (arm 0) per context over the last fifth of the steps:');
    const names = s.contexts.map((c, i) => contextName(c.features, i));
    for (const r of rows) {
      const shares = r.noActionShare ?? [];
      lines.push(`  ${r.policy.padEnd(w)}  ${names.map((n, i) => `${n} ${((shares[i] ?? 0) * 100).toFixed(1)}%`).join('  ')}`);
    }
  }
  return lines.join('\n') + '\n';
}

function contextName(features: Readonly<Record<string, number | string>>, i: number): string {
  const name = features['name'];
  return typeof name === 'string' ? name : `context ${i}`;
}
