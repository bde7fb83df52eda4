import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSnapshot } from '../../src/features/loader';
import { openFeatureReader } from '../../src/features/store';
import { demoCustomerId, demoFeaturesCsv, generateDemoFeatures } from '../../src/features/demo';

/**
 * Feature store micro-benchmark: bulk load rows/s (200k generated rows, CSV, end to end) and lookup
 * ns/op (random existing ids over 100k customers). Targets: >= 200,000 rows/s, <= 2 us per lookup.
 * Run: npm run build && node dist/bench/micro/features.js
 */
const LOAD_ROWS = 200_000;
const LOOKUP_CUSTOMERS = 100_000;
const LOOKUPS = 2_000_000;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nudge-bench-features-'));
  try {
    const loadFile = join(dir, 'load.csv');
    writeFileSync(loadFile, demoFeaturesCsv(generateDemoFeatures(LOAD_ROWS, 1)));
    const loads: number[] = [];
    for (let i = 0; i < 3; i++) {
      const rep = await loadSnapshot({ dataDir: join(dir, `load${i}`), file: loadFile });
      loads.push(rep.rowsPerSec);
    }
    loads.sort((a, b) => a - b);

    const lookupFile = join(dir, 'lookup.csv');
    writeFileSync(lookupFile, demoFeaturesCsv(generateDemoFeatures(LOOKUP_CUSTOMERS, 2)));
    await loadSnapshot({ dataDir: join(dir, 'lookup'), file: lookupFile });
    const reader = openFeatureReader(join(dir, 'lookup'));
    const out = new Float64Array(reader.schema.fields.length);
    // Pre-built ids so the loop measures the lookup, not string building; xorshift for randomness.
    const ids = Array.from({ length: 65_536 }, (_, i) => demoCustomerId(((i * 2654435761) >>> 0) % LOOKUP_CUSTOMERS));
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (reader.read(ids[i & 65_535], out)) hits++;
    const t0 = process.hrtime.bigint();
    let x = 88172645;
    for (let i = 0; i < LOOKUPS; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      if (reader.read(ids[x & 65_535], out)) hits++;
    }
    const ns = Number(process.hrtime.bigint() - t0) / LOOKUPS;
    reader.close();
    const result = {
      bulkLoadRowsPerSec: { median: Math.round(loads[1]), min: Math.round(loads[0]), max: Math.round(loads[2]), rows: LOAD_ROWS, target: 200_000 },
      lookupNsPerOp: { value: Math.round(ns), customers: LOOKUP_CUSTOMERS, lookups: LOOKUPS, hitRate: hits / (LOOKUPS + 100_000), target: 2000 },
    };
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
