import * as fs from 'node:fs';
import { Command } from 'commander';
import { envHelp, optionsFromEnv, type ServerOptions } from '../config';
import { loadDemoFeatures } from '../features/demo';
import { createLogger } from '../observability/logger';
import { transportSummary } from '../security/tls';
import { startServer, type RunningServer } from '../server/server';
import { checkProcesses, reportListening, servingChildIndex, supervise } from '../server/supervisor';

/** "lmdb", or a Redis URL without its credentials. */
export function storeSummary(store: string): string {
  if (store === 'lmdb') return store;
  const u = new URL(store);
  return `${u.protocol}//${u.hostname}${u.port === '' ? '' : `:${u.port}`}${u.pathname === '/' ? '' : u.pathname}`;
}

/** Customers in the demo feature set loaded on a first start. */
const DEMO_CUSTOMERS = 10_000;

function isEmptyDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/** The fields of the "listening" log line (the primary of NUDGE_PROCESSES=N repeats child 0's). */
function listeningFields(running: RunningServer): Record<string, unknown> {
  return {
    address: running.address,
    port: running.port,
    mode: running.mode,
    workers: running.workers,
    kernel: running.kernel.impl,
    transport: transportSummary(running.options),
    metricsPort: running.metricsPort,
    adminToken: running.options.adminToken !== null,
    decideToken: running.options.decideToken !== null,
    dataDir: running.options.dataDir,
    // The URL may carry a password: only scheme, host and port are logged.
    store: storeSummary(running.options.store),
    campaigns: running.registry.list().map((c) => c.name),
  };
}

/**
 * Starts the server from the environment and serves until SIGTERM/SIGINT, then closes gracefully and
 * exits 0. Logs one JSON line "nudge listening on host:port" with `port` as a field, which scripts
 * and tests read when they asked for port 0.
 *
 * With NUDGE_PROCESSES=N > 1 this process becomes the primary (src/server/supervisor.ts): it forks N
 * children that run this same function as serving children (NUDGE_PROCESS_INDEX set), and logs that
 * line, with `processes: N`, once all of them listen. Each child logs "process i listening on ...".
 */
export async function serve(options: ServerOptions): Promise<void> {
  const logger = createLogger(options.logLevel);
  const childIndex = servingChildIndex();
  if (childIndex === null) {
    checkProcesses(options);
    // In the primary only, before any child exists: children must never load it concurrently.
    if (options.demo && isEmptyDir(options.dataDir)) {
      const report = await loadDemoFeatures(options.dataDir, DEMO_CUSTOMERS);
      logger.info({ dataDir: options.dataDir, report }, `loaded the demo feature set (${DEMO_CUSTOMERS} customers)`);
    }
    if (options.processes > 1) {
      await supervise(options, logger);
      return;
    }
  }
  const running = await startServer(options, logger);
  if (childIndex === null) {
    logger.info(listeningFields(running), `nudge listening on ${running.address}`);
  } else {
    const fields = listeningFields(running);
    logger.info({ ...fields, processIndex: childIndex }, `process ${childIndex} listening on ${running.address}`);
    reportListening(childIndex, running.port, running.metricsPort, fields);
  }

  // Soak tests read heap figures from these lines; RSS alone mixes heap with LMDB's mapped pages.
  const memTimer = options.memLogMs > 0 ? setInterval(() => logger.info(process.memoryUsage(), 'memory'), options.memLogMs) : null;
  memTimer?.unref();

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve Decide / outcomes / admin over gRPC (options from NUDGE_* environment variables)')
    .addHelpText('after', `\nEnvironment (default):\n${envHelp()}`)
    .action(async () => {
      await serve(optionsFromEnv(process.env));
    });
}
