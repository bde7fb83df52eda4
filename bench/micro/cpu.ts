/** Nanoseconds of process CPU time per call of fn, over about `seconds` of CPU time. */
export function cpuNsPerCall(fn: () => void, seconds: number): number {
  let calls = 1;
  for (;;) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) fn();
    const t = process.cpuUsage(t0);
    const us = t.user + t.system;
    if (us >= seconds * 1e6) return (us * 1e3) / calls;
    // aim past the target in one more round (cpuUsage has microsecond resolution)
    calls = us < 1000 ? calls * 10 : Math.ceil((calls * seconds * 1.2e6) / us);
  }
}
