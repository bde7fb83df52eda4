#!/usr/bin/env node
import { Command } from 'commander';
import { decideCommand, outcomeCommand } from './client-commands';
import { customersCommand } from './customers';
import { decisionsCommand } from './decisions';
import { evaluateCommand } from './evaluate';
import { featuresCommand } from './features';
import { monitorCommand } from './monitor';
import { serveCommand } from './serve';
import { stateCommand } from './state';
import { simulateCommand } from './simulate';

function program(): Command {
  return new Command('nudge')
    .description('Nudge: real-time decisions with online learning')
    .addCommand(serveCommand())
    .addCommand(featuresCommand())
    .addCommand(decisionsCommand())
    .addCommand(simulateCommand())
    .addCommand(evaluateCommand())
    .addCommand(stateCommand())
    .addCommand(customersCommand())
    .addCommand(monitorCommand())
    .addCommand(decideCommand())
    .addCommand(outcomeCommand());
}

program()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`nudge: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
