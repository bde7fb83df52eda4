/**
 * A small hand-written SVG line chart (no dependency): axes with ticks, optional log y scale, one
 * polyline per series, horizontal reference lines (the SLO) and a legend.
 */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
  /** Drawn hollow: a point whose run was invalid (the generator fell behind). */
  readonly hollow?: boolean;
}

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
  readonly color?: string;
  readonly dashed?: boolean;
}

export interface LineChart {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly yLog: boolean;
  readonly series: readonly ChartSeries[];
  readonly hlines?: readonly { readonly y: number; readonly label: string; readonly color?: string }[];
  readonly width?: number;
  readonly height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceStep(range: number, target: number): number {
  const raw = range / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a >= 1) return String(+v.toPrecision(4));
  return String(+v.toPrecision(2));
}

const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

export function renderLineChart(chart: LineChart): string {
  const W = chart.width ?? 860;
  const H = chart.height ?? 520;
  const m = { left: 78, right: 24, top: chart.subtitle ? 66 : 48, bottom: 62 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const pts = chart.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const refs = (chart.hlines ?? []).map((h) => h.y);
  const xs = pts.map((p) => p.x);
  const xMax0 = xs.length ? Math.max(...xs) : 1;
  const xStep = niceStep(xMax0, 8);
  const xMax = Math.max(xStep, Math.ceil(xMax0 / xStep) * xStep);
  const xMin = 0;

  let yTicks: number[];
  let yMin: number;
  let yMax: number;
  if (chart.yLog) {
    const ys = [...pts.map((p) => p.y), ...refs].filter((y) => y > 0);
    yMin = 10 ** Math.floor(Math.log10(ys.length ? Math.min(...ys) : 0.1));
    yMax = 10 ** Math.ceil(Math.log10(ys.length ? Math.max(...ys) : 10));
    if (yMax <= yMin) yMax = yMin * 10;
    yTicks = [];
    for (let v = yMin; v <= yMax * 1.0001; v *= 10) yTicks.push(v);
  } else {
    const ys = [...pts.map((p) => p.y), ...refs];
    const hi = ys.length ? Math.max(...ys) : 1;
    const step = niceStep(hi, 6);
    yMin = 0;
    yMax = Math.max(step, Math.ceil((hi * 1.05) / step) * step);
    yTicks = [];
    for (let v = 0; v <= yMax + step / 2; v += step) yTicks.push(v);
  }
  const sx = (x: number): number => m.left + ((x - xMin) / (xMax - xMin)) * pw;
  const sy = (y: number): number => {
    if (chart.yLog) {
      const v = Math.log10(Math.max(y, yMin)) - Math.log10(yMin);
      return m.top + ph - (v / (Math.log10(yMax) - Math.log10(yMin))) * ph;
    }
    return m.top + ph - ((y - yMin) / (yMax - yMin)) * ph;
  };

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`);
  if (chart.subtitle) out.push(`<text x="${W / 2}" y="44" text-anchor="middle" fill="#555555">${escapeXml(chart.subtitle)}</text>`);
  // Grid and ticks.
  if (chart.yLog) {
    // Minor lines at 2x and 5x each decade: a log axis without them is hard to read off.
    out.push('<g stroke="#f2f2f2" stroke-width="1">');
    for (const t of yTicks.slice(0, -1)) for (const k of [2, 5]) out.push(`<line x1="${m.left}" y1="${r1(sy(t * k))}" x2="${m.left + pw}" y2="${r1(sy(t * k))}"/>`);
    out.push('</g>');
  }
  out.push('<g stroke="#e5e5e5" stroke-width="1">');
  for (const t of yTicks) out.push(`<line x1="${m.left}" y1="${r1(sy(t))}" x2="${m.left + pw}" y2="${r1(sy(t))}"/>`);
  for (let x = xMin; x <= xMax + xStep / 2; x += xStep) out.push(`<line x1="${r1(sx(x))}" y1="${m.top}" x2="${r1(sx(x))}" y2="${m.top + ph}"/>`);
  out.push('</g>');
  out.push(`<g stroke="#333333" stroke-width="1"><line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}"/><line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}"/></g>`);
  out.push('<g fill="#333333">');
  for (const t of yTicks) out.push(`<text x="${m.left - 8}" y="${r1(sy(t) + 4)}" text-anchor="end">${escapeXml(fmt(t))}</text>`);
  for (let x = xMin; x <= xMax + xStep / 2; x += xStep) out.push(`<text x="${r1(sx(x))}" y="${m.top + ph + 18}" text-anchor="middle">${escapeXml(fmt(x))}</text>`);
  out.push('</g>');
  out.push(`<text x="${m.left + pw / 2}" y="${H - 16}" text-anchor="middle" font-size="13">${escapeXml(chart.xLabel)}</text>`);
  out.push(`<text x="18" y="${m.top + ph / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${m.top + ph / 2})">${escapeXml(chart.yLabel)}</text>`);
  // Reference lines (e.g. the SLO).
  for (const h of chart.hlines ?? []) {
    if (h.y < yMin || h.y > yMax) continue;
    const c = h.color ?? '#d62728';
    out.push(`<line x1="${m.left}" y1="${r1(sy(h.y))}" x2="${m.left + pw}" y2="${r1(sy(h.y))}" stroke="${c}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${m.left + pw - 4}" y="${r1(sy(h.y) - 6)}" text-anchor="end" fill="${c}">${escapeXml(h.label)}</text>`);
  }
  // Series.
  chart.series.forEach((s, i) => {
    const c = s.color ?? PALETTE[i % PALETTE.length];
    const p = s.points.filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y)).slice().sort((a, b) => a.x - b.x);
    if (p.length > 1) {
      const d = p.map((q) => `${r1(sx(q.x))},${r1(sy(q.y))}`).join(' ');
      out.push(`<polyline fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${d}"/>`);
    }
    if (p.length <= 60) {
      for (const q of p) {
        out.push(`<circle cx="${r1(sx(q.x))}" cy="${r1(sy(q.y))}" r="3.5" fill="${q.hollow ? '#ffffff' : c}" stroke="${c}" stroke-width="1.5"/>`);
      }
    }
  });
  // Legend, top-left inside the plot.
  const hasHollow = chart.series.some((s) => s.points.some((q) => q.hollow));
  const rows = chart.series.length + (hasHollow ? 1 : 0);
  const lw = Math.max(140, ...chart.series.map((s) => 40 + s.name.length * 7));
  out.push(`<g transform="translate(${m.left + 10},${m.top + 10})">`);
  out.push(`<rect x="0" y="0" width="${lw}" height="${rows * 18 + 8}" fill="#ffffff" fill-opacity="0.9" stroke="#cccccc"/>`);
  chart.series.forEach((s, i) => {
    const c = s.color ?? PALETTE[i % PALETTE.length];
    const y = 14 + i * 18;
    out.push(`<line x1="8" y1="${y - 4}" x2="28" y2="${y - 4}" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    out.push(`<text x="34" y="${y}">${escapeXml(s.name)}</text>`);
  });
  if (hasHollow) {
    const y = 14 + chart.series.length * 18;
    out.push(`<circle cx="18" cy="${y - 4}" r="3.5" fill="#ffffff" stroke="#333333" stroke-width="1.5"/>`);
    out.push(`<text x="34" y="${y}">invalid run (generator behind)</text>`);
  }
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
