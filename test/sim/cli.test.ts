import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { simulateCommand } from '../../src/cli/simulate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-sim-'));
const QUICK = path.resolve(__dirname, '../../examples/scenarios/quick.json');

afterEach(() => vi.restoreAllMocks());

describe('nudge simulate', () => {
  it('prints a summary and writes the JSON report and the SVG chart', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    const json = path.join(tmp, 'r.json');
    const svg = path.join(tmp, 'r.svg');
    await simulateCommand().parseAsync(['--scenario', QUICK, '--json', json, '--svg', svg, '--no-progress'], { from: 'user' });
    expect(out.join('')).toMatch(/scenario quick: 4 runs x 5000 steps/);
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(report.policies.map((p: { policy: string }) => p.policy)).toEqual(['thompson', 'ucb1', 'random']);
    expect(report.policies[0].curve[report.policies[0].curve.length - 1].step).toBe(5000);
    const chart = fs.readFileSync(svg, 'utf8');
    expect(chart.startsWith('<svg')).toBe(true);
    expect(chart.match(/<path d="M[^"]*" fill="none" stroke="#[0-9a-f]{6}" stroke-width="2"\/>/g)?.length).toBe(3);
    expect(chart).toContain('thompson');
  });

  it('reports an invalid scenario with the field and exit code 2', async () => {
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ name: 'b', horizon: 10, arms: { count: 2, rates: [0.1] }, policies: ['thompson'] }));
    const cmd = simulateCommand().exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(cmd.parseAsync(['--scenario', bad], { from: 'user' })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('arms.rates: must have count = 2 entries (has 1)'),
    });
  });
});
