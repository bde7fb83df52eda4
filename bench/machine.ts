/** What the figures were measured on: enough to tell whether two result files are comparable. */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { repoPath } from './paths';

export interface MachineInfo {
  readonly hostname: string;
  readonly platform: string;
  readonly release: string;
  readonly arch: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly totalMemoryMb: number;
  readonly node: string;
  readonly v8: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  /** 1-minute load average when the suite started: other work on the machine makes figures noisy. */
  readonly loadAverage: readonly number[];
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: repoPath(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    hostname: os.hostname(),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    v8: process.versions.v8,
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: status === null ? null : status.length > 0,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
