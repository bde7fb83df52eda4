import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerMetrics } from './metrics';

export interface MetricsEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

export const METRICS_PATH = '/metrics';

/** Another handler on the same listener (the dashboard); returns false for paths it does not serve. */
export type ExtraRoutes = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/**
 * Serves GET /metrics in Prometheus text format on host:port, and what `extra` serves (the dashboard);
 * anything else is 404. /metrics needs no token: Prometheus scrapes it, and it carries no customer data.
 */
export function serveMetrics(metrics: ServerMetrics, listen: string, extra: ExtraRoutes | null = null): Promise<MetricsEndpoint> {
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(listen.slice(i + 1));
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '').split('?')[0];
    if (url !== METRICS_PATH && extra !== null && extra(req, res)) return;
    if (req.method !== 'GET' || url !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.text().then(
      (body) => res.writeHead(200, { 'content-type': metrics.contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`),
    );
  });
  // Scrapes and API calls are short; do not let a slow client hold a socket open.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
