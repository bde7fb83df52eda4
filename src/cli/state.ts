import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { optionsFromEnv } from '../config';
import { exportState, importState } from '../store/state-dump';

function dataDirOf(opt: string | undefined): string {
  return opt !== undefined ? path.resolve(opt) : optionsFromEnv(process.env).dataDir;
}

/** Writes beside the target and renames: a crash never leaves a half-written export. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export function stateCommand(): Command {
  const state = new Command('state').description('export or import learning state and admin campaigns as versioned JSON');
  state
    .command('export')
    .argument('<file>', 'JSON file to write ("-" for stdout)')
    .option('--data-dir <dir>', 'data directory (default: NUDGE_DATA_DIR or ./data)')
    .description('write the learning state (posteriors, counters, slot layouts, admin campaigns); safe while serving')
    .action(async (file: string, opts: { dataDir?: string }) => {
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
    .option('--data-dir <dir>', 'data directory (default: NUDGE_DATA_DIR or ./data)')
    .description('load a state export into a data directory (stop its server first)')
    .action(async (file: string, opts: { dataDir?: string }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(fs.readFileSync(path.resolve(file), 'utf8'));
      } catch (err) {
        throw new RangeError(`${file}: ${(err as Error).message}`);
      }
      const r = await importState(dataDirOf(opts.dataDir), parsed);
      process.stderr.write(`imported ${r.campaigns} campaigns, ${r.arms} posterior tables, ${r.counters} counter records from ${file}\n`);
    });
  return state;
}
