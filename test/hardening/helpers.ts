import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { DecisionServiceClient } from '../../src/generated/nudge/v1/DecisionService';
import type { OutcomeSummary__Output } from '../../src/generated/nudge/v1/OutcomeSummary';
import { packageRoot } from '../../src/proto';
import { tempDir } from '../server/helpers';

export const MAIN = path.join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

export interface ServerProcess {
  readonly proc: ChildProcess;
  readonly address: string;
  readonly port: number;
  readonly metricsPort: number | null;
  /** Every stdout and stderr line so far (the JSON logs). */
  readonly output: string[];
  readonly exited: Promise<number | null>;
}

const live: ChildProcess[] = [];

/** Kills (SIGKILL) every server process a test left running; call from afterEach. */
export function killAll(): void {
  for (const c of live.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Spawns `nudge serve` with NUDGE_* settings and resolves once its "nudge listening on" line is out. */
export function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [MAIN, 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      NUDGE_LISTEN: '127.0.0.1:0',
      NUDGE_METRICS_LISTEN: '127.0.0.1:0',
      NUDGE_DEMO: '0',
      NUDGE_MODE: 'inline',
      NUDGE_WORKERS: '2',
      NUDGE_SEED: '7',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.push(proc);
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  readline.createInterface({ input: proc.stderr! }).on('line', (l) => output.push(l));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      output.push(line);
      try {
        const rec = JSON.parse(line) as { msg?: string; address?: string; port?: number; metricsPort?: number | null };
        if (rec.msg?.startsWith('nudge listening on') && typeof rec.port === 'number') {
          resolve({ proc, address: rec.address!, port: rec.port, metricsPort: rec.metricsPort ?? null, output, exited });
        }
      } catch {
        // not a JSON line
      }
    });
    void exited.then((code) => reject(new Error(`nudge serve exited with ${code} before listening:\n${output.join('\n')}`)));
  });
}

export interface Certs {
  readonly dir: string;
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** A client certificate from a CA the server does not trust. */
  readonly rogueCert: string;
  readonly rogueKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('/usr/bin/openssl', args, { cwd, stdio: 'pipe', timeout: 60_000 });
}

function makeCa(dir: string, name: string): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`], dir);
}

function makeLeaf(dir: string, name: string, ca: string, ext: string): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`], dir);
}

/** A CA, a server certificate for localhost/127.0.0.1, a client certificate, and a rogue client. */
export function makeCerts(): Certs {
  const dir = tempDir('certs');
  makeCa(dir, 'ca');
  makeCa(dir, 'rogue-ca');
  makeLeaf(dir, 'server', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  makeLeaf(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');
  makeLeaf(dir, 'rogue', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  const p = (f: string): string => path.join(dir, f);
  return {
    dir,
    ca: p('ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    rogueCert: p('rogue.pem'),
    rogueKey: p('rogue.key'),
  };
}

/** GET a URL's body (status must be 200). */
export async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

/** The value of a metric line with exactly these labels (or no labels), or undefined. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const got: Record<string, string> = {};
    for (const part of (m[3] ?? '').split(',').filter(Boolean)) {
      const [k, v] = part.split('=');
      got[k!] = JSON.parse(v!) as string;
    }
    if (Object.keys(labels).every((k) => got[k] === labels[k]) && Object.keys(got).length === Object.keys(labels).length) return Number(m[4]);
  }
  return undefined;
}

type HealthResponse = { status: string };
interface HealthClient extends grpc.Client {
  Check(req: { service: string }, cb: (err: grpc.ServiceError | null, res?: HealthResponse) => void): void;
}

/** One grpc.health.v1.Health/Check call. */
export function healthCheck(address: string, service = '', creds = grpc.credentials.createInsecure()): Promise<string> {
  const file = path.join(packageRoot(), 'node_modules', 'grpc-health-check', 'proto', 'health', 'v1', 'health.proto');
  const def = grpc.loadPackageDefinition(protoLoader.loadSync(file, { enums: String })) as unknown as {
    grpc: { health: { v1: { Health: new (a: string, c: grpc.ChannelCredentials) => HealthClient } } };
  };
  const client = new def.grpc.health.v1.Health(address, creds);
  return new Promise((resolve, reject) => {
    client.Check({ service }, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res!.status);
    });
  });
}

export interface StreamedOutcome {
  decisionId: string;
  offerId: string;
  reward: number;
}

/** Streams outcomes with back-pressure; `onWritten(n)` after each write. Resolves with the summary (the acknowledgement). */
export function streamOutcomes(d: DecisionServiceClient, outcomes: readonly StreamedOutcome[], onWritten?: (n: number) => void): Promise<OutcomeSummary__Output> {
  return new Promise((resolve, reject) => {
    const s = d.StreamOutcomes((err, summary) => (err ? reject(err) : resolve(summary!)));
    let i = 0;
    const pump = (): void => {
      while (i < outcomes.length) {
        const ok = s.write(outcomes[i++]);
        onWritten?.(i);
        if (!ok) {
          s.once('drain', pump);
          return;
        }
      }
      s.end();
    };
    s.on('error', () => undefined);
    pump();
  });
}
