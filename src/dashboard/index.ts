import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CampaignRegistry } from '../campaigns/registry';
import type { ServerOptions } from '../config';
import type { Kernel } from '../kernel/types';
import type { ServerMetrics } from '../observability/metrics';
import { isLoopback, listenHost } from '../security/tls';
import type { StatsMonitor } from '../server/stats';
import type { LearningStore } from '../store/types';
import { DashboardApi } from './api';
import { loadAssets } from './assets';
import { DashboardAuth } from './auth';
import { dashboardRoutes } from './routes';
import { ServingSampler } from './serving';

export interface DashboardDeps {
  readonly options: ServerOptions;
  readonly registry: CampaignRegistry;
  readonly store: LearningStore;
  readonly kernel: Kernel;
  readonly monitor: StatsMonitor;
  readonly metrics: ServerMetrics;
  readonly logger: { warn(obj: object, msg: string): void };
}

export interface Dashboard {
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  close(): void;
}

/**
 * The dashboard served beside /metrics (docs/dashboard.md). As for gRPC, plaintext is for loopback:
 * on another address it is served only with NUDGE_INSECURE=1 (say, behind a TLS-terminating proxy);
 * otherwise its paths answer 403 saying so, and /metrics is served as before.
 */
export function openDashboard(d: DashboardDeps): Dashboard | null {
  if (!d.options.dashboard) return null;
  const exposed = !isLoopback(listenHost(d.options.metricsListen)) && !d.options.insecure;
  if (exposed) {
    d.logger.warn({ httpListen: d.options.metricsListen }, 'the dashboard is not served on a non-loopback plaintext listener without NUDGE_INSECURE=1');
    return {
      handle(req, res) {
        const path = (req.url ?? '/').split('?')[0]!;
        if (path === '/metrics') return false;
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('the dashboard is served on loopback addresses only, unless NUDGE_INSECURE=1 (for example behind a TLS proxy)\n');
        return true;
      },
      close() {},
    };
  }
  const serving = new ServingSampler(() => d.metrics.servingTotals());
  const api = new DashboardApi({ registry: d.registry, store: d.store, kernel: d.kernel, monitor: d.monitor, serving });
  const routes = dashboardRoutes(api, new DashboardAuth(d.options.adminToken), loadAssets(), false);
  return {
    handle: (req, res) => routes.handle(req, res),
    close: () => serving.close(),
  };
}
