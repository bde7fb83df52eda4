/** The command line every micro-benchmark shares (--json, --max-time), on commander like the rest of bench/. */
import { Command, InvalidArgumentError } from 'commander';

export interface MicroArgs {
  /** Where to write the JSON results; null: print the table only. */
  readonly json: string | null;
  /** Seconds of benchmark.js sampling per case. */
  readonly maxTime: number;
}

/** A commander option parser for a positive integer, e.g. --rounds. */
export function positiveInteger(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer`);
    return n;
  };
}

function positiveSeconds(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError('--max-time must be a positive number of seconds');
  return n;
}

/**
 * A command with the shared options; a benchmark adds its own before parsing with parseMicro. A bad
 * value (throw InvalidArgumentError in a parser) or an unknown option prints commander's error and exits 1.
 */
export function microCommand(name: string, defaultMaxTime: number): Command {
  return new Command(name)
    .option('--json <file>', 'write the results as JSON to this file')
    .option('--max-time <seconds>', 'sampling time per case', positiveSeconds, defaultMaxTime);
}

export function parseMicro<T extends object = object>(cmd: Command, argv: readonly string[]): MicroArgs & T {
  cmd.parse([...argv], { from: 'user' });
  const o = cmd.opts<{ json?: string; maxTime: number } & T>();
  return { ...o, json: o.json ?? null, maxTime: o.maxTime };
}
