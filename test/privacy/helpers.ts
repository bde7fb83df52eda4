import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { ServerOptions } from '../../src/config';
import type { AdminServiceClient } from '../../src/generated/nudge/v1/AdminService';
import type { DecideResponse__Output } from '../../src/generated/nudge/v1/DecideResponse';
import type { DecisionServiceClient } from '../../src/generated/nudge/v1/DecisionService';
import type { ForgetCustomerResponse__Output } from '../../src/generated/nudge/v1/ForgetCustomerResponse';
import type { OutcomeAck__Output } from '../../src/generated/nudge/v1/OutcomeAck';
import { createLogger } from '../../src/observability/logger';
import { startServer, type RunningServer } from '../../src/server/server';
import type { ExportedDecision } from '../../src/store/export';
import { MAIN } from '../hardening/helpers';
import { call, campaignFile, clients, tempDir, writeCampaigns } from '../server/helpers';

export const ADMIN_TOKEN = 'privacy-admin-token-0123456789';
/** The customer who asks to be forgotten: an id that appears nowhere else in any fixture. */
export const X = 'cust-7f3a-erase-me';
export const CAMPAIGN = 'privacy-banner';

/**
 * A campaign where every kind of per-customer state shows: posteriors per `tier` segment (the
 * segment names the stored feature), a campaign cap of 2 impressions per hour, and a cool-down after
 * one ignored impression.
 */
export function privacyCampaign(): Record<string, unknown> {
  return campaignFile(CAMPAIGN, ['a', 'b', 'c'], {
    segment_by: ['tier'],
    fatigue: { max_per_campaign: 2, window_ms: 3_600_000, cooldown_after_ignored: 1, cooldown_ms: 3_600_000 },
  });
}

/** A feature file: X is gold, the others silver, plus `extra` rows. */
export function writeFeatures(dir: string, name: string, extra: string[] = []): string {
  const rows = ['customer_id,tier,score', `${X},gold,0.9`];
  for (let i = 0; i < 50; i++) rows.push(`other-${i},silver,${(i / 50).toFixed(2)}`);
  rows.push(...extra);
  const file = path.join(dir, name);
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

export interface PrivacyServer {
  readonly server: RunningServer;
  readonly decisions: DecisionServiceClient;
  readonly admin: AdminServiceClient;
  readonly dataDir: string;
  /** Every log line the server wrote (pino JSON). */
  readonly logs: string[];
  stop(): Promise<void>;
}

/** A server in this process, with an admin token and its log lines captured. */
export async function startPrivacyServer(dataDir: string, campaignsDir: string, options: Partial<ServerOptions> = {}): Promise<PrivacyServer> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  const server = await startServer(
    { listen: '127.0.0.1:0', dataDir, campaignsDir, mode: 'inline', workers: 1, seed: 7, demo: false, shutdownTimeoutMs: 2000, adminToken: ADMIN_TOKEN, ...options },
    createLogger('info', sink),
  );
  const { decisions, admin } = clients(server.address);
  return {
    server,
    decisions,
    admin,
    dataDir,
    logs,
    async stop() {
      decisions.close();
      admin.close();
      await server.close();
    },
  };
}

export function campaignsDirWith(campaigns: Record<string, unknown>[]): string {
  const dir = tempDir('privacy-campaigns');
  writeCampaigns(dir, campaigns);
  return dir;
}

export function decide(t: { decisions: DecisionServiceClient }, customerId: string): Promise<DecideResponse__Output> {
  return call<object, DecideResponse__Output>(t.decisions.Decide.bind(t.decisions), { campaign: CAMPAIGN, customerId, explain: true });
}

export function report(t: { decisions: DecisionServiceClient }, decisionId: string, offerId: string, reward: number): Promise<OutcomeAck__Output> {
  return call<object, OutcomeAck__Output>(t.decisions.ReportOutcome.bind(t.decisions), { decisionId, offerId, reward });
}

/** ForgetCustomer with the given bearer token (none: no authorization metadata). */
export function forget(admin: AdminServiceClient, customerId: string, token: string | null = ADMIN_TOKEN): Promise<ForgetCustomerResponse__Output> {
  const meta = new grpc.Metadata();
  if (token !== null) meta.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    admin.ForgetCustomer({ customerId }, meta, (err, res) => (err ? reject(err) : resolve(res!)));
  });
}

export async function forgetError(admin: AdminServiceClient, customerId: string, token: string | null): Promise<grpc.ServiceError> {
  try {
    await forget(admin, customerId, token);
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error('expected ForgetCustomer to fail');
}

/** Runs the built CLI (`nudge ...`); resolves with its exit code and output. */
export function nudgeCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `nudge decisions export` of a data directory: the raw NDJSON and the parsed decisions. */
export async function exportDecisions(dataDir: string): Promise<{ text: string; decisions: ExportedDecision[] }> {
  const r = await nudgeCli(['decisions', 'export', '--data-dir', dataDir]);
  if (r.code !== 0) throw new Error(`decisions export failed: ${r.stderr}`);
  const decisions = r.stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as ExportedDecision);
  return { text: r.stdout, decisions };
}
