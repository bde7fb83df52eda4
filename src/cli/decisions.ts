import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command } from 'commander';
import { exportDecisionLog } from '../store/export';

/**
 * `nudge decisions export`: the decision log as NDJSON, one decision per line with its outcomes, the
 * input of `nudge evaluate --format nudge`. Safe beside a running server (LMDB readers never block).
 * With several data directories (several nodes), or a directory of a Redis store's processes
 * (`node-*\/state`), the logs are merged in decision id (= time) order and each decision's outcomes
 * are joined across all of them.
 */
export function decisionsCommand(): Command {
  const cmd = new Command('decisions').description('read the decision log');
  cmd
    .command('export')
    .description('write decisions (with their outcomes) as NDJSON')
    .argument('[file]', 'write here instead of stdout (as --out)')
    .option(
      '--data-dir <dirs...>',
      'data directories: each one\'s state/ (embedded store) and node-*/state (Redis store processes) are merged (repeatable)',
      [process.env.NUDGE_DATA_DIR || './data'],
    )
    .option('--campaign <name>', 'only this campaign')
    .option('--from <decisionId>', 'start at this decision id (ids are time ordered)')
    .option('--out <file>', 'write here instead of stdout')
    .action(async (file: string | undefined, opts: { dataDir: string[]; campaign?: string; from?: string; out?: string }) => {
      if (file !== undefined && opts.out !== undefined && file !== opts.out) throw new RangeError(`give the output file once: "${file}" or --out "${opts.out}"`);
      const o = { ...opts, out: opts.out ?? file };
      const out: NodeJS.WritableStream | WriteStream = o.out === undefined ? process.stdout : createWriteStream(o.out);
      const n = await exportDecisionLog(o.dataDir, { campaign: o.campaign, from: o.from }, async (d) => {
        // Respect back-pressure so a large log does not pile up in memory.
        if (!out.write(JSON.stringify(d) + '\n')) await once(out, 'drain');
      });
      if (out !== process.stdout) {
        (out as WriteStream).end();
        await once(out, 'finish');
      }
      process.stderr.write(`exported ${n} decisions\n`);
    });
  return cmd;
}
