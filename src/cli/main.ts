#!/usr/bin/env node
import { Command } from 'commander';
import { featuresCommand } from './features';
import { serveCommand } from './serve';

function program(): Command {
  return new Command('nudge')
    .description('Nudge: real-time decisions with online learning')
    .addCommand(serveCommand())
    .addCommand(featuresCommand());
}

program()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`nudge: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
