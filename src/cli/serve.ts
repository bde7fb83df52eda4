import * as fs from 'node:fs';
import { Command } from 'commander';
import { envHelp, optionsFromEnv, type ServerOptions } from '../config';
import { loadDemoFeatures } from '../features/demo';
import { createLogger } from '../observability/logger';
import { transportSummary } from '../security/tls';
import { startServer } from '../server/server';

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

/**
 * Starts the server from the environment and serves until SIGTERM/SIGINT, then closes gracefully and
 * exits 0. Logs one JSON line "nudge listening on host:port" with `port` as a field, which scripts
 * and tests read when they asked for port 0.
 */
export async function serve(options: ServerOptions): Promise<void> {
  const logger = createLogger(options.logLevel);
  if (options.demo && isEmptyDir(options.dataDir)) {
    const report = await loadDemoFeatures(options.dataDir, DEMO_CUSTOMERS);
    logger.info({ dataDir: options.dataDir, report }, `loaded the demo feature set (${DEMO_CUSTOMERS} customers)`);
  }
  const running = await startServer(options, logger);
  logger.info(
    {
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
      campaigns: running.registry.list().map((c) => c.name),
    },
    `nudge listening on ${running.address}`,
  );

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
