/** Markdown of the headline figures (bench/headline.ts): the summary table, the CPU split, the rounds. */
import { COMPONENTS } from './cpu-profile';
import { HEADLINE_TARGETS, SLICE_REWARM_MS, type HeadlineResult, type OpenRun, type SaturatedRun, type Verdict } from './headline';
import type { Spread } from './scale/figures';

const num = (x: number, digits: number): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** "12,345 (11,900–12,700)"; "–" when not measured. */
export function fmt(s: Spread | null | undefined, digits = 0, unit = '', sign = false): string {
  if (!s) return '–';
  const f = (x: number): string => `${sign && x > 0 ? '+' : ''}${num(x, digits)}${unit}`;
  return s.n === 1 ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

const signed = (x: number | undefined, digits = 1): string => (x === undefined ? '–' : `${x > 0 ? '+' : ''}${num(x, digits)}`);

function verdict(v: Verdict, invalid: boolean): string {
  const base = v === 'target met' ? 'target met' : v === 'MISSED' ? '**MISSED**' : 'not measured';
  return invalid ? `${base} (run INVALID)` : base;
}

function cpuLabel(cpus: readonly number[]): string {
  return cpus.length === 1 ? `CPU ${cpus[0]}` : `CPUs ${cpus.join(',')}`;
}

export function renderHeadline(h: HeadlineResult): string {
  const L: string[] = [];
  const s = h.settings;
  const f = h.figures;
  const inv = h.invalid !== null;
  L.push('## Headline: Nudge against the floor, same run');
  L.push('');
  if (inv) L.push(`**INVALID run: ${h.invalid}.** The figures below were measured but cannot be judged: the server and the generator were not kept on different cores.`, '');
  const gen = s.generator === 'h2load' ? `h2load ${h.generatorVersion ?? ''}`.trim() : 'builtin (bench/loadgen raw HTTP/2)';
  L.push(
    `${h.startedAt.replace('T', ' ').slice(0, 19)} UTC · generator ${gen} · server ${inv ? 'unpinned' : `pinned to ${cpuLabel(h.cpus.server)}`}, generator ${inv ? 'unpinned' : `on ${cpuLabel(h.cpus.generator)}`} · ` +
      `${h.rounds.length} alternating rounds after a ${s.serverWarmupMs / 1000} s warm-up of each server · load average ${h.loadAverage.start[0]} at the start, ${h.loadAverage.end[0]} at the end · build of ${h.build.newestMtime.replace('T', ' ').slice(0, 19)}${h.build.rebuiltDuringRun ? ' (tree rebuilt during the run; the copy taken at the start was measured)' : ''}`,
  );
  L.push('');
  L.push(`Medians over the rounds, (min–max) in brackets; ratios and differences are paired by round. Closed loop: ${s.connections} connections × ${s.streams} streams, ${s.closedMs / 1000} s after ${s.closedWarmupMs / 1000} s warm-up${(s.slices ?? 1) > 1 ? `, as ${s.slices} runs of ${s.closedMs / s.slices / 1000} s alternating with the other server's (n f f n ...; each after the first with a ${SLICE_REWARM_MS / 1000} s warm-up)` : ''}; open loop: ${s.openRate.toLocaleString('en-US')} req/s, ${s.openMs / 1000} s after ${s.openWarmupMs / 1000} s.`);
  L.push('');
  L.push('| figure | floor | nudge | nudge vs floor | target | |');
  L.push('|---|---:|---:|---:|---|---|');
  L.push(`| per-core saturated Decide/s | ${fmt(f.saturated.floor)} | ${fmt(f.saturated.nudge)} | ${fmt(f.saturated.ratio, 2, 'x')} | ≥ ${HEADLINE_TARGETS.perCoreRatio}x | ${verdict(h.verdicts.perCore, inv)} |`);
  L.push(`| main-thread CPU µs per Decide (/proc) | ${fmt(f.mainUsPerCall.floor, 1)} | ${fmt(f.mainUsPerCall.nudge, 1)} | ${fmt(f.mainUsPerCall.own, 1, ' µs', true)} (Nudge's own work) | ≤ ~${HEADLINE_TARGETS.ownWorkUs} µs | ${verdict(h.verdicts.ownWork, inv)} |`);
  const p99Note = f.p99.includesInvalid ? ' (includes INVALID runs)' : '';
  L.push(`| p99 at ${s.openRate.toLocaleString('en-US')} req/s, open loop (ms) | ${fmt(f.p99.floor, 2)} | ${fmt(f.p99.nudge, 2)} | ${fmt(f.p99.ratio, 2, 'x')}${p99Note} | ≤ ${HEADLINE_TARGETS.p99Ratio}x (and < ${HEADLINE_TARGETS.p99AbsoluteMs} ms) | ${verdict(h.verdicts.p99, inv || f.p99.includesInvalid)}${f.p99.nudge && f.p99.nudge.median >= HEADLINE_TARGETS.p99AbsoluteMs ? `; nudge p99 ≥ ${HEADLINE_TARGETS.p99AbsoluteMs} ms` : ''} |`);
  L.push(`| Decide/s per second of server CPU (all threads) | ${fmt(f.perServerCpuSecond.floor)} | ${fmt(f.perServerCpuSecond.nudge)} | ${fmt(f.perServerCpuSecond.ratio, 2, 'x')} | | |`);
  L.push(`| whole-process CPU µs per Decide | ${fmt(f.processUsPerCall.floor, 1)} | ${fmt(f.processUsPerCall.nudge, 1)} | | | |`);
  L.push('');
  const pf = h.profiled.floor;
  const pn = h.profiled.nudge;
  if (pf || pn) {
    L.push(`Main-thread CPU µs per Decide by component: one extra saturated round of each server under \`node --cpu-prof\` (${s.profileMs / 1000} s, ${s.profileIntervalUs} µs sampling; Nudge with shedding off, NUDGE_MAX_LAG_MS=0, so that every call is served and counted); each component's share of the profiled main-thread time × that round's /proc main-thread µs per call. The mapping of code to components is the table in bench/cpu-profile.ts.`);
    L.push('');
    L.push('| component | floor | nudge | nudge − floor |');
    L.push('|---|---:|---:|---:|');
    const c = f.components;
    for (const k of COMPONENTS) L.push(`| ${k === 'gc' ? 'GC' : k} | ${c?.floor ? num(c.floor[k], 1) : '–'} | ${c?.nudge ? num(c.nudge[k], 1) : '–'} | ${c?.own ? signed(c.own[k]) : '–'} |`);
    const prog = (p: typeof pf): string => (p ? num(p.programUsPerCall, 1) : '–');
    L.push(`| … of which native, no JS frame ("(program)": nghttp2, libuv I/O, V8 runtime) | ${prog(pf)} | ${prog(pn)} | ${pf && pn ? signed(pn.programUsPerCall - pf.programUsPerCall) : '–'} |`);
    const tf = pf?.run.mainUsPerCall ?? undefined;
    const tn = pn?.run.mainUsPerCall ?? undefined;
    L.push(`| **total** (profiled round) | ${tf === undefined ? '–' : num(tf, 1)} | ${tn === undefined ? '–' : num(tn, 1)} | ${tf !== undefined && tn !== undefined ? signed(tn - tf) : '–'} |`);
    L.push(`| saturated Decide/s in the profiled round | ${pf ? num(pf.run.okPerSecond, 0) : '–'} | ${pn ? num(pn.run.okPerSecond, 0) : '–'} | ${pf && pn && pf.run.okPerSecond > 0 ? `${num(pn.run.okPerSecond / pf.run.okPerSecond, 2)}x` : ''} |`);
    L.push('');
  }
  L.push('### Rounds');
  L.push('');
  L.push('Errors: the saturated run\'s / the open-loop run\'s (h2load: HTTP classes and failed streams; "grpc X": non-OK answers by the server\'s own counters, warm-up included).');
  L.push('');
  L.push('| round | target | saturated ok/s | main µs/call | main-thread share | process share | errors | p50 @rate | p99 @rate | max | open-loop check |');
  L.push('|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---|');
  const errs = (r: SaturatedRun | OpenRun | undefined): string => {
    if (!r) return '';
    const e = { ...r.errors, ...Object.fromEntries(Object.entries(r.serverNonOk ?? {}).map(([k, v]) => [`grpc ${k}`, v])) };
    return Object.keys(e).length ? Object.entries(e).map(([k, v]) => `${k}:${v}`).join(' ') : '0';
  };
  for (const r of h.rounds) {
    for (const t of r.order) {
      const x = r.saturated[t];
      const o = r.open[t];
      L.push(
        `| ${r.round} | ${t} | ${x ? num(x.okPerSecond, 0) : '–'} | ${x?.mainUsPerCall ?? '–'} | ${x?.mainThreadShare ?? '–'} | ${x?.serverCpuShare ?? '–'} | ${errs(x)} / ${errs(o)} | ${o ? num(o.p50Ms, 2) : '–'} | ${o ? num(o.p99Ms, 2) : '–'} | ${o ? num(o.maxMs, 2) : '–'} | ${o ? (o.valid ? `ok${o.latenessP99Ms !== null ? ` (lateness p99 ${o.latenessP99Ms} ms)` : ''}` : `INVALID: ${o.invalidReasons.join('; ')}`) : ''} |`,
      );
    }
  }
  if (h.notes.length) {
    L.push('');
    for (const n of h.notes) L.push(`- ${n}`);
  }
  L.push('');
  return L.join('\n');
}
