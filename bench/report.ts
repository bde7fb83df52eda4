/** Human-readable outputs of a suite run: the markdown summary and the p99-against-rate chart. */
import { renderHeadline } from './headline-report';
import type { SuiteResult, ScenarioResult } from './results';
import { renderLineChart, type ChartSeries } from './svg';
import type { RunRecord } from './sweep';

const TARGET_COLORS: Record<string, string> = { floor: '#7f7f7f', nudge: '#1f77b4' };

const f = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const rate = (v: number): string => v.toLocaleString('en-US');

function capacityCell(s: ScenarioResult, target: string): string {
  const c = s.capacity[target];
  if (!c) return '–';
  if (!s.sweep) return '–';
  const base = c.rate === 0 ? `< ${c.firstFailRate === null ? '?' : rate(c.firstFailRate)}` : `${rate(c.rate)}${c.open ? '+' : ''}`;
  return c.generatorLimited ? `${base} (generator-limited)` : base;
}

function errorsCell(r: RunRecord): string {
  const e = Object.entries(r.summary.errors);
  return e.length === 0 ? '0' : e.map(([k, v]) => `${k}:${v}`).join(' ');
}

export function renderMarkdown(r: SuiteResult): string {
  const L: string[] = [];
  const m = r.machine;
  L.push(`# Nudge benchmark (${r.profile})`);
  L.push('');
  L.push(`${r.startedAt} · ${m.cpus} × ${m.cpuModel} · ${m.totalMemoryMb} MB · Node ${m.node} · commit ${m.gitCommit?.slice(0, 12) ?? 'unknown'}${m.gitDirty ? ' (dirty)' : ''} · load average at start ${m.loadAverage.join(' / ')}`);
  L.push('');
  L.push('Client and servers share this machine. Compare Nudge with the floor of the same run only.');
  L.push('');
  if (r.headline !== undefined) {
    if ('failed' in r.headline) L.push('## Headline', '', `Failed: ${r.headline.failed.split('\n')[0]}`, '');
    else L.push(renderHeadline(r.headline));
  }
  if (r.scenarios.length > 0) renderSweep(r, L);
  else renderOutcomes(r, L);
  if (r.notes.length) {
    L.push('');
    L.push('## Notes');
    L.push('');
    for (const n of r.notes) L.push(`- ${n}`);
  }
  L.push('');
  return L.join('\n');
}

function renderOutcomes(r: SuiteResult, L: string[]): void {
  if ('outcomesPerSecond' in r.outcomes) {
    const o = r.outcomes;
    L.push('');
    L.push(`StreamOutcomes: ${rate(o.outcomesSent)} outcomes in ${f(o.streamSeconds, 3)} s (client done writing after ${f(o.writeSeconds, 3)} s) → **${rate(o.outcomesPerSecond)} outcomes/s** durable (${rate(o.appliedPerSecond)} applied/s; target ≥ 50,000); counted by GetCampaignStats ${o.visibleAfterMs === null ? 'not within 5 s (or stats unavailable)' : `${o.visibleAfterMs} ms after the summary`} (target ≤ 1 s)${o.error ? ` — error: ${o.error}` : ''}.`);
  } else {
    L.push('');
    L.push(`StreamOutcomes: skipped (${r.outcomes.skipped}).`);
  }
}

