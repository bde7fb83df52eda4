import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { open, type Database } from 'lmdb';
import { loadSnapshot } from '../../src/features/loader';
import { openFeatureReader } from '../../src/features/store';
import { featuresPath } from '../../src/features/env';
import { demoCustomerId, demoFeaturesCsv, generateDemoFeatures } from '../../src/features/demo';
import { positiveInteger } from './args';

/**
 * Feature store micro-benchmark: bulk load rows/s (200k generated rows, CSV, end to end) and lookup
 * ns/op (random existing ids over 100k customers). Targets: >= 200,000 rows/s, <= 2 us per lookup.
 * The machine is shared, so each figure is repeated and reported as median and best, with the process
 * CPU time beside the wall time, and the lookup beside raw lmdb-js getBinaryFast on the same snapshot,
 * interleaved in the same run: the reader's own cost is the difference.
 * Run: npx tsc -p tsconfig.json && node dist/bench/micro/features.js [--rounds N]
 */
const LOAD_ROWS = 200_000;
const LOOKUP_CUSTOMERS = 100_000;
const LOOKUPS = 1_000_000;

interface Stat {
  median: number;
  best: number;
  all: number[];
}

function stat(xs: number[], higherIsBetter: boolean): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x);
  return { median: round(s[Math.floor((s.length - 1) / 2)]), best: round(higherIsBetter ? s[s.length - 1] : s[0]), all: xs.map(round) };
}

function cpuMs(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
}

/** xorshift over 64k pre-built ids, so the loop measures the lookup, not string building. */
function lookupLoop(ids: readonly string[], get: (id: string) => boolean): { ns: number; cpuNs: number; hits: number } {
  let hits = 0;
  let x = 88172645;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < LOOKUPS; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    if (get(ids[x & 65_535])) hits++;
  }
  const ns = Number(process.hrtime.bigint() - t0) / LOOKUPS;
  return { ns, cpuNs: (cpuMs(c0) * 1e6) / LOOKUPS, hits };
}

async function main(): Promise<void> {
  // Not benchmark.js: each figure is a fixed-size pass repeated --rounds times (median and best).
  const { rounds } = new Command('features')
    .option('--rounds <n>', 'passes of each measurement', positiveInteger('--rounds'), 5)
    .parse()
    .opts<{ rounds: number }>();
  const loadBefore = loadavg()[0];
  const dir = mkdtempSync(join(tmpdir(), 'nudge-bench-features-'));
  try {
    const loadFile = join(dir, 'load.csv');
    writeFileSync(loadFile, demoFeaturesCsv(generateDemoFeatures(LOAD_ROWS, 1)));
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const c0 = process.cpuUsage();
      const rep = await loadSnapshot({ dataDir: join(dir, `load${i}`), file: loadFile });
      wall.push(rep.rowsPerSec);
      cpu.push(LOAD_ROWS / (cpuMs(c0) / 1000));
      rmSync(join(dir, `load${i}`), { recursive: true, force: true });
    }

    const lookupFile = join(dir, 'lookup.csv');
    writeFileSync(lookupFile, demoFeaturesCsv(generateDemoFeatures(LOOKUP_CUSTOMERS, 2)));
    const rep = await loadSnapshot({ dataDir: join(dir, 'lookup'), file: lookupFile });
    const reader = openFeatureReader(join(dir, 'lookup'));
    // The raw baseline: lmdb-js getBinaryFast on the same snapshot, opened the way the reader opens it.
    const rw = open({ path: featuresPath(join(dir, 'lookup')), maxDbs: 1000 });
    const ro = open({ path: featuresPath(join(dir, 'lookup')), maxDbs: 1000, readOnly: true });
    const db: Database<Buffer, string> = ro.openDB<Buffer, string>(rep.snapshotId, { encoding: 'binary' });
    const out = new Float64Array(reader.schema.fields.length);
    const ids = Array.from({ length: 65_536 }, (_, i) => demoCustomerId(((i * 2654435761) >>> 0) % LOOKUP_CUSTOMERS));
    const viaReader = (id: string): boolean => reader.read(id, out);
    const viaRaw = (id: string): boolean => db.getBinaryFast(id) !== undefined;
    lookupLoop(ids, viaReader); // warm-up (JIT, page cache)
    lookupLoop(ids, viaRaw);
    const r = { wall: [] as number[], cpu: [] as number[] };
    const raw = { wall: [] as number[], cpu: [] as number[] };
    let hits = 0;
    for (let i = 0; i < rounds; i++) {
      const a = lookupLoop(ids, viaRaw);
      raw.wall.push(a.ns);
      raw.cpu.push(a.cpuNs);
      const b = lookupLoop(ids, viaReader);
      r.wall.push(b.ns);
      r.cpu.push(b.cpuNs);
      hits += b.hits;
    }
    reader.close();
    await ro.close();
    await rw.close();
    const overhead = r.wall.map((x, i) => x - raw.wall[i]);
    const result = {
      machine: { loadavg1mBefore: loadBefore, loadavg1mAfter: loadavg()[0], rounds },
      bulkLoadRowsPerSec: { wall: stat(wall, true), perCpuSecond: stat(cpu, true), rows: LOAD_ROWS, target: 200_000 },
      lookupNsPerOp: {
        reader: stat(r.wall, false),
        readerCpu: stat(r.cpu, false),
        rawGetBinaryFast: stat(raw.wall, false),
        readerOverhead: stat(overhead, false),
        customers: LOOKUP_CUSTOMERS, lookups: LOOKUPS, hitRate: hits / (LOOKUPS * rounds), target: 2000,
      },
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
