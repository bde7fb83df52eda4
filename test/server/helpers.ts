import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { AdminServiceClient } from '../../src/generated/nudge/v1/AdminService';
import type { DecisionServiceClient } from '../../src/generated/nudge/v1/DecisionService';
import { NudgeError } from '../../src/errors';
import { loadNudgeProto } from '../../src/proto';
import type { ServerOptions } from '../../src/config';
import type { Admission } from '../../src/server/admission';
import { startServer, type RunningServer } from '../../src/server/server';
import { mulberry32 as rng } from '../../src/shared/mulberry32';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `nudge-${prefix}-`));
}

/** A campaign file in snake_case (what a user writes); `extra` overrides the defaults. */
export function campaignFile(name: string, offers: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, policy: 'thompson', offers: offers.map((id) => ({ id, attributes: { label: id.toUpperCase() } })), ...extra };
}

export function writeCampaigns(dir: string, campaigns: Record<string, unknown>[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const c of campaigns) fs.writeFileSync(path.join(dir, `${String(c['name'])}.json`), JSON.stringify(c));
}

export interface TestServer {
  readonly server: RunningServer;
  readonly decisions: DecisionServiceClient;
  readonly admin: AdminServiceClient;
  readonly dataDir: string;
  readonly campaignsDir: string;
  stop(): Promise<void>;
}

export async function startTestServer(
  campaigns: Record<string, unknown>[],
  options: Partial<ServerOptions> = {},
  dirs: { dataDir?: string; campaignsDir?: string } = {},
): Promise<TestServer> {
  const dataDir = dirs.dataDir ?? tempDir('data');
  const campaignsDir = dirs.campaignsDir ?? tempDir('campaigns');
  writeCampaigns(campaignsDir, campaigns);
  const server = await startServer({
    listen: '127.0.0.1:0',
    dataDir,
    campaignsDir,
    mode: 'inline',
    workers: 2,
    seed: 12345,
    demo: false,
    shutdownTimeoutMs: 2000,
    ...options,
  });
  const { decisions, admin } = clients(server.address);
  return {
    server,
    decisions,
    admin,
    dataDir,
    campaignsDir,
    async stop() {
      decisions.close();
      admin.close();
      await server.close();
    },
  };
}

export function clients(address: string): { decisions: DecisionServiceClient; admin: AdminServiceClient } {
  const proto = loadNudgeProto();
  const creds = grpc.credentials.createInsecure();
  return {
    decisions: new proto.nudge.v1.DecisionService(address, creds),
    admin: new proto.nudge.v1.AdminService(address, creds),
  };
}

type Cb<Res> = (err: grpc.ServiceError | null, res?: Res) => void;

/** Promisifies a unary client method: call(client.Decide.bind(client), req). */
export function call<Req, Res>(
  method: (req: Req, meta: grpc.Metadata, opts: grpc.CallOptions, cb: Cb<Res>) => unknown,
  req: Req,
  opts: grpc.CallOptions = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(req, new grpc.Metadata(), opts, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

/** The error a call rejected with (fails the test when it succeeded). */
export async function callError<Req, Res>(
  method: (req: Req, meta: grpc.Metadata, opts: grpc.CallOptions, cb: Cb<Res>) => unknown,
  req: Req,
  opts: grpc.CallOptions = {},
): Promise<grpc.ServiceError> {
  try {
    await call(method, req, opts);
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}

export { mulberry32 as rng } from '../../src/shared/mulberry32';

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 20_000, stepMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * Admission as a served Decide meets it: the shedding interceptor's refusal() (draining, lag), then the
 * handler's take() (deadline, places in flight). Throws the NudgeError the client would get.
 */
export function admit(a: Admission, deadline: grpc.Deadline, n = 1): void {
  const refused = a.refusal();
  if (refused !== null) throw new NudgeError(refused.code, refused.message);
  a.take(deadline, n);
}
