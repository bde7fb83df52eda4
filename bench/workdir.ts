/**
 * The temporary directory of one benchmark run: the bench campaign files and Nudge's data directory,
 * and the environment that points a Nudge process at them. Every benchmark that starts Nudge uses it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeBenchCampaigns } from './campaign-files';

export interface BenchWorkDir {
  readonly dir: string;
  /** nudgeBaseEnv(dir). */
  readonly nudgeEnv: Readonly<Record<string, string>>;
  /** Deletes the directory and everything Nudge wrote in it. */
  remove(): void;
  /** `p`, removing the directory first if it rejects: for what runs before the caller's try/finally. */
  unlessFails<T>(p: Promise<T>): Promise<T>;
}

/** A fresh directory under the OS's temporary directory, with campaign files for `offerCounts` offers. */
export function benchWorkDir(prefix: string, offerCounts: readonly number[]): BenchWorkDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nudge-${prefix}-`));
  writeBenchCampaigns(path.join(dir, 'campaigns'), offerCounts);
  const remove = (): void => fs.rmSync(dir, { recursive: true, force: true });
  return {
    dir,
    nudgeEnv: nudgeBaseEnv(dir),
    remove,
    unlessFails: (p) =>
      p.catch((err: unknown) => {
        remove();
        throw err;
      }),
  };
}

/** Environment shared by every Nudge process of a run whose directory is `workDir`. */
export function nudgeBaseEnv(workDir: string): Record<string, string> {
  return {
    NUDGE_DATA_DIR: path.join(workDir, 'data'),
    NUDGE_CAMPAIGNS: path.join(workDir, 'campaigns'),
    NUDGE_LISTEN: '127.0.0.1:0',
    NUDGE_SEED: '42',
    NUDGE_DEMO: '1',
    // An ephemeral metrics port: a fixed one collides with any other Nudge on the machine.
    NUDGE_METRICS_LISTEN: '127.0.0.1:0',
  };
}
