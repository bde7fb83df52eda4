import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The package's entry points as an application sees them (package.json "exports"). */
const root = path.resolve(__dirname, '..', '..');

describe('package entry points', () => {
  it("resolves 'nudge/client' and 'nudge' to the built client and server, with type declarations", () => {
    const out = execFileSync(
      process.execPath,
      ['-e', `const c = require('nudge/client'); const n = require('nudge'); const fs = require('fs');
        console.log(JSON.stringify({ client: typeof c.NudgeClient, error: typeof c.NudgeError, server: typeof n.startServer,
          clientPath: require.resolve('nudge/client'), dts: fs.existsSync(require.resolve('nudge/client').replace(/\\.js$/, '.d.ts')) }));`],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    const r = JSON.parse(out) as Record<string, unknown>;
    expect(r).toMatchObject({ client: 'function', error: 'function', server: 'function', dts: true });
    expect(r.clientPath).toBe(path.join(root, 'dist', 'src', 'client', 'index.js'));
  });
});
