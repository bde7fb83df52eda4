#!/usr/bin/env node
'use strict';
// Regenerates the TypeScript types of proto/nudge/v1/nudge.proto into src/generated/ (npm run gen:proto).
// The flags must describe the objects that src/proto.ts's PROTO_LOADER_OPTIONS produce at run time;
// change both together. test/proto/generated.test.ts fails when the checked-in output is stale.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const PROTO_FILE = 'nudge/v1/nudge.proto';

// Mirrors PROTO_LOADER_OPTIONS in src/proto.ts.
const GEN_FLAGS = [
  '--keepCase=false',
  '--longs=Number',
  '--enums=String',
  '--defaults',
  '--oneofs',
  '--includeComments',
  '--grpcLib=@grpc/grpc-js',
];

/** Writes the generated files into outDir (emptied first so that removed messages do not linger). */
function generate(outDir) {
  const bin = require.resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js', { paths: [root] });
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  // Run from the package root with a relative proto path: the generator writes that path into every
  // file ("Original file: ..."), so the output does not depend on where the checkout lives.
  const res = spawnSync(
    process.execPath,
    [bin, ...GEN_FLAGS, '-I', 'proto', '-O', outDir, PROTO_FILE],
    { cwd: root, encoding: 'utf8' },
  );
  if (res.status !== 0) {
    throw new Error(`proto-loader-gen-types failed (exit ${res.status}): ${res.stderr || res.stdout}`);
  }
}

module.exports = { generate, GEN_FLAGS, PROTO_FILE };

// Usage: node scripts/gen-proto.js [outDir]   (default src/generated; the test passes a temp dir)
if (require.main === module) {
  const outDir = path.resolve(process.argv[2] || path.join(root, 'src', 'generated'));
  generate(outDir);
  console.log(`generated ${path.relative(root, outDir)}/ from proto/${PROTO_FILE}`);
}
