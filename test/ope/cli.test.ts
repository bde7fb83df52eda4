import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evaluateCommand } from '../../src/cli/evaluate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-eval-'));
const MEN = path.resolve(__dirname, '../../../shared/data/obd/random/men/men.csv');

afterEach(() => vi.restoreAllMocks());

describe('nudge evaluate', () => {
  it('evaluates a policy on OBD logs and writes JSON', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    const json = path.join(tmp, 'e.json');
    await evaluateCommand().parseAsync(['--logs', MEN, '--policy', 'epsilon-greedy:epsilon=0.2', '--json', json, '--resamples', '50'], { from: 'user' });
    expect(out.join('')).toMatch(/position 1: 3284 events/);
    const r = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(r.format).toBe('obd');
    expect(r.slots[0].estimates.map((e: { estimator: string }) => e.estimator)).toEqual(['replay', 'ipw', 'snipw', 'dm', 'dr']);
  });

  it('rejects a bad policy spec before reading the logs', async () => {
    const cmd = evaluateCommand().exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(cmd.parseAsync(['--logs', MEN, '--policy', 'ucb1:c=-1'], { from: 'user' })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('ucb1.c must be a number >= 0'),
    });
  });
});
