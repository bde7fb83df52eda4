/**
 * The floor: a no-op nudge.v1.DecisionService built from the same proto with the same loader options as
 * the real server, returning one fixed DecideResponse. Whatever latency it shows under a given load is
 * what grpc-js, HTTP/2 and this machine cost before Nudge does any work, so every Nudge figure is read
 * against it (measured in the same run, see bench/run.ts).
 *
 * Run as its own process: `node dist/bench/floor-server.js [--listen 127.0.0.1:0]`; prints one JSON line
 * `{"event":"listening","port":N,"address":"..."}` on stdout once bound.
 */
import * as grpc from '@grpc/grpc-js';
import { loadNudgeProto } from '../src/proto';
import type { DecideResponse } from '../src/generated/nudge/v1/DecideResponse';
import type { DecideRequest__Output } from '../src/generated/nudge/v1/DecideRequest';

export interface FloorServer {
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

/** A response of realistic size: three offers with a few attributes, like num_offers = 3 on Nudge. */
export const FLOOR_RESPONSE: Readonly<DecideResponse> = Object.freeze({
  decisionId: '0192f0c4-7c1e-7000-8000-000000000000',
  offers: [0, 1, 2].map((i) => ({
    offerId: `offer-${i}`,
    score: 0.5 - i * 0.1,
    probability: 0.1,
    propensity: 0.33,
    attributes: { framing: i === 0 ? 'urgency' : 'gain', channel: 'app' },
  })),
  policy: 'thompson',
  control: false,
  route: 'default',
  segment: '',
  configVersion: 1,
  modelVersion: '',
});

function parseListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  if (i <= 0) throw new RangeError('options.listen must be host:port');
  const port = Number(listen.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('options.listen must be host:port');
  return { host: listen.slice(0, i), port };
}

export async function startFloorServer(options: { listen?: string } = {}): Promise<FloorServer> {
  const listen = options.listen ?? '127.0.0.1:0';
  if (typeof listen !== 'string') throw new TypeError('options.listen must be a string');
  const { host, port } = parseListen(listen);
  const proto = loadNudgeProto();
  const server = new grpc.Server();
  const unimplemented = (_call: unknown, cb: grpc.sendUnaryData<never>): void =>
    cb({ code: grpc.status.UNIMPLEMENTED, details: 'floor server implements Decide only' });
  server.addService(proto.nudge.v1.DecisionService.service, {
    Decide: (_call: grpc.ServerUnaryCall<DecideRequest__Output, DecideResponse>, cb: grpc.sendUnaryData<DecideResponse>) =>
      cb(null, FLOOR_RESPONSE),
    DecideBatch: unimplemented,
    ReportOutcome: unimplemented,
    StreamOutcomes: unimplemented,
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port: bound,
    address: `${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--listen');
  const listen = i >= 0 ? process.argv[i + 1] : process.env.FLOOR_LISTEN;
  const server = await startFloorServer({ listen: listen ?? '127.0.0.1:0' });
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: server.port, address: server.address, pid: process.pid })}\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`floor server failed: ${String(err)}\n`);
    process.exit(1);
  });
}
