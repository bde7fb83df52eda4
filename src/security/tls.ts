import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { ServerOptions } from '../config';

/**
 * Transport security. Plaintext is only allowed where nobody else can listen in: on a loopback
 * address, or anywhere when the operator says so explicitly (NUDGE_INSECURE=1, e.g. behind a
 * TLS-terminating sidecar). Everything else needs NUDGE_TLS_CERT / NUDGE_TLS_KEY.
 */

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]', 'ip6-localhost']);

/** The host part of host:port, without IPv6 brackets. */
export function listenHost(listen: string): string {
  return listen.slice(0, listen.lastIndexOf(':'));
}

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  // 127.0.0.0/8
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function readPem(option: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new RangeError(`options.${option}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Credentials for bindAsync; throws RangeError when plaintext is not allowed on that address. */
export function serverCredentials(o: ServerOptions): grpc.ServerCredentials {
  if (o.tlsCert === null || o.tlsKey === null) {
    if (!o.insecure && !isLoopback(listenHost(o.listen))) {
      throw new RangeError(
        `options.listen ${o.listen} is not a loopback address: serving plaintext there needs options.insecure (NUDGE_INSECURE=1), or TLS (NUDGE_TLS_CERT and NUDGE_TLS_KEY)`,
      );
    }
    return grpc.ServerCredentials.createInsecure();
  }
  const cert = readPem('tlsCert', o.tlsCert);
  const key = readPem('tlsKey', o.tlsKey);
  const ca = o.tlsCa === null ? null : readPem('tlsCa', o.tlsCa);
  return grpc.ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], o.tlsClientAuth === 'require');
}

/** What startup logs say about transport security (never key material). */
export function transportSummary(o: ServerOptions): string {
  if (o.tlsCert === null) return 'plaintext';
  return o.tlsClientAuth === 'require' ? 'mutual TLS' : 'TLS';
}
