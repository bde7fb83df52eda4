/**
 * Part 3: outcome-to-visibility lag on another replica. Two Nudge servers (A, B) on one Redis. Each
 * sample: Decide on A (offer X shown), wait a random 0..syncMs (so samples fall anywhere in B's
 * refresh cycle), read the probability (posterior mean) that Decide on B gives X (every other offer
 * excluded), ReportOutcome(X, reward 1) to A, then ask B again every millisecond until that
 * probability moved. Lag = from sending the outcome to A until Decide on B saw it: what a replica's
 * decisions see, which is what NUDGE_SYNC_MS bounds (posteriors and counters refresh together).
 * GetCampaignStats would be the other signal, but one call on 100 offers costs far more than the lag
 * (its time on B is reported beside), so it would measure itself.
 */
import { benchCampaign, benchCampaignName } from '../campaign-files';
import { customerId } from '../loadgen/requests';
import { mulberry32 } from '../../src/shared/mulberry32';
import { benchWorkDir } from '../workdir';
import { loadAverage, type ScaleContext } from './context';
import { round } from './figures';
import { clients, decideOne, offerProbability, reportOutcome, statsOutcomes } from './rpc';

export interface LagResult {
  readonly samples: number;
  readonly timeouts: number;
  readonly notApplied: number;
  readonly syncMs: string;
  readonly lagMs: Quantiles | null;
  /** ReportOutcome round trip on A (until APPLIED). */
  readonly ackMs: Quantiles | null;
  /** One Decide on B (the poll). */
  readonly pollMs: Quantiles | null;
  /** GetCampaignStats on B, 100 offers (a few calls): why it is not the signal. */
  readonly statsCallMs: Quantiles | null;
  /** Lag p99 / 200 ms (the goal). */
  readonly p99OverGoal: number | null;
  readonly loadAverage: number[];
}

export interface Quantiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export const LAG_GOAL_MS = 200;
const SAMPLE_TIMEOUT_MS = 3000;

/** Nearest-rank quantiles. */
export function quantiles(xs: readonly number[]): Quantiles | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return { p50: round(q(0.5), 1), p90: round(q(0.9), 1), p99: round(q(0.99), 1), max: round(s[s.length - 1]!, 1), mean: round(s.reduce((a, b) => a + b, 0) / s.length, 1) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function measureLag(ctx: ScaleContext): Promise<LagResult> {
  const campaign = benchCampaignName(100);
  const serverCpus = ctx.plan.invalid === null ? [ctx.plan.server[0]!] : ctx.plan.all;
  const syncMs = Number(process.env.NUDGE_SYNC_MS ?? 100);
  const redis = await ctx.redis('everysec');
  const wa = benchWorkDir('scale-lag-a', [100]);
  const wb = benchWorkDir('scale-lag-b', [100]);
  const lags: number[] = [];
  const acks: number[] = [];
  const polls: number[] = [];
  const statsCalls: number[] = [];
  const offers = (benchCampaign(100).offers as { id: string }[]).map((o) => o.id);
  let timeouts = 0;
  let notApplied = 0;
  const rnd = mulberry32(5);
  try {
    const a = await ctx.nudge('nudge-a', { ...wa.nudgeEnv, NUDGE_STORE: redis.url }, serverCpus);
    const b = await ctx.nudge('nudge-b', { ...wb.nudgeEnv, NUDGE_STORE: redis.url }, serverCpus);
    const ca = clients(a.address);
    const cb = clients(b.address);
    try {
      // Both replicas know the campaign and have synced once before the first sample.
      await decideOne(cb, campaign, 'c0000');
      await sleep(3 * syncMs);
      for (let i = 0; i < ctx.s.lagSamples; i++) {
        const d = await decideOne(ca, campaign, customerId('c', Math.floor(rnd() * 10_000)));
        await sleep(rnd() * syncMs);
        const probe = customerId('c', Math.floor(rnd() * 10_000));
        const base = await offerProbability(cb, campaign, probe, d.offerId, offers);
        const t0 = performance.now();
        const status = await reportOutcome(ca, d, 1);
        acks.push(performance.now() - t0);
        if (status !== 'APPLIED') {
          notApplied++;
          continue;
        }
        let seen = false;
        while (performance.now() - t0 < SAMPLE_TIMEOUT_MS) {
          const p0 = performance.now();
          const p = await offerProbability(cb, campaign, probe, d.offerId, offers);
          polls.push(performance.now() - p0);
          if (p > base) {
            seen = true;
            break;
          }
          await sleep(1);
        }
        if (seen) lags.push(performance.now() - t0);
        else timeouts++;
      }
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await statsOutcomes(cb, campaign);
        statsCalls.push(performance.now() - t0);
      }
    } finally {
      ca.close();
      cb.close();
    }
  } finally {
    await ctx.cleanup();
    wa.remove();
    wb.remove();
  }
  const lagMs = quantiles(lags);
  ctx.log(`lag: ${lags.length} samples, p50 ${lagMs?.p50} p99 ${lagMs?.p99} max ${lagMs?.max} ms, timeouts ${timeouts}, not applied ${notApplied}`);
  return {
    samples: lags.length,
    timeouts,
    notApplied,
    syncMs: process.env.NUDGE_SYNC_MS ?? '100 (default)',
    lagMs,
    ackMs: quantiles(acks),
    pollMs: quantiles(polls),
    statsCallMs: quantiles(statsCalls),
    p99OverGoal: lagMs ? round(lagMs.p99 / LAG_GOAL_MS, 3) : null,
    loadAverage: loadAverage(),
  };
}
