/** grpc-js calls the scale benchmark makes outside the timed load: DecideBatch, Decide, ReportOutcome, stats. */
import * as grpc from '@grpc/grpc-js';
import { loadNudgeProto } from '../../src/proto';
import type { AdminServiceClient } from '../../src/generated/nudge/v1/AdminService';
import type { DecisionServiceClient } from '../../src/generated/nudge/v1/DecisionService';
import { mulberry32 } from '../../src/shared/mulberry32';
import { customerId } from '../loadgen/requests';

const CALL_DEADLINE_MS = 30_000;

export interface Clients {
  readonly decision: DecisionServiceClient;
  readonly admin: AdminServiceClient;
  close(): void;
}

export function clients(address: string): Clients {
  const proto = loadNudgeProto();
  const options = { 'grpc.max_receive_message_length': 64 * 1024 * 1024 };
  const decision = new proto.nudge.v1.DecisionService(address, grpc.credentials.createInsecure(), options) as unknown as DecisionServiceClient;
  const admin = new proto.nudge.v1.AdminService(address, grpc.credentials.createInsecure(), options) as unknown as AdminServiceClient;
  return {
    decision,
    admin,
    close: () => {
      decision.close();
      admin.close();
    },
  };
}

const deadline = (ms = CALL_DEADLINE_MS): grpc.CallOptions => ({ deadline: Date.now() + ms });

export interface DecisionRef {
  readonly decisionId: string;
  readonly offerId: string;
}

export interface Collected {
  readonly ids: DecisionRef[];
  readonly errors: number;
  readonly firstError: string | null;
  readonly seconds: number;
}

/**
 * `n` decisions through DecideBatch (`batch` customers a call, `concurrency` calls at once), customers
 * drawn (seeded) from the demo customers c0000..c9999; ids kept unless `keep` is false.
 */
export async function collectDecisions(c: Clients, o: { campaign: string; n: number; batch: number; concurrency: number; seed: number; keep: boolean }): Promise<Collected> {
  const rnd = mulberry32(o.seed);
  const ids: DecisionRef[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let made = 0;
  let asked = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (asked < o.n) {
      const k = Math.min(o.batch, o.n - asked);
      asked += k;
      const customerIds = Array.from({ length: k }, () => customerId('c', Math.floor(rnd() * 10_000)));
      await new Promise<void>((resolve) => {
        c.decision.DecideBatch({ campaign: o.campaign, customerIds, channel: 'app', numOffers: 1 }, deadline(), (err, res) => {
          if (err || !res) {
            errors += k;
            firstError ??= err?.message ?? 'no response';
          } else {
            for (const d of res.decisions) {
              if (d.offers.length === 0) errors++;
              else {
                made++;
                if (o.keep) ids.push({ decisionId: d.decisionId, offerId: d.offers[0]!.offerId });
              }
            }
          }
          resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  void made;
  return { ids, errors, firstError, seconds: (performance.now() - t0) / 1000 };
}

export function decideOne(c: Clients, campaign: string, customer: string): Promise<DecisionRef> {
  return new Promise((resolve, reject) => {
    c.decision.Decide({ campaign, customerId: customer, channel: 'app', numOffers: 1 }, deadline(5000), (err, res) => {
      if (err || !res || res.offers.length === 0) reject(err ?? new Error('Decide returned no offer'));
      else resolve({ decisionId: res.decisionId, offerId: res.offers[0]!.offerId });
    });
  });
}

export function reportOutcome(c: Clients, d: DecisionRef, reward: number): Promise<string> {
  return new Promise((resolve, reject) => {
    c.decision.ReportOutcome({ decisionId: d.decisionId, offerId: d.offerId, reward }, deadline(5000), (err, res) => {
      if (err || !res) reject(err ?? new Error('ReportOutcome returned nothing'));
      else resolve(String(res.status));
    });
  });
}

/**
 * The predicted reward probability (the posterior mean, for thompson) that Decide on this server gives
 * `offerId`, every other offer excluded: what Decide sees of that offer's posterior, cheaply.
 */
export function offerProbability(c: Clients, campaign: string, customer: string, offerId: string, others: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    c.decision.Decide({ campaign, customerId: customer, channel: 'app', numOffers: 1, excludeOffers: others.filter((o) => o !== offerId) }, deadline(5000), (err, res) => {
      const o = res?.offers[0];
      if (err || !o || o.offerId !== offerId) reject(err ?? new Error(`Decide did not return ${offerId}`));
      else resolve(o.probability);
    });
  });
}

/** Sum of the per-offer outcome counters of a campaign in GetCampaignStats. */
export function statsOutcomes(c: Clients, campaign: string): Promise<number> {
  return new Promise((resolve, reject) => {
    c.admin.GetCampaignStats({ campaign }, deadline(5000), (err, res) => {
      if (err || !res) reject(err ?? new Error('GetCampaignStats returned nothing'));
      else resolve(res.offers.reduce((a, o) => a + Number(o.outcomes), 0));
    });
  });
}
