import { upgradeSaved } from '../campaigns/moments';
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { CampaignRegistry } from '../campaigns/registry';
import { resolveOptions, type ExecutionMode, type ServerOptions } from '../config';
import { DecisionEngine } from '../engine/engine';
import { openFeatureReader } from '../features/store';
import { ProfileReader } from '../features/profile';
import { DriftMonitor } from './drift';
import { statsMonitor } from './monitor';
import { campaignStats } from './stats';
import { openDashboard } from '../dashboard/index';
import type { FeatureReader } from '../features/types';
import { randomInt } from 'node:crypto';
import { getKernel } from '../kernel/index';
import type { Kernel } from '../kernel/types';
import { loadNudgeProto, nudgePackageDefinition } from '../proto';
import { createJsonBox, JsonBoxWriter } from '../shared/json-box';
import { openStore, processIndexFromEnv } from '../store/open';
import type { LearningStore } from '../store/types';
import { FeatureAge } from '../observability/feature-age';
import { withFastDecide } from './fast-response';
import { instrumentService } from '../observability/instrument';
import { sheddingInterceptor } from './shedding';
import { ServerMetrics } from '../observability/metrics';
import { serveMetrics, type MetricsEndpoint } from '../observability/metrics-server';
import { bearerAuth } from '../security/auth';
import { serverCredentials } from '../security/tls';
import { adminHandlers } from './admin-service';
import { ModelRegistry } from '../models/registry';
import { modelHandlers } from './model-service';
import { privacyHandlers } from './privacy-service';
import { Admission, EventLoopLag, lagIntervalMs } from './admission';
import { decisionHandlers } from './decision-service';
import { eventHandlers } from './event-service';
import { openSessions } from './sessions';
import { type DecideExecutor, InlineExecutor, PoolExecutor } from './executor';
import { outcomeHandlers } from './outcome-service';

/** The few logger methods the server uses (pino's Logger has them). */
export interface ServerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
  /** pino's level check (optional): calls skip building debug lines when debug is off. */
  isLevelEnabled?(level: string): boolean;
}

const SILENT: ServerLogger = { info() {}, warn() {}, error() {}, debug() {}, isLevelEnabled: () => false };

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
  /** Port of the Prometheus /metrics listener, null when options.metricsListen is "off". */
  readonly metricsPort: number | null;
  /** Stops accepting, lets in-flight calls finish (up to shutdownTimeoutMs), then releases everything. */
  close(): Promise<void>;
}

const SERVICES = ['', 'nudge.v1.DecisionService', 'nudge.v1.AdminService'];
/** Health entry of the learning store: NOT_SERVING while a shared store is unreachable. */
const STORE_HEALTH = 'nudge.v1.Store';

function bind(server: grpc.Server, listen: string, creds: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(listen, creds, (err, port) => (err ? reject(err) : resolve(port)));
  });
}

/** Transport limits, set explicitly rather than left to grpc-js defaults (docs/operations.md). */
function channelOptions(o: ServerOptions): grpc.ServerOptions {
  return {
    'grpc.max_receive_message_length': o.maxMessageBytes,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.keepalive_time_ms': o.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': o.keepaliveTimeoutMs,
    // Clients may ping (keepalive) every 10 s, also between calls; more often is a ping flood.
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_concurrent_streams': o.maxConcurrentStreams,
    'grpc.max_connection_idle_ms': o.maxConnectionIdleMs,
    // Channelz keeps per-call counters and traces for a channelz service Nudge does not expose; it
    // cost about 5% of the main thread's busy time per Decide in the benchmark profile.
    'grpc.enable_channelz': 0,
    ...(o.maxConnectionAgeMs > 0 ? { 'grpc.max_connection_age_ms': o.maxConnectionAgeMs, 'grpc.max_connection_age_grace_ms': o.shutdownTimeoutMs } : {}),
  };
}

const SHED_PATHS = ['/nudge.v1.DecisionService/Decide', '/nudge.v1.DecisionService/DecideBatch'];

/**
 * The kernel GetCampaignStats draws P(best) from. Stats seed it by the posterior (stats.ts), and it
 * shares its generator with inline Decide, so after each draw the generator is re-seeded: from
 * entropy, or, for runs seeded with NUDGE_SEED, from the seed and a call count (still reproducible).
 */
