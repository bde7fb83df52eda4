import type { SimulationReport } from './simulate';

/**
 * The regret chart as a standalone SVG (hand-written, no dependency): one line per policy (mean
 * cumulative regret over runs) with a band of +-2 standard errors, axes with ticks, a legend.
 * x is log-scaled by default (bandit regret grows ~log t, so early learning stays visible).
 */
export interface SvgOptions {
  readonly logX?: boolean;
  readonly width?: number;
  readonly height?: number;
}

const SVG_DEFAULTS = { logX: true, width: 820, height: 500 } as const;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const M = { left: 70, right: 20, top: 40, bottom: 50 } as const;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round "nice" tick values covering [0, max]. */
function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / target;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = 0; v <= max * 1.0001; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

export function regretSvg(report: SimulationReport, options: SvgOptions = {}): string {
  const o = { ...SVG_DEFAULTS, ...options };
  const W = o.width, H = o.height;
  const pw = W - M.left - M.right, ph = H - M.top - M.bottom;
  const horizon = report.scenario.horizon;
  let yMax = 0;
  for (const p of report.policies) for (const c of p.curve) yMax = Math.max(yMax, c.mean + 2 * c.se);
  const yTicks = niceTicks(yMax);
  const yTop = Math.max(yTicks[yTicks.length - 1], 1e-9);
  const useLog = o.logX && horizon > 10;
  const x = (step: number): number =>
    M.left + (useLog ? (Math.log(step) / Math.log(horizon)) * pw : (step / horizon) * pw);
  const y = (v: number): number => M.top + ph - (Math.max(0, v) / yTop) * ph;

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(report.scenario.name)}: mean cumulative regret (${report.scenario.runs} runs, band = ±2 SE)</text>`);
  // axes and grid
  parts.push(`<g stroke="#ccc" stroke-width="1">`);
  for (const t of yTicks) parts.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"/>`);
  parts.push(`</g>`);
  parts.push(`<g fill="#333">`);
  for (const t of yTicks) parts.push(`<text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  const xTicks: number[] = [];
  if (useLog) {
    for (let v = 1; v <= horizon; v *= 10) xTicks.push(v);
  } else {
    for (const t of niceTicks(horizon)) xTicks.push(t);
  }
  for (const t of xTicks) {
    if (t < 1 && useLog) continue;
    parts.push(`<line x1="${x(Math.max(t, 1)).toFixed(1)}" x2="${x(Math.max(t, 1)).toFixed(1)}" y1="${M.top + ph}" y2="${M.top + ph + 5}" stroke="#333"/>`);
    parts.push(`<text x="${x(Math.max(t, 1)).toFixed(1)}" y="${M.top + ph + 18}" text-anchor="middle">${fmt(t)}</text>`);
  }
  parts.push(`<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle">step${useLog ? ' (log scale)' : ''}</text>`);
  parts.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">cumulative regret</text>`);
  parts.push(`</g>`);
  parts.push(`<path d="M${M.left} ${M.top}V${M.top + ph}H${M.left + pw}" fill="none" stroke="#333"/>`);

  report.policies.forEach((p, i) => {
    const color = COLORS[i % COLORS.length];
    const upper = p.curve.map((c) => `${x(c.step).toFixed(1)} ${y(c.mean + 2 * c.se).toFixed(1)}`);
    const lower = p.curve.map((c) => `${x(c.step).toFixed(1)} ${y(c.mean - 2 * c.se).toFixed(1)}`).reverse();
    parts.push(`<path d="M${upper.join('L')}L${lower.join('L')}Z" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    const line = p.curve.map((c) => `${x(c.step).toFixed(1)} ${y(c.mean).toFixed(1)}`);
    parts.push(`<path d="M${line.join('L')}" fill="none" stroke="${color}" stroke-width="2"/>`);
  });
  // legend, top-left inside the plot
  report.policies.forEach((p, i) => {
    const color = COLORS[i % COLORS.length];
    const ly = M.top + 14 + i * 18;
    const label = `${p.policy}: ${fmt(p.cumulativeRegret.mean)} ± ${fmt(p.cumulativeRegret.se)}`;
    parts.push(`<line x1="${M.left + 12}" x2="${M.left + 36}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${M.left + 42}" y="${ly}" fill="#111">${esc(label)}</text>`);
  });
  parts.push(`</svg>`);
  return parts.join('\n') + '\n';
}
