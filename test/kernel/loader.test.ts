import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { TS_REQUIRE_HOOK, native, nativeError } from './helpers';

const ROOT = path.resolve(__dirname, '../..');
const INDEX = path.resolve(ROOT, 'src/kernel/index.ts');

/** Runs `body` in a fresh Node process (fresh module caches) with the .ts require hook. */
function runNode(body: string, env: Record<string, string | undefined> = {}): { stdout: string; stderr: string; status: number | null } {
  const res = spawnSync(process.execPath, ['-e', `${TS_REQUIRE_HOOK}\n${body}`], {
    cwd: ROOT,
    env: { ...process.env, NUDGE_NATIVE: undefined, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { stdout: res.stdout, stderr: res.stderr, status: res.status };
}

describe('kernel loader', () => {
  it.runIf(process.env.NUDGE_REQUIRE_NATIVE === '1')('NUDGE_REQUIRE_NATIVE=1: the native addon must have loaded', () => {
    expect(nativeError?.message ?? null).toBeNull();
    expect(native?.impl).toBe('native');
  });

  it('getKernel() is cached and prefers native when it loads', () => {
    const r = runNode(`
      const { getKernel } = require(${JSON.stringify(INDEX)});
      const a = getKernel(); const b = getKernel();
      console.log(JSON.stringify({ impl: a.impl, same: a === b }));
    `);
    expect(r.status).toBe(0);
    const got = JSON.parse(r.stdout) as { impl: string; same: boolean };
    expect(got.same).toBe(true);
    expect(got.impl).toBe(native ? 'native' : 'fallback');
  });

  it('NUDGE_NATIVE=0 selects the fallback without a warning', () => {
    const r = runNode(`
      const { getKernel } = require(${JSON.stringify(INDEX)});
      console.log(getKernel().impl);
    `, { NUDGE_NATIVE: '0' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('fallback');
    expect(r.stderr).toBe('');
  });

  it('a missing addon gives the fallback and ONE warning that says how to build it', () => {
    const r = runNode(`
      // (fs is already required by the hook)
      const realExists = fs.existsSync;
      fs.existsSync = (p) => (String(p).endsWith('nudge_kernel.node') ? false : realExists(p));
      const { getKernel, loadNative, nativeLoadError } = require(${JSON.stringify(INDEX)});
      const impls = [getKernel().impl, getKernel().impl];
      console.log(JSON.stringify({ impls, loaded: loadNative(), error: nativeLoadError().message }));
    `);
    expect(r.status).toBe(0);
    const got = JSON.parse(r.stdout) as { impls: string[]; loaded: null; error: string };
    expect(got.impls).toEqual(['fallback', 'fallback']);
    expect(got.loaded).toBeNull();
    expect(got.error).toContain('build/Release/nudge_kernel.node');
    const warnings = r.stderr.split('\n').filter((l) => l.includes('nudge:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('run `npm run build:native` (needs python3, make, g++)');
  });

  it('a broken addon file gives a helpful error, not a crash', () => {
    const r = runNode(`
      const Module = require('node:module');
      const realLoad = Module._load;
      Module._load = function (request, ...rest) {
        if (String(request).endsWith('nudge_kernel.node')) throw new Error('invalid ELF header');
        return realLoad.call(this, request, ...rest);
      };
      const { getKernel, nativeLoadError } = require(${JSON.stringify(INDEX)});
      console.log(JSON.stringify({ impl: getKernel().impl, error: nativeLoadError() && nativeLoadError().message }));
    `);
    expect(r.status).toBe(0);
    const got = JSON.parse(r.stdout) as { impl: string; error: string | null };
    expect(got.impl).toBe('fallback');
    if (native) {
      expect(got.error).toContain('invalid ELF header');
      expect(got.error).toContain('npm run build:native');
    }
  });
});
