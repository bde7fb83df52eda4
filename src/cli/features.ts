import { Command, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { loadSnapshot, currentSnapshot, FeatureLoadError, type LoadReport } from '../features/loader';
import { openWritableEnv } from '../features/env';

/** `nudge features load FILE` and `nudge features info`. */

const MAX_PRINTED_BAD_ROWS = 100;
const PLAIN_PROGRESS_EVERY_MS = 2000;

const defaultDataDir = (): string => process.env.NUDGE_DATA_DIR ?? './data';
const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
const nonNegativeInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
};
const ratio = (v: string): number => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
};

interface LoadFlags {
  dataDir: string;
  idColumn?: string;
  include?: string[];
  exclude?: string[];
  schema?: string;
  maxBad?: number;
  maxBadRatio?: number;
  format?: 'csv' | 'ndjson';
}

function printReport(r: LoadReport): void {
  const lines = [
    `snapshot:   ${r.snapshotId}`,
    `rows:       ${r.rows}`,
    `bad rows:   ${r.badRows}`,
    `duplicates: ${r.duplicates} (later row kept)`,
    `seconds:    ${r.seconds.toFixed(2)}`,
    `rows/s:     ${Math.round(r.rowsPerSec)}`,
    `fields:     ${r.schema.fields.map((f) => `${f.name}:${f.type}`).join(', ')}`,
  ];
  if (r.dropped.length > 0) lines.push(`dropped:    ${r.dropped.join(', ')}`);
  if (r.forgotten > 0) lines.push(`forgotten:  ${r.forgotten} rows of forgotten customers skipped (docs/privacy.md)`);
  process.stdout.write(lines.join('\n') + '\n');
}

async function runLoad(file: string, flags: LoadFlags): Promise<number> {
  const started = Date.now();
  let printed = 0;
  let unprinted = 0;
  const tty = process.stderr.isTTY === true;
  const bar = tty ? new SingleBar({ format: 'loading [{bar}] {percentage}% | {rows} rows | {rate} rows/s', stream: process.stderr }) : null;
  let lastPlain = 0;
  bar?.start(1, 0, { rows: 0, rate: 0 });
  const onProgress = (rows: number, bytes: number, total: number): void => {
    const rate = Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000));
    if (bar !== null) {
      bar.setTotal(Math.max(1, total));
      bar.update(bytes, { rows, rate });
    } else if (Date.now() - lastPlain >= PLAIN_PROGRESS_EVERY_MS) {
      lastPlain = Date.now();
      process.stderr.write(`loading: ${rows} rows, ${Math.round((100 * bytes) / Math.max(1, total))}%, ${rate} rows/s\n`);
    }
  };
  const onBadRow = (line: number, problem: string): void => {
    if (printed < MAX_PRINTED_BAD_ROWS) {
      printed++;
      if (bar !== null) process.stderr.write('\n');
      process.stderr.write(`line ${line}: ${problem}\n`);
    } else unprinted++;
  };
  try {
    const report = await loadSnapshot({
      dataDir: flags.dataDir, file, format: flags.format, idColumn: flags.idColumn, include: flags.include,
      exclude: flags.exclude, schemaFile: flags.schema, maxBadRows: flags.maxBad, maxBadRatio: flags.maxBadRatio, onProgress, onBadRow,
    });
    bar?.stop();
    if (unprinted > 0) process.stderr.write(`... and ${unprinted} more bad rows\n`);
    printReport(report);
    return 0;
  } catch (err) {
    bar?.stop();
    if (unprinted > 0) process.stderr.write(`... and ${unprinted} more bad rows\n`);
    if (err instanceof FeatureLoadError) {
      process.stderr.write(`load failed: ${err.message} (${err.badRows} bad rows, ${err.rows} good rows read)\n`);
      return 1;
    }
    process.stderr.write(`load failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

async function runInfo(dataDir: string): Promise<number> {
  const env = openWritableEnv(dataDir);
  try {
    const snap = currentSnapshot(env);
    if (snap === null) {
      process.stdout.write('no feature snapshot loaded yet\n');
      return 0;
    }
    process.stdout.write(
      [
        `snapshot: ${snap.id}`,
        `loaded:   ${new Date(snap.createdAt).toISOString()} from ${snap.source}`,
        `rows:     ${snap.rows}`,
        'fields:',
        ...snap.schema.fields.map((f, i) => {
          const cats = snap.schema.categories[i];
          return `  ${f.name}: ${f.type} (default ${JSON.stringify(f.default)}${cats ? `, ${cats.length} categories` : ''})`;
        }),
      ].join('\n') + '\n',
    );
    return 0;
  } finally {
    await env.close();
  }
}

export function featuresCommand(): Command {
  const cmd = new Command('features').description('customer features: bulk load and inspect snapshots');
  cmd
    .command('load')
    .description('load a CSV or NDJSON file as a new feature snapshot and swap it in')
    .argument('<file>', 'CSV or NDJSON file, one customer per row')
    .option('--data-dir <dir>', 'data directory (env NUDGE_DATA_DIR)', defaultDataDir())
    .option('--id-column <name>', "customer id column (default: 'customer_id' if present, else the first column)")
    .option('--include <a,b,c>', 'only these columns become features', list)
    .option('--exclude <a,b,c>', 'columns that are not features', list)
    .option('--schema <file>', 'schema file (JSON/YAML {fields:[{name,type,default}]}) instead of inference')
    .option('--max-bad <n>', 'fail when more bad rows than this (default 1000)', nonNegativeInt)
    .option('--max-bad-ratio <r>', 'fail when the bad-row share exceeds this (default 0.01)', ratio)
    .option('--format <fmt>', 'csv or ndjson (default: by file extension)', (v: string) => {
      if (v !== 'csv' && v !== 'ndjson') throw new InvalidArgumentError('must be csv or ndjson');
      return v;
    })
    .action(async (file: string, flags: LoadFlags) => {
      process.exitCode = await runLoad(file, flags);
    });
  cmd
    .command('info')
    .description('show the current snapshot, its row count and schema')
    .option('--data-dir <dir>', 'data directory (env NUDGE_DATA_DIR)', defaultDataDir())
    .action(async (flags: { dataDir: string }) => {
      process.exitCode = await runInfo(flags.dataDir);
    });
  return cmd;
}
