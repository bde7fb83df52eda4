import { CommanderError } from 'commander';

/**
 * Runs a benchmark's main() as a command: exit 0 when it resolves; commander's own exit code for a
 * usage error (it has printed it); 2 with the message for a bad option (RangeError, TypeError); 1 with
 * the stack for anything else.
 */
export function runCli(name: string, main: () => Promise<void>): void {
  main()
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      if (err instanceof CommanderError) process.exit(err.exitCode);
      if (err instanceof RangeError || err instanceof TypeError) {
        process.stderr.write(`${name}: ${err.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
