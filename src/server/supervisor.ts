import cluster, { type Worker } from 'node:cluster';
import type { ServerOptions } from '../config';
import type { ServerLogger } from './server';

/**
 * NUDGE_PROCESSES=N: the primary process forks N serving children (node:cluster) that share the
 * listen port, restarts a child that dies, and drains all of them on SIGTERM/SIGINT.
 *
 * How the port is shared: a cluster child's net listen() asks the primary for the handle, keyed by
 * host:port, and on Linux the primary accepts connections and hands them to the children in turn
 * (round robin). grpc-js binds with a plain http2 server listen(), so it takes part unchanged. gRPC
 * keeps one HTTP/2 connection per channel, so the spreading is per connection, not per call.
 * Two cluster rules shape the code below:
 * - port 0: every child that listens on host:0 gets the primary's one handle, so the same port, but
 *   only while some child holds it; when the last one is gone the primary closes it and host:0 would
 *   pick a new port. A child asking for host:<that port> while children hold host:0 gets EADDRINUSE
 *   (the primary holds the socket; nodejs/node#13526). So all live children share one listen string,
 *   which becomes host:<port> only when no child is left to hold host:0.
 * - a child whose IPC channel to the primary closes exits at once (cluster's own rule), so a primary
 *   killed with -9 leaves no orphans; the primary therefore stops children with a signal, never
 *   with worker.kill()/disconnect(), which would skip the drain.
 */

/** Tells a serving child which of the N it is (0..N-1), so node-local files can be kept apart. */
export const PROCESS_INDEX_ENV = 'NUDGE_PROCESS_INDEX';

/** Fastest restart of a crashed child; the delay doubles per crash up to RESTART_MAX_MS. */
export const RESTART_MIN_MS = 100;
export const RESTART_MAX_MS = 5000;
/** A child that ran this long before it died is restarted after RESTART_MIN_MS again. */
export const RESTART_RESET_MS = 10_000;
/** Children get shutdownTimeoutMs to drain their calls, plus this for the pool, store and exit. */
export const SHUTDOWN_MARGIN_MS = 5000;

const LISTENING = 'nudge:listening';

/** What a child tells the primary once its server is listening (IPC). */
export interface ListeningMessage {
  readonly type: typeof LISTENING;
  readonly index: number;
  readonly pid: number;
  readonly port: number;
  readonly metricsPort: number | null;
  /** The child's "listening" log fields, repeated in the primary's one line. */
  readonly fields: Record<string, unknown>;
}

function isListeningMessage(m: unknown): m is ListeningMessage {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return r['type'] === LISTENING && typeof r['index'] === 'number' && typeof r['port'] === 'number' && typeof r['fields'] === 'object';
}

/**
 * The options NUDGE_PROCESSES depends on, checked before anything is opened or forked. Throws an Error
 * whose message the CLI prints as is (exit 1, like every other option error).
 */
export function checkProcesses(options: ServerOptions): void {
  if (options.processes === 1) return;
  if (options.store === 'lmdb') {
    // The LMDB file would be fine; the shared-memory posterior arena beside it is one process's.
    throw new Error(
      `NUDGE_PROCESSES=${options.processes} needs a shared store: the embedded lmdb store serves one process; ` +
        'set NUDGE_STORE=redis://host:port',
    );
  }
  if (!cluster.isPrimary) {
    // Run under another cluster manager (pm2 cluster mode...): that manager already forks; forking
    // again from its workers is not possible.
    throw new Error(`NUDGE_PROCESSES=${options.processes} cannot fork from a cluster worker: run one process per worker (NUDGE_PROCESSES=1)`);
  }
  const metricsPort = portOf(options.metricsListen);
  if (metricsPort !== null && metricsPort > 0 && metricsPort + options.processes - 1 > 65535) {
    throw new Error(
      `NUDGE_METRICS_LISTEN: child i serves /metrics on port ${metricsPort} + i, which passes 65535 with NUDGE_PROCESSES=${options.processes}`,
    );
  }
}

/** This process's index when it is a serving child of a NUDGE_PROCESSES primary, else null. */
export function servingChildIndex(env: NodeJS.ProcessEnv = process.env): number | null {
  // Both: a cluster worker of some other manager is not ours, and a stray variable in a shell is not either.
  const raw = env[PROCESS_INDEX_ENV];
  if (!cluster.isWorker || raw === undefined || !/^\d+$/.test(raw)) return null;
  return Number(raw);
}

