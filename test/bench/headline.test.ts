import { describe, expect, it } from 'vitest';
import { cpuFigures, headlineFigures, headlineVerdicts, parseDecideCounts, type HeadlineResult, type HeadlineRound, type OpenRun, type SaturatedRun } from '../../bench/headline';
import { renderHeadline } from '../../bench/headline-report';
import { parseSuiteOptions } from '../../bench/options';
import { COMPONENTS, type Component } from '../../bench/cpu-profile';

describe('bench options: parts, generator, headline settings', () => {
  it('--quick runs the headline only, 3 rounds, 4 x 16 in flight, 1,000 req/s', () => {
    const o = parseSuiteOptions(['--quick', '--generator', 'builtin']);
    expect(o.profile).toBe('quick');
    expect(o.parts).toEqual(['headline']);
    expect(o.generator).toBe('builtin');
    expect(o.headline).toMatchObject({ rounds: 3, streams: 16, openRate: 1000 });
    expect(o.connections).toBe(4);
  });

  it('the full run has every part, smoke keeps the sweep and outcomes', () => {
    expect(parseSuiteOptions(['--generator', 'builtin']).parts).toEqual(['headline', 'sweep', 'outcomes']);
    expect(parseSuiteOptions(['--smoke']).parts).toEqual(['sweep', 'outcomes']);
  });

  it('--parts selects and orders parts; an explicit --outcomes adds StreamOutcomes to --quick', () => {
    expect(parseSuiteOptions(['--quick', '--parts', 'sweep,headline']).parts).toEqual(['headline', 'sweep']);
    expect(parseSuiteOptions(['--quick', '--outcomes', '50000']).parts).toEqual(['headline', 'outcomes']);
    expect(parseSuiteOptions(['--quick', '--outcomes', '0']).parts).toEqual(['headline']);
    expect(parseSuiteOptions(['--quick', '--parts', 'headline', '--outcomes', '10']).parts).toEqual(['headline']);
    expect(() => parseSuiteOptions(['--parts', 'nope'])).toThrow(/unknown part/);
  });

  it('headline overrides and their checks', () => {
    const o = parseSuiteOptions(['--quick', '--generator', 'h2load', '--rounds', '5', '--streams', '8', '--closed-duration', '3000', '--open-duration', '2000', '--open-rate', '2000']);
    expect(o.headline).toMatchObject({ rounds: 5, streams: 8, closedMs: 3000, openMs: 2000, openRate: 2000 });
    expect(() => parseSuiteOptions(['--quick', '--generator', 'wrk'])).toThrow(/h2load or builtin/);
    expect(() => parseSuiteOptions(['--quick', '--rounds', '0'])).toThrow(/positive integer/);
    // h2load's --rps is per connection.
    expect(() => parseSuiteOptions(['--quick', '--generator', 'h2load', '--open-rate', '1001'])).toThrow(/multiple of --connections/);
    expect(parseSuiteOptions(['--quick', '--generator', 'builtin', '--open-rate', '1001']).headline.openRate).toBe(1001);
  });

  it('--slices: quick and full split each saturated run in 4, smoke not; a slice shorter than 500 ms is refused', () => {
    expect(parseSuiteOptions(['--quick', '--generator', 'builtin']).headline.slices).toBe(4);
    expect(parseSuiteOptions(['--generator', 'builtin']).headline.slices).toBe(4);
    expect(parseSuiteOptions(['--smoke']).headline.slices).toBe(1);
    expect(parseSuiteOptions(['--quick', '--generator', 'builtin', '--slices', '2']).headline.slices).toBe(2);
    expect(() => parseSuiteOptions(['--quick', '--generator', 'builtin', '--slices', '10'])).toThrow(
      new RangeError('--slices 10 would make saturated runs of 400 ms; each needs at least 500 ms of --closed-duration (4000)'),
    );
  });

  it('--store picks the learning store of the Nudge under test: lmdb unless told', () => {
    expect(parseSuiteOptions(['--quick']).store).toBe('lmdb');
    expect(parseSuiteOptions(['--quick', '--store', 'redis']).store).toBe('redis');
    expect(() => parseSuiteOptions(['--quick', '--store', 'valkey-cluster'])).toThrow(/^--store must be lmdb or redis$/);
  });
});

