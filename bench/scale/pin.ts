/**
 * CPU pinning for the scale benchmark (Linux, util-linux taskset): which CPUs this process may use,
 * how they are split between the server under test and the load generator, and the command prefix
 * that starts a process on given CPUs. Child processes inherit their parent's affinity, so pinning the
 * orchestrator to the generator's CPUs pins every generator it forks (bench/loadgen/driver.ts) too.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** Parses a kernel CPU list such as "0-3,6,8-9". */
export function parseCpuList(s: string): number[] {
  const out: number[] = [];
  for (const part of s.trim().split(',')) {
    if (part === '') continue;
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a) || (b !== undefined && !Number.isInteger(b))) throw new RangeError(`bad CPU list "${s}"`);
    for (let c = a!; c <= (b ?? a!); c++) out.push(c);
  }
  return [...new Set(out)].sort((x, y) => x - y);
}

export const cpuListString = (cpus: readonly number[]): string => cpus.join(',');

/** The CPUs this process may run on (Cpus_allowed_list), or null off Linux. */
export function allowedCpus(): number[] | null {
  try {
    const m = /Cpus_allowed_list:\s*(\S+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? parseCpuList(m[1]!) : null;
  } catch {
    return null;
  }
}

export function tasksetAvailable(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of a running process (taskset -a -p). */
export function pinProcess(pid: number, cpus: readonly number[]): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpuListString(cpus), String(pid)], { stdio: 'ignore' });
}

/** Pins this process to `cpus` (null: leaves it); a failure is noted and the run goes on unpinned. */
export function pinSelf(cpus: readonly number[] | null, notes: string[]): void {
  if (cpus === null) return;
  try {
    pinProcess(process.pid, cpus);
  } catch (err) {
    notes.push(`could not pin the orchestrator: ${err instanceof Error ? err.message : String(err)}`);
  }
}

let niceness = 0;

/**
 * Niceness of every process started through pinned() (all its threads inherit it): the sweep's
 * generator runs at -5 (bench/loadgen/driver.ts), and on a machine shared with other work the server
 * under test, Redis and the closed-loop generator get the same, so that neither side of a comparison
 * is the one other work preempts. 0 leaves them alone; without the privilege `nice` warns and runs
 * the command unchanged.
 */
export function setNiceness(n: number): void {
  niceness = n;
}

/** The command and arguments that run `cmd args` on `cpus` (unpinned when cpus is null), at the niceness set. */
export function pinned(cpus: readonly number[] | null, cmd: string, args: readonly string[]): { cmd: string; args: string[] } {
  const inner = cpus === null ? [cmd, ...args] : ['taskset', '-c', cpuListString(cpus), cmd, ...args];
  const full = niceness === 0 ? inner : ['nice', '-n', String(niceness), ...inner];
  return { cmd: full[0]!, args: full.slice(1) };
}

export interface CpuPlan {
  /** Every CPU this run may use. */
  readonly all: readonly number[];
  /** The load generator's CPUs (the last `genCores`); also where Redis runs unless told otherwise. */
  readonly gen: readonly number[];
  /** The server's CPUs: the rest. */
  readonly server: readonly number[];
  /** null when the server and the generator can be pinned apart; otherwise why not. */
  readonly invalid: string | null;
}

export function planCpus(genCores: number): CpuPlan {
  const all = allowedCpus();
  if (all === null) return { all: [], gen: [], server: [], invalid: 'cannot read the allowed CPUs (/proc/self/status): not Linux?' };
  if (!tasksetAvailable()) return { all, gen: all, server: all, invalid: 'taskset (util-linux) is not installed: nothing is pinned' };
  if (all.length < 2) return { all, gen: all, server: all, invalid: `${all.length} CPU: the server and the generator cannot be pinned to different cores` };
  const k = Math.min(genCores, all.length - 1);
  return { all, gen: all.slice(all.length - k), server: all.slice(0, all.length - k), invalid: null };
}

/**
 * CPUs for a server of `processes` serving processes: its own `processes` cores when the machine has
 * them beside the generator's, else every CPU (shared with the generator and Redis: `shared` true).
 */
export function serverCpusFor(plan: CpuPlan, processes: number): { cpus: readonly number[]; shared: boolean } {
  if (plan.invalid !== null) return { cpus: plan.all, shared: true };
  if (processes <= plan.server.length) return { cpus: plan.server.slice(0, processes), shared: false };
  return { cpus: plan.all, shared: true };
}