/** The open-loop sweep: capacities at the SLO, p99 at 1,000 req/s, one row per run. */
function renderSweep(r: SuiteResult, L: string[]): void {
  L.push('## Sweep (open loop)');
  L.push('');
  L.push('Latency is measured from the scheduled send time (open loop, no coordinated omission). SLO: p99 ≤ 10 ms.');
  L.push('');
  L.push('### Summary');
  L.push('');
  const atRate = r.scenarios[0]?.at1000?.rate ?? 1000;
  const at = atRate === 1000 ? '@1k' : `@${rate(atRate)}/s`;
  L.push(`| scenario | floor capacity (req/s) | nudge capacity (req/s) | nudge/floor | floor p99 ${at} (ms) | nudge p99 ${at} (ms) | nudge/floor ${at} |`);
  L.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const s of r.scenarios) {
    const a = s.at1000;
    L.push(`| ${s.label}${s.error ? ` — ${s.error.split('\n')[0]}` : ''} | ${capacityCell(s, 'floor')} | ${capacityCell(s, 'nudge')} | ${f(s.capacityRatio)} | ${f(a?.floorP99Ms)} | ${f(a?.nudgeP99Ms)} | ${f(a?.ratio)} |`);
  }
  const main = r.scenarios.find((s) => s.id === 'main');
  if (main && main.capacity.nudge) {
    L.push('');
    L.push('Targets (main scenario):');
    const capOk = main.capacityRatio !== null && main.capacityRatio >= 0.8;
    const p99Ok = main.at1000?.ratio !== null && main.at1000?.ratio !== undefined && main.at1000.ratio <= 1.25;
    const limited = Object.values(main.capacity).some((c) => c.generatorLimited);
    L.push(`- capacity at the SLO ≥ 0.8 × floor: ${main.capacityRatio === null ? 'not measured (no floor capacity)' : `${f(main.capacityRatio)} → ${limited ? 'not judged (a capacity is generator-limited: the first failed rate was an invalid run)' : capOk ? 'met' : 'MISSED'}`}`);
    const atRuns = main.runs.filter((x) => x.rate === main.at1000?.rate);
    const atInvalid = atRuns.some((x) => !x.summary.valid);
    L.push(`- p99 at 1,000 req/s ≤ 1.25 × floor: ${main.at1000?.ratio == null ? 'not measured' : `${f(main.at1000.ratio)} → ${atInvalid ? 'not judged (invalid run: the generator fell behind)' : p99Ok ? 'met' : 'MISSED'}`}`);
  }
  renderOutcomes(r, L);
  L.push('');
  L.push('### Runs');
  L.push('');
  L.push('Latency in ms from the scheduled send; "sent→" is from the actual send. Lateness: how far the generator fell behind its schedule. CPU shares are of one core (server: whole run, warm-up included); load avg: 1-minute load average at the end of the run. ✗ = SLO missed; INVALID = the generator fell behind (figures say nothing about the server).');
  L.push('');
  L.push('| scenario | target | offered/s | achieved/s | p50 | p90 | p99 | p99.9 | max | sent→p99 | errors | lateness p99 / max | gen CPU | server CPU | load avg | verdict |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|');
  for (const s of r.scenarios) {
    for (const run of s.runs) {
      const sm = run.summary;
      const l = sm.latencyMs;
      const verdict = !sm.valid ? `INVALID: ${sm.invalidReasons.join('; ')}` : run.pass ? '✓' : '✗';
      L.push(
        `| ${s.id} | ${run.target} | ${rate(run.rate)} | ${rate(Math.round(sm.achievedRate))} | ${f(l.p50)} | ${f(l.p90)} | ${f(l.p99)} | ${f(l.p999)} | ${f(l.max)} | ${f(sm.latencyFromSentMs.p99)} | ${errorsCell(run)} | ${f(sm.lateness.p99Ms)} / ${f(sm.lateness.maxMs)} | ${Math.round(sm.generator.cpuShare * 100)}% | ${run.serverCpuShare === null ? '–' : `${Math.round(run.serverCpuShare * 100)}%`} | ${f(run.loadAverage, 1)} | ${verdict} |`,
      );
    }
  }
}

/** p99 against offered rate: one line per target of every swept scenario, and the SLO line. */
export function renderP99Chart(r: SuiteResult, sloMs: number): string {
  const series: ChartSeries[] = [];
  const swept = r.scenarios.filter((s) => s.sweep);
  for (const s of swept) {
    const targets = [...new Set(s.runs.map((x) => x.target))];
    for (const t of targets) {
      series.push({
        name: swept.length > 1 ? `${t} — ${s.label}` : t === 'floor' ? 'floor (no-op grpc-js)' : `${t} (${s.label})`,
        color: swept.length > 1 ? undefined : TARGET_COLORS[t],
        dashed: t === 'floor',
        points: s.runs.filter((x) => x.target === t).map((x) => ({ x: x.rate, y: Math.max(0.01, x.summary.latencyMs.p99), hollow: !x.summary.valid })),
      });
    }
  }
  return renderLineChart({
    title: 'p99 latency against offered rate',
    subtitle: `${r.profile} run ${r.startedAt.slice(0, 19)}Z · ${r.machine.cpus} CPUs · Node ${r.machine.node} · commit ${r.machine.gitCommit?.slice(0, 8) ?? '?'}`,
    xLabel: 'offered rate (requests/s, open loop)',
    yLabel: 'p99 latency (ms, log scale)',
    yLog: true,
    series,
    hlines: [{ y: sloMs, label: `SLO ${sloMs} ms` }],
  });
}
