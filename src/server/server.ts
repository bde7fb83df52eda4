import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { CampaignRegistry } from '../campaigns/registry';
import { resolveOptions, type ExecutionMode, type ServerOptions } from '../config';
import { DecisionEngine } from '../engine/engine';
import { openFeatureReader } from '../features/store';
import type { FeatureReader } from '../features/types';
import { getKernel } from '../kernel/index';
import type { Kernel } from '../kernel/types';
import { loadNudgeProto, nudgePackageDefinition } from '../proto';
import { createJsonBox, JsonBoxWriter } from '../shared/json-box';
import { openLmdbStore } from '../store/lmdb-store';
import type { LearningStore } from '../store/types';
import { adminHandlers } from './admin-service';
import { Admission } from './admission';
import { decisionHandlers } from './decision-service';
import { type DecideExecutor, InlineExecutor, PoolExecutor } from './executor';
import { outcomeHandlers } from './outcome-service';

/** The few logger methods the server uses (pino's Logger has them). */
export interface ServerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const SILENT: ServerLogger = { info() {}, warn() {}, error() {} };

export interface RunningServer {
  /** The bound port (the real one when options.listen asked for port 0). */
  readonly port: number;
  /** host:port clients connect to. */
  readonly address: string;
  readonly options: ServerOptions;
  /** Where decisions run (pool unless the store cannot share memory with workers). */
  readonly mode: ExecutionMode;
  /** Worker threads (0 inline). */
  readonly workers: number;
  readonly kernel: Kernel;
  readonly store: LearningStore;
  readonly registry: CampaignRegistry;
  /** Stops accepting, lets in-flight calls finish (up to shutdownTimeoutMs), then releases everything. */
  close(): Promise<void>;
}

const SERVICES = ['', 'nudge.v1.DecisionService', 'nudge.v1.AdminService'];

function bind(server: grpc.Server, listen: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(listen, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
}

function hostOf(listen: string): string {
  return listen.slice(0, listen.lastIndexOf(':'));
}

/**
 * Opens the learning store and the campaigns, starts the executor (pool or inline) and the gRPC server.
 * Everything opened is closed again if a later step fails.
 */
export async function startServer(input: Partial<ServerOptions> = {}, logger: ServerLogger = SILENT): Promise<RunningServer> {
  const options = resolveOptions(input);
  const cleanup: (() => Promise<void> | void)[] = [];
  const unwind = async (): Promise<void> => {
    for (const fn of cleanup.reverse()) {
      try {
        await fn();
      } catch (err) {
        logger.error({ err }, 'cleanup after a failed start failed');
      }
    }
  };
  try {
    const kernel = getKernel();
    if (options.seed !== null) kernel.seed(options.seed);

    const store = await openLmdbStore({ dataDir: options.dataDir });
    cleanup.push(() => store.close());

    const registry = await CampaignRegistry.open({ dir: options.campaignsDir, saved: store.savedCampaigns() });
    cleanup.push(() => registry.close());
    for (const e of registry.errors()) logger.warn({ file: e.file }, e.message);
    for (const c of registry.list()) store.syncCampaign(c);

    // Workers see campaigns through a shared box, republished on every change (file or admin API).
    const campaignsBox = createJsonBox(registry.list());
    const boxWriter = new JsonBoxWriter(campaignsBox);
    registry.on('change', (ch) => {
      try {
        if (ch.campaign !== null) store.syncCampaign(ch.campaign);
        boxWriter.publish(registry.list());
        logger.info({ campaign: ch.name, version: ch.campaign?.version ?? null, origin: ch.origin }, 'campaign changed');
      } catch (err) {
        logger.error({ err, campaign: ch.name }, 'applying a campaign change failed');
      }
    });

    let executor: DecideExecutor;
    let features: FeatureReader | null = null;
    if (options.mode === 'pool' && store.handles !== null) {
      executor = new PoolExecutor(
        { handles: store.handles, campaignsBox, dataDir: options.dataDir, seed: options.seed },
        options.workers,
        options.maxBatch,
      );
    } else {
      if (options.mode === 'pool') logger.warn({}, 'the learning store has no shared-memory handles: deciding inline');
      features = openFeatureReader(options.dataDir);
      cleanup.push(() => features?.close());
      executor = new InlineExecutor(new DecisionEngine({ kernel, features, arms: store, campaigns: registry }));
    }
    cleanup.push(() => executor.close());

    const admission = new Admission(options.maxQueue, options.minBudgetMs);
    const proto = loadNudgeProto();
    const server = new grpc.Server();
    server.addService(proto.nudge.v1.DecisionService.service, {
      ...decisionHandlers({ executor, store, admission }),
      ...outcomeHandlers(store),
    });
    server.addService(proto.nudge.v1.AdminService.service, adminHandlers({ registry, store, kernel }));
    const health = new HealthImplementation(Object.fromEntries(SERVICES.map((s) => [s, 'SERVING' as const])));
    health.addToServer(server);
    new ReflectionService(nudgePackageDefinition()).addToServer(server);
    cleanup.push(() => server.forceShutdown());

    const port = await bind(server, options.listen);

    let sweeping: Promise<unknown> | null = null;
    const sweeper = setInterval(() => {
      if (sweeping !== null) return;
      sweeping = store
        .sweepExpired(Date.now())
        .catch((err: unknown) => logger.error({ err }, 'default-reward sweep failed'))
        .finally(() => {
          sweeping = null;
        });
    }, options.sweepMs);
    sweeper.unref();

    let closing: Promise<void> | null = null;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        admission.drain();
        clearInterval(sweeper);
        for (const s of SERVICES) health.setStatus(s, 'NOT_SERVING');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, options.shutdownTimeoutMs);
          server.tryShutdown(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        await sweeping;
        await executor.close();
        features?.close();
        await registry.close();
        await store.flush();
        await store.close();
      })();
      return closing;
    };

    return {
      port,
      address: `${hostOf(options.listen)}:${port}`,
      options,
      mode: executor.mode,
      workers: executor.threads,
      kernel,
      store,
      registry,
      close,
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}
