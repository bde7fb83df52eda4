#!/usr/bin/env node
'use strict';
// Runs on `npm ci` / `npm install` (the package's own install script). Builds the C++ kernel with
// node-gyp. A failed build does not fail the install: Nudge then runs on the TypeScript fallback
// kernel and says so once at start. Set NUDGE_REQUIRE_NATIVE=1 (CI does) to make a failed build fatal.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
const res = spawnSync(process.execPath, [gyp, 'rebuild', '--release'], { cwd: root, stdio: 'inherit' });
if (res.status !== 0) {
  const msg = 'nudge: building the native kernel failed; the TypeScript fallback kernel will be used.\n' +
    '       Needs python3, make and a C++17 compiler (Debian: apt-get install -y python3 make g++).';
  if (process.env.NUDGE_REQUIRE_NATIVE === '1') {
    console.error(msg.replace('will be used', 'is not allowed (NUDGE_REQUIRE_NATIVE=1)'));
    process.exit(1);
  }
  console.warn(msg);
}
