import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { abFigures, describeAb, parseEnvPair, quartiles, runAb } from '../../bench/ab';
import { distPath, repoPath } from '../../bench/paths';

const run = promisify(execFile);

describe('ab: figures of paired runs', () => {
  it('pairs b - a by index and skips pairs with a missing side', () => {
    const f = abFigures([100, 110, null, 120], [95, 112, 90, 100]);
    expect(f.diff!.values).toEqual([-5, 2, -20]);
    expect(f.diff!.median).toBe(-5);
    expect(f.a!.median).toBe(110);
    expect(f.b!.median).toBe(97.5);
    expect(f.ratioOfMedians).toBe(0.886);
    expect(f.diffQuartiles).toEqual([-20, 2]);
  });

  it('has no figures without pairs, and refuses unequal lists', () => {
    const f = abFigures([], []);
    expect(f).toEqual({ a: null, b: null, diff: null, diffQuartiles: null, ratioOfMedians: null });
    expect(() => abFigures([1], [])).toThrow(/^aUs and bUs must have one entry per pair$/);
  });

  it('quartiles by nearest rank', () => {
    expect(quartiles([4, 1, 3, 2])).toEqual([1, 3]);
    expect(quartiles([7])).toEqual([7, 7]);
    expect(quartiles([])).toBeNull();
  });

  it('--env takes KEY=VALUE pairs, the value may hold "="', () => {
    expect(parseEnvPair('NODE_OPTIONS=--max-semi-space-size=64', { A: '1' })).toEqual({ A: '1', NODE_OPTIONS: '--max-semi-space-size=64' });
    expect(parseEnvPair('EMPTY=')).toEqual({ EMPTY: '' });
    for (const bad of ['=1', 'lower=1', 'NOEQUALS']) expect(() => parseEnvPair(bad)).toThrow(/^--env must be KEY=VALUE with an upper-case KEY$/);
  });
});

describe('ab: two real servers under h2load', () => {
  it('measures both sides of every pair and reports the paired difference', async () => {
    const root = repoPath();
    const lines: string[] = [];
    const r = await runAb({ a: root, b: root, pairs: 2, ms: 500, env: {}, bEnv: { NUDGE_MAX_LAG_MS: '50' }, warmupMs: 500, log: (l) => lines.push(l) });
    expect(r.runs.a).toHaveLength(2);
    expect(r.runs.b).toHaveLength(2);
    for (const us of [...r.runs.a, ...r.runs.b]) expect(us).toBeGreaterThan(0);
    expect(r.figures.diff!.n).toBe(2);
    expect(r.env).toEqual({ NUDGE_MAX_LAG_MS: '0' });
    expect(r.sideEnv).toEqual({ a: {}, b: { NUDGE_MAX_LAG_MS: '50' } });
    expect(r.nonOk).toEqual({ a: 0, b: 0 });
    expect(lines.filter((l) => l.startsWith('pair '))).toHaveLength(2);
    expect(describeAb(r)).toMatch(/^a [^(\n]*: main-thread .*\nb .* \(NUDGE_MAX_LAG_MS=50\): main-thread .*\nb - a over 2 pairs of 500 ms: median /);
  }, 60_000);

  it('gives --b-env to server b only', async () => {
    const root = repoPath();
    // A value the server refuses at start: b fails with it, after a started without it.
    const err = await runAb({ a: root, b: root, pairs: 1, ms: 500, env: {}, bEnv: { NUDGE_MAX_LAG_MS: 'soon' }, warmupMs: 500, log: () => undefined }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/NUDGE_MAX_LAG_MS/);
    expect(String(err)).toMatch(/\bb\b/);
  }, 60_000);

  it('refuses a root without a build, with the reason', async () => {
    const err = await run(process.execPath, [distPath('bench', 'ab.js'), '--a', '/nonexistent-nudge-root']).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(1);
    expect((err as { stderr: string }).stderr).toMatch(/--a: \/nonexistent-nudge-root has no build \(dist\/src\/cli\/main\.js\); run npm ci there/);
  });
});
