import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { optionsFromEnv, resolveOptions } from '../config';
import { importStateToRedisUrl } from '../store/redis/state-import';
import { checkStateDump, exportState, importState } from '../store/state-dump';

function dataDirOf(opt: string | undefined): string {
  return opt !== undefined ? path.resolve(opt) : optionsFromEnv(process.env).dataDir;
}

/** Writes beside the target and renames: a crash never leaves a half-written export. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function checkedStore(v: string): string {
  try {
    return resolveOptions({ store: v }).store;
  } catch (err) {
    throw new RangeError(`--store: ${(err as Error).message.replace(/^options\.store:? ?/, '')}`);
  }
}

/** Where an import goes: --store, else LMDB when --data-dir is given, else NUDGE_STORE. */
function importTarget(opts: { dataDir?: string; store?: string }): { kind: 'lmdb'; dataDir: string } | { kind: 'redis'; url: string } {
  const store = opts.store !== undefined ? checkedStore(opts.store) : opts.dataDir !== undefined ? 'lmdb' : optionsFromEnv(process.env).store;
  if (store === 'lmdb') return { kind: 'lmdb', dataDir: dataDirOf(opts.dataDir) };
  if (opts.dataDir !== undefined) throw new RangeError('--data-dir names an LMDB data directory and --store a Redis server: give one of them');
  return { kind: 'redis', url: store };
}

/** The URL without its password, for messages. */
function shown(url: string): string {
  const u = new URL(url);
  if (u.password !== '') u.password = '***';
  return u.toString();
}

export function stateCommand(): Command {
  const state = new Command('state').description('export or import learning state and admin campaigns as versioned JSON');
  state
    .command('export')
    .argument('<file>', 'JSON file to write ("-" for stdout)')
    .option('--data-dir <dir>', 'data directory (default: NUDGE_DATA_DIR or ./data)')
    .description('write the learning state (posteriors, counters, slot layouts, admin campaigns); safe while serving')
    .action(async (file: string, opts: { dataDir?: string }) => {
      if (opts.dataDir === undefined && optionsFromEnv(process.env).store !== 'lmdb') {
        throw new RangeError('state export reads an LMDB data directory; NUDGE_STORE names a Redis server, whose state cannot be exported: pass --data-dir');
      }
      const dump = await exportState(dataDirOf(opts.dataDir));
      const text = `${JSON.stringify(dump, null, 1)}\n`;
      if (file === '-') process.stdout.write(text);
      else {
        writeAtomically(path.resolve(file), text);
        process.stderr.write(
          `exported ${dump.campaigns.length} campaigns, ${dump.arms.length} posterior tables, ${dump.counters.length} counter records to ${file}\n`,
        );
      }
    });
  state
    .command('import')
    .argument('<file>', 'JSON file written by "nudge state export"')
    .option('--data-dir <dir>', 'LMDB data directory (default: NUDGE_DATA_DIR or ./data)')
    .option('--store <url>', 'redis://host:port[/db] (or rediss://) to load into a Redis store, or "lmdb" (default: NUDGE_STORE)')
    .option('--force', 'Redis: replace the state of campaigns the store already holds (refused otherwise)')
    .description('load a state export into a data directory (stop its server first) or into a Redis store')
    .action(async (file: string, opts: { dataDir?: string; store?: string; force?: boolean }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(fs.readFileSync(path.resolve(file), 'utf8'));
      } catch (err) {
        throw new RangeError(`${file}: ${(err as Error).message}`);
      }
      const target = importTarget(opts);
      if (target.kind === 'lmdb') {
        const r = await importState(target.dataDir, parsed);
        process.stderr.write(`imported ${r.campaigns} campaigns, ${r.arms} posterior tables, ${r.counters} counter records from ${file}\n`);
        return;
      }
      const env = optionsFromEnv(process.env);
      const r = await importStateToRedisUrl(
        { url: target.url, username: env.redisUsername, password: env.redisPassword, tlsCa: env.redisTlsCa, commandTimeoutMs: 60_000, connectTimeoutMs: 10_000 },
        checkStateDump(parsed),
        { force: opts.force === true },
      );
      const weights = r.weights > 0 ? `, contextual weights of ${r.weights} campaigns` : '';
      process.stderr.write(
        `imported ${r.campaigns} campaigns, ${r.arms} posterior tables, ${r.counters} counter records${weights} from ${file} into ${shown(target.url)}\n`,
      );
    });
  return state;
}
