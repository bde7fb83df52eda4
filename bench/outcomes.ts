/**
 * Outcome ingestion through StreamOutcomes: Decide N times to get real decision ids, then stream one
 * outcome per decision and time from the first write to the summary, which the server sends only after
 * the outcomes are durable. Figures: outcomes/s (received and applied). The stream's messages are
 * pre-encoded (loadgen/outcome-stream.ts) so that the client's own cost does not set the figure.
 */
import * as grpc from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import { loadNudgeProto } from '../src/proto';
import type { AdminServiceClient } from '../src/generated/nudge/v1/AdminService';
import type { DecisionServiceClient } from '../src/generated/nudge/v1/DecisionService';
import type { OutcomeSummary__Output } from '../src/generated/nudge/v1/OutcomeSummary';
import { mulberry32 } from '../src/shared/mulberry32';
import { customerId } from './loadgen/requests';
import { encodeOutcomeChunks, streamOutcomes } from './loadgen/outcome-stream';

export interface OutcomeBenchOptions {
  readonly address: string;
  readonly campaign: string;
  readonly decisions: number;
  /** Decide calls in flight at once while collecting ids. */
  readonly concurrency: number;
  readonly seed: number;
}

export interface OutcomeBenchResult {
  readonly decisions: number;
  readonly decideErrors: number;
  readonly decideSeconds: number;
  readonly outcomesSent: number;
  readonly streamSeconds: number;
  /** Until the client had handed the last outcome to the stream: when close to streamSeconds, the client limits. */
  readonly writeSeconds: number;
  readonly outcomesPerSecond: number;
  readonly appliedPerSecond: number;
  readonly summary: OutcomeSummary__Output | null;
  /**
   * From the summary until GetCampaignStats counted every applied outcome (the store Decide reads);
   * null when not seen within 5 s or the stats call failed.
   */
  readonly visibleAfterMs: number | null;
  readonly error?: string;
}

/** Sum of per-offer outcome counts of a campaign, or null when the call fails. */
function statsOutcomes(admin: AdminServiceClient, campaign: string): Promise<number | null> {
  return new Promise((resolve) => {
    admin.GetCampaignStats({ campaign }, (err, res) => {
      if (err || !res) resolve(null);
      else resolve(res.offers.reduce((a, o) => a + Number(o.outcomes), 0));
    });
  });
}

async function waitVisible(admin: AdminServiceClient, campaign: string, target: number, since: number): Promise<number | null> {
  while (performance.now() - since < 5000) {
    const n = await statsOutcomes(admin, campaign);
    if (n === null) return null;
    if (n >= target) return Math.round(performance.now() - since);
    await new Promise((r) => setTimeout(r, 10));
  }
  return null;
}

export async function benchOutcomes(o: OutcomeBenchOptions): Promise<OutcomeBenchResult> {
  if (!Number.isInteger(o.decisions) || o.decisions <= 0) throw new RangeError('options.decisions must be a positive integer');
  const proto = loadNudgeProto();
  const client = new proto.nudge.v1.DecisionService(o.address, grpc.credentials.createInsecure()) as unknown as DecisionServiceClient;
  const admin = new proto.nudge.v1.AdminService(o.address, grpc.credentials.createInsecure()) as unknown as AdminServiceClient;
  const rnd = mulberry32(o.seed);
  const ids: { decisionId: string; offerId: string }[] = [];
  let decideErrors = 0;
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < o.decisions) {
      next++;
      const req = { campaign: o.campaign, customerId: customerId('c', Math.floor(rnd() * 10_000)), channel: 'app', numOffers: 1 };
      await new Promise<void>((resolve) => {
        client.Decide(req, (err, res) => {
          if (err || !res || res.offers.length === 0) decideErrors++;
          else ids.push({ decisionId: res.decisionId, offerId: res.offers[0].offerId });
          resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const decideSeconds = (performance.now() - t0) / 1000;
  if (ids.length === 0) {
    client.close();
    admin.close();
    return { decisions: 0, decideErrors, decideSeconds, outcomesSent: 0, streamSeconds: 0, writeSeconds: 0, outcomesPerSecond: 0, appliedPerSecond: 0, summary: null, visibleAfterMs: null, error: 'no decision succeeded' };
  }
  const baseline = await statsOutcomes(admin, o.campaign);
  // Every third decision converts: a mix of rewards like a real batch job. Encoded before the clock.
  const chunks = encodeOutcomeChunks(ids.map(({ decisionId, offerId }) => ({ decisionId, offerId, reward: rnd() < 0.33 ? 1 : 0 })));
  const s0 = performance.now();
  let writeSeconds = 0;
  try {
    const r = await streamOutcomes(o.address, chunks);
    const streamSeconds = (performance.now() - s0) / 1000;
    writeSeconds = r.writeMs / 1000;
    if (r.status !== '0' || r.summary === null) throw new Error(`StreamOutcomes ended with grpc-status ${String(r.status)}: ${r.message ?? 'no summary'}`);
    const summary = r.summary as unknown as OutcomeSummary__Output;
    const applied = Number(summary.applied);
    const visibleAfterMs = baseline === null ? null : await waitVisible(admin, o.campaign, baseline + applied, performance.now());
    return {
      decisions: ids.length,
      decideErrors,
      decideSeconds,
      outcomesSent: ids.length,
      streamSeconds,
      writeSeconds,
      outcomesPerSecond: Math.round(ids.length / streamSeconds),
      appliedPerSecond: Math.round(applied / streamSeconds),
      summary,
      visibleAfterMs,
    };
  } catch (err) {
    return { decisions: ids.length, decideErrors, decideSeconds, outcomesSent: ids.length, streamSeconds: (performance.now() - s0) / 1000, writeSeconds, outcomesPerSecond: 0, appliedPerSecond: 0, summary: null, visibleAfterMs: null, error: String(err) };
  } finally {
    client.close();
    admin.close();
  }
}
