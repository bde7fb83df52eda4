import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { evaluateCommand } from '../../src/cli/evaluate';
import { OBD_MEN_CSV } from '../support/obd';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nudge-eval-'));

afterEach(() => vi.restoreAllMocks());

describe('nudge evaluate', () => {
  it('evaluates a policy on OBD logs and writes JSON', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    const json = path.join(tmp, 'e.json');
    await evaluateCommand().parseAsync(['--logs', OBD_MEN_CSV, '--policy', 'epsilon-greedy:epsilon=0.2', '--json', json, '--resamples', '50'], { from: 'user' });
    expect(out.join('')).toMatch(/position 1: 3284 events/);
    const r = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(r.format).toBe('obd');
    expect(r.slots[0].estimates.map((e: { estimator: string }) => e.estimator)).toEqual(['replay', 'ipw', 'snipw', 'dm', 'dr']);
  });

  it('rejects a bad policy spec before reading the logs', async () => {
    const cmd = evaluateCommand().exitOverride().configureOutput({ writeErr: () => undefined });
    // A log path that does not exist: only a check made before the file is touched can answer exit 2.
    await expect(cmd.parseAsync(['--logs', '/nonexistent/obd.csv', '--policy', 'ucb1:c=-1'], { from: 'user' })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('ucb1.c must be a number >= 0'),
    });
  });
});
