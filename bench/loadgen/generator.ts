/**
 * Open-loop load over raw node:http2. Request i is due at t0 + i/rate whatever the server does; latency
 * is recorded twice, from the due time (no coordinated omission) and from the actual send, and the gap
 * between the two (lateness) says whether the generator kept its own schedule.
 */
import { performance } from 'node:perf_hooks';
import { encodeDecideRequests } from './requests';
import type { Transport } from './transport';
import { encodeHistogram, newHistogram } from './histogram';
import type { LoadOptions, RawLoadResult } from './types';

const GRPC_STATUS_NAMES: readonly string[] = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

export function grpcStatusName(code: string | undefined): string {
  if (code === undefined) return 'NO_STATUS';
  const n = Number(code);
  return Number.isInteger(n) && n >= 0 && n < GRPC_STATUS_NAMES.length ? GRPC_STATUS_NAMES[n] : `STATUS_${code}`;
}

export function checkLoadOptions(o: LoadOptions): void {
  if (typeof o.target !== 'string' || o.target.length === 0) throw new TypeError('options.target must be a string');
  if (typeof o.rate !== 'number' || !(o.rate > 0)) throw new RangeError('options.rate must be a positive number');
  for (const k of ['durationMs', 'warmupMs', 'drainMs', 'phaseOffsetMs'] as const) {
    if (typeof o[k] !== 'number' || !(o[k] >= 0)) throw new RangeError(`options.${k} must be a non-negative number`);
  }
  if (!(o.durationMs > 0)) throw new RangeError('options.durationMs must be a positive number');
  if (!Number.isInteger(o.connections) || o.connections <= 0) throw new RangeError('options.connections must be a positive integer');
  if (!Number.isInteger(o.maxInFlight) || o.maxInFlight <= 0) throw new RangeError('options.maxInFlight must be a positive integer');
  if (o.client !== 'raw' && o.client !== 'node') throw new RangeError('options.client must be "raw" or "node"');
  if (o.timer !== 'nap' && o.timer !== 'spin') throw new RangeError('options.timer must be "nap" or "spin"');
  if (typeof o.napMs !== 'number' || !(o.napMs > 0 && o.napMs <= 1)) throw new RangeError('options.napMs must be in (0, 1]');
}

/**
 * Runs one schedule over already connected sessions. startPerf is the performance.now() value at which
 * request 0 (before the phase offset) is due; it lets several processes share one start instant.
 */
export function runSchedule(o: LoadOptions, transport: Transport, startPerf: number): Promise<RawLoadResult> {
  checkLoadOptions(o);
  const bodies = encodeDecideRequests(o.requests);
  const interval = 1000 / o.rate;
  const warmupCount = Math.floor((o.warmupMs * o.rate) / 1000);
  const total = warmupCount + Math.max(1, Math.floor((o.durationMs * o.rate) / 1000));
  const t0 = startPerf + o.phaseOffsetMs;

  const fromScheduled = newHistogram();
  const okFromScheduled = newHistogram();
  const fromSent = newHistogram();
  const lateness = newHistogram();
  const errors: Record<string, number> = {};
  const addError = (name: string): void => {
    errors[name] = (errors[name] ?? 0) + 1;
  };
  let next = 0;
  let inFlight = 0;
  let sent = 0;
  let completed = 0;
  let ok = 0;
  let lastSend = t0;
  let lastComplete = t0;
  const pending = new Map<number, number>(); // measured request index -> due time, for TIMEOUT accounting
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();

  return new Promise<RawLoadResult>((resolve) => {
    let finished = false;
    let drainTimer: NodeJS.Timeout | undefined;

    const finish = (): void => {
      if (finished) return;
      finished = true;
      if (drainTimer) clearTimeout(drainTimer);
      const now = performance.now();
      // Unanswered requests are errors, and their latency is at least this long: recording it keeps an
      // overloaded server from looking fast because its slowest answers never arrived.
      for (const due of pending.values()) {
        addError('TIMEOUT');
        fromScheduled.recordValue(Math.max(1, Math.round((now - due) * 1000)));
      }
      const cpu = process.cpuUsage(cpu0);
      const firstDue = t0 + warmupCount * interval;
      const result: RawLoadResult = {
        rate: o.rate,
        durationMs: o.durationMs,
        warmupMs: o.warmupMs,
        connections: o.connections,
        scheduled: total - warmupCount,
        sent,
        completed,
        ok,
        errors,
        sendWindowMs: Math.max(interval, lastSend - firstDue + interval),
        completeWindowMs: Math.max(interval, lastComplete - firstDue),
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        wallMs: now - wall0,
        localQueueMax: transport.localQueueMax(),
        histograms: {
          fromScheduled: encodeHistogram(fromScheduled),
          okFromScheduled: encodeHistogram(okFromScheduled),
          fromSent: encodeHistogram(fromSent),
          lateness: encodeHistogram(lateness),
        },
      };
      for (const h of [fromScheduled, okFromScheduled, fromSent, lateness]) h.destroy();
      resolve(result);
    };

    const maybeDone = (): void => {
      if (next >= total && inFlight === 0) finish();
    };

    const send = (i: number, due: number): void => {
      const measured = i >= warmupCount;
      if (inFlight >= o.maxInFlight) {
        if (measured) addError('CLIENT_DROPPED');
        return;
      }
      const sentAt = performance.now();
      if (measured) {
        sent++;
        lastSend = sentAt;
        lateness.recordValue(Math.max(0, Math.round((sentAt - due) * 1000)));
        pending.set(i, due);
      }
      inFlight++;
      transport.request(i, bodies[i % bodies.length], (status, transportError) => {
        inFlight--;
        if (measured && !finished && pending.delete(i)) {
          const end = performance.now();
          lastComplete = end;
          completed++;
          const us = Math.max(1, Math.round((end - due) * 1000));
          fromScheduled.recordValue(us);
          fromSent.recordValue(Math.max(1, Math.round((end - sentAt) * 1000)));
          if (transportError === undefined && status === '0') {
            ok++;
            okFromScheduled.recordValue(us);
          } else addError(transportError ?? grpcStatusName(status));
        }
        maybeDone();
      });
    };

    const tick = (): void => {
      const now = performance.now();
      while (next < total) {
        const due = t0 + next * interval;
        if (due > now) break;
        send(next, due);
        next++;
      }
      if (next >= total) {
        drainTimer = setTimeout(finish, o.drainMs);
        maybeDone();
        return;
      }
      schedule(t0 + next * interval - performance.now());
    };

    const schedule = (gap: number): void => {
      if (o.timer === 'nap') {
        // setTimeout fires up to ~1 ms late, so it only covers the part of a gap that is safely far away.
        if (gap > 2) {
          setTimeout(tick, gap - 1.5);
          return;
        }
        if (gap > 0.02) Atomics.wait(napCell, 0, 0, Math.min(gap, o.napMs));
      }
      setImmediate(tick);
    };

    schedule(t0 - performance.now());
  });
}

/** Never written: Atomics.wait on it always times out, which makes a sub-millisecond sleep. */
const napCell = new Int32Array(new SharedArrayBuffer(4));