const sat = (target: 'floor' | 'nudge', ok: number, mainUs: number, share = 1): SaturatedRun => ({
  target, generator: 'h2load', durationMs: 4000, okPerSecond: ok, completedPerSecond: ok, errors: {}, serverNonOk: null, latencyMs: null,
  serverCpuShare: share, mainThreadShare: share, mainUsPerCall: mainUs, processUsPerCall: mainUs, okPerServerCpuSecond: Math.round(ok / share), window: { fromHrUs: 0, toHrUs: 1 },
});

const open = (target: 'floor' | 'nudge', p99: number, valid = true): OpenRun => ({
  target, generator: 'builtin', rate: 1000, durationMs: 4000, requests: 4000, achievedRate: 1000, p50Ms: p99 / 3, p90Ms: p99 / 2, p99Ms: p99, p999Ms: p99, maxMs: p99,
  errors: {}, serverNonOk: null, latenessP99Ms: 0.1, valid, invalidReasons: valid ? [] : ['generator p99 lateness 2 ms > 1 ms'], serverCpuShare: 0.1,
});

function rounds(): HeadlineRound[] {
  return [
    { round: 1, order: ['floor', 'nudge'], saturated: { floor: sat('floor', 20000, 50), nudge: sat('nudge', 16000, 62) }, open: { floor: open('floor', 2), nudge: open('nudge', 2.4) }, loadAverage: [1] },
    { round: 2, order: ['nudge', 'floor'], saturated: { floor: sat('floor', 25000, 40), nudge: sat('nudge', 15000, 66) }, open: { floor: open('floor', 1), nudge: open('nudge', 10, false) }, loadAverage: [1] },
    { round: 3, order: ['floor', 'nudge'], saturated: { floor: sat('floor', 22000, 45), nudge: sat('nudge', 19800, 52) }, open: { floor: open('floor', 3), nudge: open('nudge', 3) }, loadAverage: [1] },
  ];
}

const per = (xs: number[]): Record<Component, number> => Object.fromEntries(COMPONENTS.map((c, i) => [c, xs[i] ?? 0])) as Record<Component, number>;

