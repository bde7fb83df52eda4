import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { distPath } from '../../bench/paths';

const run = promisify(execFile);

/** The in-process decide-path benchmark runs and reports its figures (shape only, never timings). */
describe('bench/micro/decide-path', () => {
  it('answers every call and prints main-thread, process and engine-only CPU per call', async () => {
    const { stdout } = await run(process.execPath, [distPath('bench', 'micro', 'decide-path.js'), '--calls', '20000', '--rounds', '1', '--offers', '10'], { timeout: 120_000 });
    const r = JSON.parse(stdout) as Record<string, { median: number } | number | unknown[]>;
    expect(r['kind']).toBe('nudge-decide-path');
    expect(r['rounds']).toHaveLength(1);
    for (const k of ['mainUsPerCall', 'processUsPerCall', 'engineOnlyUsPerCall']) expect((r[k] as { median: number }).median).toBeGreaterThan(0);
    expect(r['responseBytesPerCall']).toBeGreaterThan(0);
  }, 150_000);

  it('refuses a campaign size the bench campaigns do not have', async () => {
    await expect(run(process.execPath, [distPath('bench', 'micro', 'decide-path.js'), '--offers', '7'], { timeout: 60_000 })).rejects.toMatchObject({ stderr: expect.stringContaining('--offers must be 10, 100 or 1000') });
  });
});
