/**
 * One closed-loop generator process (started by closed.ts, usually pinned with taskset): `depth` Decide
 * calls in flight on each of its raw HTTP/2 connections (bench/loadgen/h2raw.ts), a new one sent as
 * soon as one is answered. Saturated throughput is what the server answers per second this way; calls
 * answered during the measured window count, latency is from each call's send.
 */
import { performance } from 'node:perf_hooks';
import { encodeHistogram, newHistogram } from '../loadgen/histogram';
import { grpcStatusName } from '../loadgen/generator';
import { RawH2Connection } from '../loadgen/h2raw';
import { DECIDE_PATH, encodeDecideRequests, type RequestSetOptions } from '../loadgen/requests';

export interface ClosedOptions {
  readonly target: string;
  readonly connections: number;
  /** Calls in flight per connection. */
  readonly depth: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly requests: Partial<RequestSetOptions>;
}

export interface ClosedRawResult {
  readonly completed: number;
  readonly ok: number;
  readonly errors: Record<string, number>;
  readonly windowMs: number;
  readonly cpuMs: number;
  /** Latency (us) of the measured calls, HDR compressed base64. */
  readonly latency: string;
}

export type ClosedChildMessage = { type: 'ready' } | { type: 'result'; result: ClosedRawResult } | { type: 'failed'; error: string };
export type ClosedParentMessage = { type: 'options'; options: ClosedOptions } | { type: 'start'; startAtEpochMs: number };

function send(msg: ClosedChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(msg, undefined, undefined, () => resolve()));
}

let options: ClosedOptions | undefined;
let conns: RawH2Connection[] = [];

async function run(o: ClosedOptions, startPerf: number): Promise<ClosedRawResult> {
  const bodies = encodeDecideRequests(o.requests);
  const from = startPerf + o.warmupMs;
  const end = from + o.durationMs;
  const hist = newHistogram();
  const errors: Record<string, number> = {};
  let completed = 0;
  let ok = 0;
  let next = 0;
  let inFlight = 0;
  let cpu0 = process.cpuUsage();
  let cpuMs: number | null = null;
  let cpuTaken = false;
  const takeCpu = (): void => {
    if (cpuMs !== null) return;
    const u = process.cpuUsage(cpu0);
    cpuMs = (u.user + u.system) / 1000;
  };
  await new Promise((r) => setTimeout(r, Math.max(0, startPerf - performance.now())));
  return new Promise<ClosedRawResult>((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      takeCpu(); // when the end-of-window timer has not fired yet
      const result: ClosedRawResult = { completed, ok, errors, windowMs: o.durationMs, cpuMs: cpuMs ?? 0, latency: encodeHistogram(hist) };
      hist.destroy();
      resolve(result);
    };
    const issue = (c: RawH2Connection): void => {
      const sentAt = performance.now();
      inFlight++;
      c.request(bodies[next++ % bodies.length]!, (status, transportError) => {
        inFlight--;
        const now = performance.now();
        if (now >= from && now < end) {
          if (!cpuTaken) {
            cpuTaken = true;
            cpu0 = process.cpuUsage();
          }
          completed++;
          hist.recordValue(Math.max(1, Math.round((now - sentAt) * 1000)));
          if (transportError === undefined && status === '0') ok++;
          else {
            const k = transportError ?? grpcStatusName(status);
            errors[k] = (errors[k] ?? 0) + 1;
          }
        }
        if (now < end && transportError === undefined) issue(c);
        else if (inFlight === 0) finish();
      });
    };
    setTimeout(takeCpu, Math.max(0, end - performance.now())).unref();
    // Bounded: calls still unanswered 5 s after the window are abandoned.
    setTimeout(finish, Math.max(0, end - performance.now()) + 5000).unref();
    for (const c of conns) for (let k = 0; k < o.depth; k++) issue(c);
  });
}

process.on('message', (m: ClosedParentMessage) => {
  void (async () => {
    if (m.type === 'options') {
      options = m.options;
      for (let i = 0; i < options.connections; i++) conns.push(await RawH2Connection.connect(options.target, DECIDE_PATH));
      await send({ type: 'ready' });
      return;
    }
    if (!options) throw new Error('start before options');
    const startPerf = performance.now() + (m.startAtEpochMs - Date.now());
    const result = await run(options, startPerf);
    for (const c of conns) c.close();
    conns = [];
    await send({ type: 'result', result });
    process.exit(0);
  })().catch(async (err: unknown) => {
    await send({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  });
});
