/**
 * CPU time per request of one server under a steady open-loop rate: the whole process and its main
 * thread (from /proc), which is what sets capacity when the event loop is the bottleneck.
 *
 *   node dist/bench/cost.js --target nudge|floor [--rate 3000] [--duration 8000] [--campaign NAME] [--trace-gc]
 *                           [--node-arg FLAG ...]
 *
 * Starts the target, warms it up (1.5 s at the same rate, not measured), then measures. Prints one
 * JSON line. NUDGE_* variables in the environment reach the Nudge process. Linux only (/proc).
 * --trace-gc runs the target with V8's --trace-gc-nvp and adds what its collections cost during the
 * measured time: scavenges, mark-compacts, their pauses and phases, bytes promoted. --node-arg passes a
 * flag to the target's node process (repeat it for several), e.g. a V8 GC flag to try.
 */
import * as os from 'node:os';
import { Command } from 'commander';
import { parseGcLine, summarizeGc, type GcEvent } from './gc-trace';
import { runLoad } from './loadgen/driver';
import { mainThreadCpuMs, processCpuMs } from './proc';
import { MAIN_SCENARIO, requestsFor } from './scenarios';
import { startTarget } from './targets';
import { benchWorkDir } from './workdir';

async function main(): Promise<void> {
  const o = new Command('cost')
    .requiredOption('--target <kind>', 'nudge or floor')
    .option('--rate <n>', 'offered rate, req/s', '3000')
    .option('--duration <ms>', 'measured time', '8000')
    .option('--campaign <name>', 'campaign named in the requests (default: the main scenario\'s)')
    .option('--trace-gc', 'run the target with --trace-gc-nvp and report its collections during the measured time')
    .option('--node-arg <flag>', 'a flag for the target\'s node process, written --node-arg=--flag (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .parse()
    .opts<{ target: string; rate: string; duration: string; campaign?: string; traceGc?: boolean; nodeArg: string[] }>();
  if (o.target !== 'nudge' && o.target !== 'floor') throw new RangeError('--target must be nudge or floor');
  const rate = Number(o.rate);
  const duration = Number(o.duration);
  if (!(rate > 0) || !(duration > 0)) throw new RangeError('--rate and --duration must be positive numbers');
  const work = benchWorkDir('cost', [10, 100, 1000]);
  const nodeArgs = [...o.nodeArg, ...(o.traceGc === true ? ['--trace-gc-nvp'] : [])];
  const t = await work.unlessFails(startTarget({ name: o.target, kind: o.target, nodeArgs }, o.target === 'nudge' ? work.nudgeEnv : {}));
  try {
    const requests = { ...requestsFor(MAIN_SCENARIO), ...(o.campaign === undefined ? {} : { campaign: o.campaign }) };
    await runLoad({ target: t.address, rate, durationMs: 1000, warmupMs: 500, requests });
    // Both readers return null off Linux; a figure from half a reading would be wrong, so fail instead.
    const read = (f: (pid: number) => number | null): number => {
      const v = f(t.pid);
      if (v === null) throw new Error(`cannot read the CPU time of process ${t.pid} from /proc`);
      return v;
    };
    const p0 = read(processCpuMs);
    const m0 = read(mainThreadCpuMs);
    // The target's output lines so far belong to start-up and warm-up; the measured ones follow.
    const lines0 = t.output.length;
    const s = await runLoad({ target: t.address, rate, durationMs: duration, warmupMs: 0, requests });
    const gc = o.traceGc === true ? summarizeGc(t.output.slice(lines0).map(parseGcLine).filter((e): e is GcEvent => e !== null)) : undefined;
    const n = s.latencyMs.count;
    const perReq = (ms: number): number => Math.round((ms * 1000) / n);
    process.stdout.write(
      `${JSON.stringify({
        target: o.target,
        ...(nodeArgs.length > 0 ? { nodeArgs } : {}),
        rate,
        requests: n,
        errors: s.errors,
        p99Ms: s.latencyMs.p99,
        generatorValid: s.valid,
        cpuUsPerRequest: { process: perReq(read(processCpuMs) - p0), mainThread: perReq(read(mainThreadCpuMs) - m0) },
        loadAverage: os.loadavg()[0],
        ...(gc === undefined ? {} : { gc }),
      })}\n`,
    );
  } finally {
    await t.close();
    work.remove();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