describe('headline figures', () => {
  it('medians, spreads and ratios paired by round; INVALID open-loop runs left out of the p99', () => {
    const f = headlineFigures(rounds(), {});
    expect(f.saturated.floor).toMatchObject({ median: 22000, min: 20000, max: 25000, n: 3 });
    expect(f.saturated.ratio!.median).toBeCloseTo(0.8, 10); // 0.8, 0.6, 0.9
    expect(f.saturated.ratio!.min).toBeCloseTo(0.6, 10);
    expect(f.mainUsPerCall.own).toMatchObject({ median: 12, min: 7, max: 26 });
    // Round 2's Nudge run was INVALID: its p99 is left out, and so is the pair.
    expect(f.p99.nudge).toMatchObject({ median: 2.7, n: 2 });
    expect(f.p99.floor!.n).toBe(3);
    expect(f.p99.ratio!.n).toBe(2);
    expect(f.p99.ratio!.median).toBeCloseTo((1.2 + 1) / 2, 10);
    expect(f.p99.invalidRuns).toBe(1);
    expect(f.p99.includesInvalid).toBe(false);
    expect(f.components).toBeNull();
    expect(headlineVerdicts(f)).toEqual({ perCore: 'target met', ownWork: 'MISSED', p99: 'target met' });
  });

  it('falls back to every run when a target has no valid open-loop run, and says so', () => {
    const r = rounds().map((x) => ({ ...x, open: { floor: x.open.floor, nudge: { ...x.open.nudge!, valid: false } } }));
    const f = headlineFigures(r, {});
    expect(f.p99.includesInvalid).toBe(true);
    expect(f.p99.nudge!.n).toBe(3);
  });

  it('the component split is Nudge - floor of the profiled rounds', () => {
    const prof = (target: 'floor' | 'nudge', xs: number[]) => ({ target, run: sat(target, 10000, xs.reduce((a, b) => a + b, 0)), samples: 100, busyMs: 1, idleMs: 0, shares: per([]), usPerCall: per(xs), programShare: 0.1, programUsPerCall: 1, top: [], file: null });
    const f = headlineFigures(rounds(), { floor: prof('floor', [30, 0, 0, 0, 0, 0, 5, 5]), nudge: prof('nudge', [33, 1, 2, 8, 6, 2, 8, 6]) });
    expect(f.components!.own).toEqual(per([3, 1, 2, 8, 6, 2, 3, 1]));
  });

  it('no rounds: not measured', () => {
    expect(headlineVerdicts(headlineFigures([], {}))).toEqual({ perCore: 'not measured', ownWork: 'not measured', p99: 'not measured' });
  });

  it('CPU figures of a window: shares of one core and microseconds per answer', () => {
    const a = { processMs: 1000, mainMs: 800, at: 10_000, hrUs: 5 };
    const b = { processMs: 1950, mainMs: 1700, at: 11_000, hrUs: 1_000_005 };
    const c = cpuFigures(a, b, 18_000);
    expect(c.serverCpuShare).toBe(0.95);
    expect(c.mainThreadShare).toBe(0.9);
    expect(c.mainUsPerCall).toBe(50);
    expect(c.processUsPerCall).toBe(52.8);
    expect(c.okPerServerCpuSecond).toBe(18_947);
    expect(c.window).toEqual({ fromHrUs: 5, toHrUs: 1_000_005 });
    expect(cpuFigures(null, b, 1).mainUsPerCall).toBeNull();
  });

  it('reads Decide answers by status from a Prometheus scrape', () => {
    const text = [
      '# HELP nudge_grpc_requests_total gRPC calls answered, by method and status',
      'nudge_grpc_requests_total{method="Decide",code="OK"} 1200',
      'nudge_grpc_requests_total{method="Decide",code="RESOURCE_EXHAUSTED"} 7',
      'nudge_grpc_requests_total{method="ReportOutcome",code="OK"} 50',
      'nudge_grpc_requests_total_other{method="Decide",code="OK"} 1',
    ].join('\n');
    expect(parseDecideCounts(text)).toEqual({ OK: 1200, RESOURCE_EXHAUSTED: 7 });
  });

  it('renders the summary with verdicts, and marks an unpinned run INVALID', () => {
    const r = rounds();
    const figures = headlineFigures(r, {});
    const h: HeadlineResult = {
      startedAt: '2026-12-03T17:50:53.000Z', finishedAt: '2026-12-03T17:52:31.000Z',
      settings: { generator: 'h2load', rounds: 3, connections: 4, streams: 16, closedMs: 4000, closedWarmupMs: 1000, slices: 4, openRate: 1000, openMs: 4000, openWarmupMs: 1000, serverWarmupMs: 3000, profileMs: 4000, profileIntervalUs: 500, keepProfilesIn: null, priority: -5, targets: ['floor', 'nudge'] },
      generatorVersion: '1.52.0', cpus: { all: [0, 1], server: [0], generator: [1] }, invalid: null,
      build: { newestMtime: '2026-12-03T17:50:47.000Z', files: 10, rebuiltDuringRun: false }, bodyCheck: { floor: 'OK', nudge: 'OK' },
      rounds: r, profiled: {}, figures, verdicts: headlineVerdicts(figures), loadAverage: { start: [1.2], end: [1.5] }, notes: [],
    };
    const md = renderHeadline(h);
    expect(md).toContain('server pinned to CPU 0, generator on CPU 1');
    expect(md).toMatch(/per-core saturated Decide\/s \| 22,000 \(20,000–25,000\) \| 16,000 \(15,000–19,800\) \| 0\.80x \(0\.60x–0\.90x\) \| ≥ 0\.8x \| target met/);
    expect(md).toContain('**MISSED**');
    expect(md).not.toContain('INVALID run');
    const bad = renderHeadline({ ...h, invalid: '1 CPU: the server and the generator cannot be pinned to different cores' });
    expect(bad).toContain('**INVALID run: 1 CPU');
    expect(bad).toContain('(run INVALID)');
  });
});
