import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerMetrics } from './metrics';

export interface MetricsEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

export const METRICS_PATH = '/metrics';

/** Serves GET /metrics in Prometheus text format on host:port; anything else is 404. */
export function serveMetrics(metrics: ServerMetrics, listen: string): Promise<MetricsEndpoint> {
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(listen.slice(i + 1));
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || url !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.text().then(
      (body) => res.writeHead(200, { 'content-type': metrics.contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`),
    );
  });
  // Scrapes are short; do not let a slow client hold a socket open.
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