function statsKernelOf(kernel: Kernel, seed: number | null): Kernel {
  let calls = 0;
  const reseed = (): void => kernel.seed(seed === null ? randomInt(0, 2 ** 48 - 1) : (seed + 0x9e3779b9 * ++calls) % 2 ** 48);
  // The kernel object is frozen: a new object whose prototype is the kernel overrides one method.
  return Object.create(kernel, {
    propensities: {
      value(alpha: Float64Array, beta: Float64Array, n: number, m: number, out: Float64Array): void {
        try {
          kernel.propensities(alpha, beta, n, m, out);
        } finally {
          reseed();
        }
      },
    },
  }) as Kernel;
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
    // Checked first: a plaintext listen on a public address must fail before anything is opened.
    const creds = serverCredentials(options);
    const kernel = getKernel();
    if (options.seed !== null) kernel.seed(options.seed);
    const statsKernel = statsKernelOf(kernel, options.seed);

    const store = await openStore(options, processIndexFromEnv());
    cleanup.push(() => store.close());

    const registry = await CampaignRegistry.open({ dir: options.campaignsDir, saved: store.savedCampaigns().map(upgradeSaved) });
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
    // Campaigns another process put or deleted through its AdminService (shared stores only).
    store.onRemoteCampaign?.((name, config) => {
      try {
        if (config === null) registry.delete(name);
        else registry.put(upgradeSaved(config));
      } catch (err) {
        logger.error({ err, campaign: name }, 'applying a campaign changed by another process failed');
      }
    });
    // After the handler above: attaching a model amends the campaign, which must reach store and workers.
    const models = new ModelRegistry(store.models, registry);

    const sessions = await openSessions(options, registry);
    cleanup.push(() => sessions.store.close());

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
    // Drift samples read features on the main thread: the inline engine's reader, or one of its own.
    const driftFeatures = features ?? openFeatureReader(options.dataDir);
    if (features === null) cleanup.push(() => driftFeatures.close());
    const profiles = new ProfileReader(options.dataDir);
    cleanup.push(() => profiles.close());
    const drift = new DriftMonitor(driftFeatures, profiles, { sample: options.driftSample, every: options.driftEvery });
    const monitor = statsMonitor(store, drift, options);
    registry.on('change', (ch) => {
      if (ch.campaign === null) monitor.drop(ch.name);
    });

    const lag = options.maxEventLoopLagMs > 0 ? new EventLoopLag(lagIntervalMs(options.maxEventLoopLagMs)) : null;
    cleanup.push(() => lag?.stop());
    const admission = new Admission(options.maxQueue, options.minBudgetMs, options.maxEventLoopLagMs, lag, options.shedIntervalMs);
    const proto = loadNudgeProto();
    const featureAge = new FeatureAge(options.dataDir);
    cleanup.push(() => featureAge.close());
    const metrics =
      options.metricsListen === 'off'
        ? null
        : new ServerMetrics({
            inFlight: () => admission.current,
            maxQueue: options.maxQueue,
            pool: () => executor.poolStats?.() ?? null,
            store,
            campaigns: () => registry.list().map((c) => c.name),
            featureSnapshotAgeSeconds: () => featureAge.seconds(),
            sessions: () => sessions.store.stats(),
            campaignStats: () =>
              Promise.all(registry.list().map(async (c) => campaignStats(c, store, statsKernel, '', await monitor.window(c, monitor.defaultWindowMs)))),
          });
    const dashboard = metrics === null ? null : openDashboard({ options, registry, store, kernel: statsKernel, monitor, metrics, logger });
    if (dashboard !== null) cleanup.push(() => dashboard.close());
    // Draining and event-loop lag refuse Decide calls before grpc-js reads them (src/server/shedding.ts);
    // the handlers then check the deadline and the in-flight limit.
    const shedding = sheddingInterceptor(admission, SHED_PATHS, metrics);
    const server = new grpc.Server({ ...channelOptions(options), interceptors: [shedding] });
    const decisionService = proto.nudge.v1.DecisionService.service;
    const adminService = proto.nudge.v1.AdminService.service;
    server.addService(
      withFastDecide(decisionService),
      instrumentService(
        decisionService,
        {
          ...decisionHandlers({
            executor,
            store,
            admission,
            drift,
            sessions: { store: sessions.store, campaigns: registry },
            onNoAction: metrics === null ? null : (c, reason) => metrics.noActionDecision(c, reason),
            maxBatch: options.maxBatch,
          }),
          ...outcomeHandlers(store),
          ...eventHandlers({ store: sessions.store, interest: sessions.interest }),
        },
        { service: 'nudge.v1.DecisionService', metrics, logger, auth: bearerAuth(options.decideToken, 'DecisionService') },
      ),
    );
    server.addService(
      adminService,
      instrumentService(adminService, { ...adminHandlers({ registry, store, kernel: statsKernel, monitor }), ...modelHandlers(models), ...privacyHandlers({ store, dataDir: options.dataDir, logger, sessions: sessions.store }) }, {
        service: 'nudge.v1.AdminService',
        metrics,
        logger,
        auth: bearerAuth(options.adminToken, 'AdminService'),
      }),
    );
    const health = new HealthImplementation(Object.fromEntries(SERVICES.map((s) => [s, 'SERVING' as const])));
    health.addToServer(server);
    // Decide keeps serving from the local copy while a shared store is unreachable; the store's own
    // health entry, a log line and a metric say so, and outcomes answer UNAVAILABLE meanwhile.
    health.setStatus(STORE_HEALTH, store.health().degraded ? 'NOT_SERVING' : 'SERVING');
    store.on?.('health', (h) => {
      health.setStatus(STORE_HEALTH, h.degraded ? 'NOT_SERVING' : 'SERVING');
      if (h.degraded) logger.error({ reason: h.reason }, 'the shared store is unreachable: serving Decide from the local copy (degraded)');
      else logger.info({}, 'the shared store is reachable again');
    });
    new ReflectionService(nudgePackageDefinition()).addToServer(server);
    cleanup.push(() => server.forceShutdown());

    const port = await bind(server, options.listen, creds);
    let metricsEndpoint: MetricsEndpoint | null = null;
    if (metrics !== null) {
      try {
        metricsEndpoint = await serveMetrics(metrics, options.metricsListen, dashboard?.handle ?? null);
        cleanup.push(() => metricsEndpoint?.close());
      } catch (err) {
        // Decisions matter more than their metrics: a taken metrics port must not stop the service.
        logger.error({ err, metricsListen: options.metricsListen }, 'the metrics listener failed to start: serving without /metrics');
      }
    }

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
        lag?.stop();
        clearInterval(sweeper);
        for (const s of [...SERVICES, STORE_HEALTH]) health.setStatus(s, 'NOT_SERVING');
        await metricsEndpoint?.close();
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
        featureAge.close();
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
      metricsPort: metricsEndpoint?.port ?? null,
      close,
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}
