import * as fs from 'node:fs';
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { loadScenario, ScenarioError } from '../sim/scenario';
import { checkPolicySpec, simulate } from '../sim/simulate';
import { formatSimulation } from '../sim/format';
import { regretSvg } from '../sim/svg';

interface SimulateFlags {
  scenario: string;
  json?: string;
  svg?: string;
  linearX?: boolean;
  progress: boolean;
}

/** `nudge simulate --scenario FILE.json [--json OUT] [--svg OUT]` (docs/simulation.md). */
export function simulateCommand(): Command {
  const cmd = new Command('simulate');
  cmd
    .description('run policies against synthetic traffic (scenario JSON) and report regret')
    .requiredOption('--scenario <file>', 'scenario JSON file (see docs/simulation.md)')
    .option('--json <out>', 'write the full report as JSON')
    .option('--svg <out>', 'write the regret chart as SVG')
    .option('--linear-x', 'linear step axis in the chart (default: log scale)')
    .option('--no-progress', 'no progress bar (it is shown only when stderr is a terminal)')
    .action((flags: SimulateFlags) => {
      let scenario;
      try {
        scenario = loadScenario(flags.scenario, checkPolicySpec);
      } catch (err) {
        if (err instanceof ScenarioError) cmd.error(err.message, { exitCode: 2, code: 'nudge.scenario' });
        throw err;
      }
      const bar = flags.progress && process.stderr.isTTY ? new SingleBar({ stream: process.stderr, etaBuffer: 50 }, Presets.shades_classic) : null;
      const total = scenario.policies.length * scenario.runs * scenario.horizon;
      bar?.start(total, 0);
      let lastDraw = 0;
      const report = simulate(scenario, {
        onProgress: bar
          ? (done) => {
              // Redrawing costs a syscall; a few times a second is enough.
              const now = Date.now();
              if (now - lastDraw > 200 || done === total) {
                lastDraw = now;
                bar.update(done);
              }
            }
          : undefined,
      });
      bar?.update(total);
      bar?.stop();
      process.stdout.write(formatSimulation(report));
      if (flags.json) fs.writeFileSync(flags.json, JSON.stringify(report, null, 2) + '\n');
      if (flags.svg) fs.writeFileSync(flags.svg, regretSvg(report, { logX: flags.linearX !== true }));
    });
  return cmd;
}
