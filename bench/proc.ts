/** Per-process figures from /proc (Linux): CPU time of a server under test, so each run says how busy it was. */
import * as fs from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system, all threads) of a process in ms, or null when unavailable. */
export function processCpuMs(pid: number): number | null {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** CPU time of a process's main thread (its event loop in Node) in ms, or null when unavailable. */
export function mainThreadCpuMs(pid: number): number | null {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

/** Resident set size (VmRSS) of a process in MB, one decimal, or null when unavailable. */
export function readRssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until stop(); max() is the largest seen (null: none read). */
export function rssSampler(pid: number, everyMs = 250): { max(): number | null; stop(): void } {
  let max: number | null = null;
  const timer = setInterval(() => {
    const r = readRssMb(pid);
    if (r !== null && (max === null || r > max)) max = r;
  }, everyMs);
  return { max: () => max, stop: () => clearInterval(timer) };
}

function statCpuMs(file: string): number | null {
  try {
    const stat = fs.readFileSync(file, 'utf8');
    // Fields after the parenthesised command name (which may contain spaces): utime is the 14th field.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