/** Sent by a serving child once it listens; the primary logs "nudge listening on" when all have. */
export function reportListening(index: number, port: number, metricsPort: number | null, fields: Record<string, unknown>): void {
  const msg: ListeningMessage = { type: LISTENING, index, pid: process.pid, port, metricsPort, fields };
  process.send?.(msg);
}

/** Restart delays of one child slot: RESTART_MIN_MS doubling to RESTART_MAX_MS, reset by a long run. */
export class RestartBackoff {
  private delay: number;

  constructor(
    private readonly minMs = RESTART_MIN_MS,
    private readonly maxMs = RESTART_MAX_MS,
    private readonly resetAfterMs = RESTART_RESET_MS,
  ) {
    this.delay = minMs;
  }

  /** The delay before restarting a child that ran `ranMs` before it died. */
  next(ranMs: number): number {
    if (ranMs >= this.resetAfterMs) this.delay = this.minMs;
    const d = this.delay;
    this.delay = Math.min(this.delay * 2, this.maxMs);
    return d;
  }
}

function hostOf(listen: string): string {
  return listen.slice(0, listen.lastIndexOf(':'));
}

function portOf(listen: string): number | null {
  return listen === 'off' ? null : Number(listen.slice(listen.lastIndexOf(':') + 1));
}

/** Child i's metrics listener: its own port (base + i) so a scrape reads one process; off stays off. */
function metricsListenOf(options: ServerOptions, index: number): string {
  const port = portOf(options.metricsListen);
  // Port 0 stays 0: cluster gives every child the same "random" port, so a scrape reads any one child.
  if (port === null || port === 0) return options.metricsListen;
  return `${hostOf(options.metricsListen)}:${port + index}`;
}

interface Slot {
  readonly index: number;
  readonly backoff: RestartBackoff;
  worker: Worker | null;
  startedAt: number;
  restartTimer: NodeJS.Timeout | null;
  pid: number | null;
  metricsPort: number | null;
  /** Its server answered at least once since this worker was forked. */
  listening: boolean;
}

/**
 * Forks options.processes serving children of this CLI (the same `serve` command, which sees
 * NUDGE_PROCESS_INDEX and runs the server) and supervises them until SIGTERM/SIGINT. Resolves once
 * every child listens, after the one "nudge listening on host:port" line; rejects, after stopping
 * the others, if a child exits before all of them listened (a start that fails, fails as a whole).
 * Children inherit this process's environment, so they resolve the same options; the caller has
 * run checkProcesses and any one-off start work (the demo feature load) already.
 */
