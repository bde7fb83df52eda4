import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoFeatures } from '../../src/features/demo';
import { packageRoot } from '../../src/proto';
import { campaignFile, startTestServer, tempDir, type TestServer } from '../server/helpers';

/**
 * The gRPC contract from outside JavaScript: test/python/contract_test.py (Python's unittest, stubs
 * generated from proto/ with grpc_tools.protoc at run time) against a real server with the demo
 * campaign and features. Needs Debian's python3-grpcio and python3-grpc-tools (.ci/run installs them).
 */

const SCRIPT = path.join(packageRoot(), 'test', 'python', 'contract_test.py');
const MISSING =
  'python3 with the grpc and grpc_tools modules was not found: install the Debian packages ' +
  'python3-grpcio and python3-grpc-tools (apt-get install -y python3-grpcio python3-grpc-tools)';
const EVENT_TYPE = 'page_view';

/**
 * The interpreter to run the script with: NUDGE_PYTHON if set, else `python3` on PATH, else Debian's
 * /usr/bin/python3 (the one python3-grpcio installs for, when another python3, e.g. pyenv's, comes
 * first on PATH). null when none of them imports grpc and grpc_tools.
 */
function findPython(): string | null {
  const candidates = process.env['NUDGE_PYTHON'] ? [process.env['NUDGE_PYTHON']] : ['python3', '/usr/bin/python3'];
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import grpc, grpc_tools'], { stdio: 'ignore', timeout: 30_000 });
    if (r.status === 0) return py;
  }
  return null;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs the script without blocking the event loop (the server under test shares this process). */
function runScript(python: string, env: NodeJS.ProcessEnv, guardMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    // Not a timing check: only keeps a hung script from outliving the test.
    const guard = setTimeout(() => child.kill('SIGKILL'), guardMs);
    child.on('error', (err) => {
      clearTimeout(guard);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, output });
    });
  });
}

const python = findPython();

describe('gRPC contract from Python (test/python/contract_test.py)', () => {
  if (python === null) {
    if (process.env['CI']) {
      it('has python3-grpcio and python3-grpc-tools installed', () => {
        throw new Error(MISSING);
      });
    } else {
      it('runs the Python contract test', (ctx) => {
        console.warn(`skipped: ${MISSING}`);
        ctx.skip(MISSING);
      });
    }
    return;
  }

  let t: TestServer;

  beforeAll(async () => {
    const dataDir = tempDir('py-data');
    const campaignsDir = tempDir('py-campaigns');
    // The repo's demo campaign and (a few of) its demo customers, as `npm start` serves them.
    fs.copyFileSync(path.join(packageRoot(), 'campaigns', 'demo.yaml'), path.join(campaignsDir, 'demo.yaml'));
    await loadDemoFeatures(dataDir, 200, 1);
    // A campaign that reads page_view events, so TrackEvent of that type must answer ACCEPTED.
    const events = campaignFile('python-events', ['a', 'b'], {
      session_features: [{ name: 'page_views', event_types: [EVENT_TYPE], aggregate: 'count', window_ms: 0 }],
    });
    t = await startTestServer([events], {}, { dataDir, campaignsDir });
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('passes against a real server over plaintext loopback', async () => {
    const env = {
      ...process.env,
      NUDGE_ADDRESS: t.server.address,
      NUDGE_CAMPAIGN: 'home-banner',
      NUDGE_CUSTOMER: 'c0001',
      NUDGE_EVENT_TYPE: EVENT_TYPE,
      PYTHONDONTWRITEBYTECODE: '1',
    };
    const run = await runScript(python, env, 100_000);
    expect(run, `${python} ${SCRIPT} (exit ${run.code}, signal ${run.signal}):\n${run.output}`).toMatchObject({ code: 0 });
    // Every check ran (none silently skipped).
    expect(run.output).toMatch(/Ran 7 tests/);
    expect(run.output).toMatch(/\nOK\s*$/);
  }, 120_000);
});
