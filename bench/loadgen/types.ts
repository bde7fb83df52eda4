/** Shapes shared by the generator process, its driver and the suite. Everything here is JSON-safe. */
import type { RequestSetOptions } from './requests';
import type { ClientKind } from './transport';

export type TimerStrategy = 'nap' | 'spin';

export interface LoadOptions {
  /** host:port of the gRPC server. */
  readonly target: string;
  /** Offered rate of this process, requests per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** Sent on the same schedule as the measured part, never recorded. */
  readonly warmupMs: number;
  readonly connections: number;
  /** Shift of this process's schedule, so several processes interleave into one even schedule. */
  readonly phaseOffsetMs: number;
  /** After the last send, how long to wait for answers before counting the rest as TIMEOUT. */
  readonly drainMs: number;
  /** Client-side bound on outstanding requests; a request due beyond it is counted as CLIENT_DROPPED. */
  readonly maxInFlight: number;
  /**
   * Between sends: spin = setImmediate loop (exact, burns a core); nap = setTimeout across gaps over
   * 2 ms, and closer to a send short blocking naps (Atomics.wait, napMs) between event-loop turns, which
   * costs a few percent of a core but may hold an arrived answer back by up to napMs.
   */
  readonly timer: TimerStrategy;
  readonly napMs: number;
  /** raw: the socket-level HTTP/2 client (cheap); node: node:http2 (cross-check). */
  readonly client: ClientKind;
  readonly requests: Partial<RequestSetOptions>;
}

export const LOAD_DEFAULTS: Readonly<Omit<LoadOptions, 'target' | 'rate'>> = Object.freeze({
  durationMs: 10_000,
  warmupMs: 2_000,
  connections: 4,
  phaseOffsetMs: 0,
  drainMs: 5_000,
  maxInFlight: 50_000,
  timer: 'nap',
  napMs: 0.2,
  client: 'raw',
  requests: {},
});

/** Raw result of one generator process; histograms (microseconds) are HDR compressed base64. */
export interface RawLoadResult {
  readonly rate: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly connections: number;
  /** Measured (post-warm-up) requests: scheduled, actually sent, answered (any status). */
  readonly scheduled: number;
  readonly sent: number;
  readonly completed: number;
  readonly ok: number;
  readonly errors: Record<string, number>;
  /** Window from the first measured due time to the last measured send / answer, ms. */
  readonly sendWindowMs: number;
  readonly completeWindowMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly wallMs: number;
  /** Most requests that waited at once in the client for a stream slot (server's stream limit). */
  readonly localQueueMax: number;
  readonly histograms: {
    readonly fromScheduled: string;
    /** fromScheduled of the OK answers only: what accepted requests saw while excess was shed. */
    readonly okFromScheduled: string;
    readonly fromSent: string;
    readonly lateness: string;
  };
}

export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** The summary of one load run (one or more generator processes merged); times in milliseconds. */
export interface LoadSummary {
  readonly offeredRate: number;
  readonly processes: number;
  readonly connections: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly scheduled: number;
  readonly sent: number;
  readonly completed: number;
  readonly ok: number;
  readonly errors: Record<string, number>;
  readonly errorRate: number;
  readonly achievedSendRate: number;
  readonly achievedRate: number;
  /** From the time the schedule said to send: the figure without coordinated omission. */
  readonly latencyMs: Percentiles;
  /** latencyMs of the OK answers only (accepted requests, when the server sheds load). */
  readonly latencyOkMs: Percentiles;
  /** From the time the request really left the generator (hides generator lateness; for comparison). */
  readonly latencyFromSentMs: Percentiles;
  readonly lateness: { readonly p99Ms: number; readonly p999Ms: number; readonly maxMs: number };
  readonly generator: { readonly cpuMs: number; readonly wallMs: number; readonly cpuShare: number };
  /**
   * Most requests that waited at once inside the generator for a stream slot (summed over processes'
   * maxima): non-zero means the server's concurrent-stream limit, not the server, held them; their
   * wait is part of latencyMs.
   */
  readonly localQueueMax: number;
  readonly valid: boolean;
  readonly invalidReasons: string[];
  /** The merged HDR histograms (microseconds, compressed base64) for re-analysis. */
  readonly histograms: { readonly fromScheduled: string; readonly okFromScheduled: string; readonly fromSent: string; readonly lateness: string };
}

/** Messages between the driver and a generator process (child_process IPC). */
export type ChildMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly result: RawLoadResult }
  | { readonly type: 'failed'; readonly error: string };
export type ParentMessage =
  | { readonly type: 'options'; readonly options: LoadOptions }
  | { readonly type: 'start'; readonly startAtEpochMs: number };