export function supervise(options: ServerOptions, logger: ServerLogger): Promise<void> {
  const n = options.processes;
  cluster.setupPrimary({ exec: process.argv[1], args: process.argv.slice(2) });
  const slots: Slot[] = Array.from({ length: n }, (_, index) => ({
    index,
    backoff: new RestartBackoff(),
    worker: null,
    startedAt: 0,
    restartTimer: null,
    pid: null,
    metricsPort: null,
    listening: false,
  }));
  let listen = options.listen;
  let port: number | null = null;
  // starting -> ready -> stopping (a signal may come while starting too); starting -> failed (a
  // child died before all of them listened).
  let phase: 'starting' | 'ready' | 'stopping' | 'failed' = 'starting';
  let failure: Error | null = null;
  let clean = true;
  let first: ListeningMessage | null = null;

  return new Promise<void>((resolve, reject) => {
    const live = (): Slot[] => slots.filter((s) => s.worker !== null);

    const fork = (slot: Slot): void => {
      slot.restartTimer = null;
      // host:0 is one shared handle only while a child holds it; see the header comment.
      if (port !== null && live().length === 0) listen = `${hostOf(options.listen)}:${port}`;
      const worker = cluster.fork({
        [PROCESS_INDEX_ENV]: String(slot.index),
        NUDGE_LISTEN: listen,
        NUDGE_METRICS_LISTEN: metricsListenOf(options, slot.index),
      });
      slot.worker = worker;
      slot.pid = worker.process.pid ?? null;
      slot.startedAt = Date.now();
      slot.listening = false;
      worker.on('message', (m: unknown) => {
        if (isListeningMessage(m) && m.index === slot.index) onListening(slot, m);
      });
      // An IPC write to a child that just died must not take the primary down.
      worker.on('error', (err: Error) => logger.warn({ err, processIndex: slot.index, childPid: slot.pid }, 'child process error'));
      worker.on('exit', (code: number | null, signal: NodeJS.Signals | null) => onExit(slot, worker, code, signal));
    };

    const onListening = (slot: Slot, m: ListeningMessage): void => {
      slot.listening = true;
      slot.metricsPort = m.metricsPort;
      if (port === null) port = m.port;
      else if (m.port !== port) {
        // Only if every child died while this one was starting on host:0: clients lost the old port.
        logger.error(
          { processIndex: slot.index, childPid: m.pid, port: m.port, previousPort: port },
          `process ${slot.index} listens on port ${m.port}, not ${port}`,
        );
        port = m.port;
      }
      first ??= m;
      if (phase === 'ready') {
        logger.info({ processIndex: slot.index, childPid: m.pid, port: m.port }, `process ${slot.index} restarted`);
        return;
      }
      if (phase !== 'starting' || slots.some((s) => !s.listening)) return;
      phase = 'ready';
      logger.info(
        {
          ...first.fields,
          address: `${hostOf(options.listen)}:${port}`,
          port,
          processes: n,
          pids: slots.map((s) => s.pid),
          metricsPort: slots[0]!.metricsPort,
          metricsPorts: slots.map((s) => s.metricsPort),
        },
        `nudge listening on ${hostOf(options.listen)}:${port}`,
      );
      resolve();
    };

    const onExit = (slot: Slot, worker: Worker, code: number | null, signal: NodeJS.Signals | null): void => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      const ranMs = Date.now() - slot.startedAt;
      const how = signal !== null ? `signal ${signal}` : `code ${code}`;
      if (phase === 'stopping') {
        // A child still starting (a restart) has no handler yet and dies of the SIGTERM: nothing to drain.
        if (code !== 0 && !(signal === 'SIGTERM' && !slot.listening)) clean = false;
        logger.info({ processIndex: slot.index, childPid: slot.pid, code, signal }, `process ${slot.index} exited (${how})`);
        if (live().length === 0) finish();
        return;
      }
      if (phase === 'starting') {
        // Its own error is on stderr already (the CLI prints it); the others were only starting, so
        // they are stopped, not drained.
        phase = 'failed';
        failure = new Error(`process ${slot.index} exited (${how}) before every process listened`);
        for (const s of live()) s.worker!.process.kill('SIGKILL');
      }
      if (phase === 'failed') {
        if (live().length === 0) reject(failure);
        return;
      }
      const delay = slot.backoff.next(ranMs);
      logger.error(
        { processIndex: slot.index, childPid: slot.pid, code, signal, ranMs, restartInMs: delay },
        `process ${slot.index} exited (${how}); restarting in ${delay} ms`,
      );
      slot.restartTimer = setTimeout(() => fork(slot), delay);
    };

    let killTimer: NodeJS.Timeout | null = null;
    const finish = (): void => {
      if (killTimer !== null) clearTimeout(killTimer);
      logger.info({ processes: n, clean }, 'all processes exited');
      process.exit(clean ? 0 : 1);
    };

    const stop = (signal: NodeJS.Signals): void => {
      if (phase === 'stopping' || phase === 'failed') return;
      phase = 'stopping';
      const boundMs = options.shutdownTimeoutMs + SHUTDOWN_MARGIN_MS;
      logger.info({ signal, processes: live().length, boundMs }, 'shutting down');
      for (const s of slots) {
        if (s.restartTimer !== null) clearTimeout(s.restartTimer);
        s.restartTimer = null;
      }
      // Each child's serve() drains on SIGTERM: stops accepting, finishes its calls, closes the store.
      for (const s of live()) s.worker!.process.kill('SIGTERM');
      if (live().length === 0) {
        finish();
        return;
      }
      killTimer = setTimeout(() => {
        clean = false;
        const stuck = live();
        logger.error({ childPids: stuck.map((s) => s.pid), boundMs }, `${stuck.length} process(es) still running after ${boundMs} ms; killing`);
        for (const s of stuck) s.worker!.process.kill('SIGKILL');
      }, boundMs);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);

    for (const slot of slots) fork(slot);
  });
}
