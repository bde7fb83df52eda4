import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { Command, InvalidArgumentError } from 'commander';
import type { AdminServiceClient } from '../generated/nudge/v1/AdminService';
import { loadNudgeProto } from '../proto';

/**
 * What the CLI commands that talk to a running server share (`nudge customers forget`,
 * `nudge monitor`): address, admin token, TLS and a deadline, and one way to call AdminService.
 */
export interface ClientFlags {
  address: string;
  token?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  deadlineMs: number;
}

function readPem(flag: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new RangeError(`${flag}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Plaintext unless a CA is given; a client certificate for servers that require mutual TLS. */
export function credentials(f: ClientFlags): grpc.ChannelCredentials {
  if (f.tlsCa === undefined) {
    if (f.tlsCert !== undefined || f.tlsKey !== undefined) throw new RangeError('--tls-cert and --tls-key need --tls-ca');
    return grpc.credentials.createInsecure();
  }
  if ((f.tlsCert === undefined) !== (f.tlsKey === undefined)) throw new RangeError('give both --tls-cert and --tls-key, or neither');
  return grpc.credentials.createSsl(
    readPem('--tls-ca', f.tlsCa),
    f.tlsKey === undefined ? null : readPem('--tls-key', f.tlsKey),
    f.tlsCert === undefined ? null : readPem('--tls-cert', f.tlsCert),
  );
}

export const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

/** Adds --address, --token, --tls-* and --deadline-ms to a command. */
export function withClientOptions(cmd: Command, deadlineMs: number, deadlineHelp = 'give up after this long'): Command {
  return cmd
    .option('--address <host:port>', 'the server to ask', '127.0.0.1:50051')
    .option('--token <token>', 'admin bearer token (default: env NUDGE_ADMIN_TOKEN)')
    .option('--tls-ca <file>', 'CA of the server certificate (turns TLS on)')
    .option('--tls-cert <file>', 'client certificate, for a server that requires mutual TLS')
    .option('--tls-key <file>', 'key of the client certificate')
    .option('--deadline-ms <ms>', deadlineHelp, positiveInt, deadlineMs);
}

export interface AdminCaller {
  /** Calls one AdminService method; rejects with "<Method> failed: <STATUS>: <details>". */
  call<Req, Res>(method: keyof AdminServiceClient & string, req: Req): Promise<Res>;
  close(): void;
}

export function adminCaller(f: ClientFlags): AdminCaller {
  const proto = loadNudgeProto();
  const client = new proto.nudge.v1.AdminService(f.address, credentials(f));
  const meta = new grpc.Metadata();
  const token = f.token ?? process.env['NUDGE_ADMIN_TOKEN'];
  if (token !== undefined && token !== '') meta.set('authorization', `Bearer ${token}`);
  return {
    call<Req, Res>(method: keyof AdminServiceClient & string, req: Req): Promise<Res> {
      const fn = (client as unknown as Record<string, (r: Req, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: Res) => void) => void>)[method]!;
      return new Promise((resolve, reject) => {
        fn.call(client, req, meta, { deadline: new Date(Date.now() + f.deadlineMs) }, (err, res) => {
          if (err) reject(new Error(`${method} failed: ${grpc.status[err.code] ?? err.code}: ${err.details}`));
          else resolve(res as Res);
        });
      });
    },
    close: () => client.close(),
  };
}
