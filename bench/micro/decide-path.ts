/**
 * Nudge's own work per Decide, in process and without the transport: the Decide handler (validation,
 * admission, the inline engine over 100 offers with features from LMDB, the decision id, the log
 * record and the learning counters), the group commits that write the log, the response encoder and
 * the metrics sample, from requests that proto-loader has already decoded. The HTTP/2 and grpc-js work
 * is what the floor server measures end to end; this is the rest, and on a shared machine it is a far
 * steadier figure than a difference of two end-to-end runs, so a change to the decision path can be
 * measured alone (docs/benchmarks.md).
 *
 *   npm run build && node dist/bench/micro/decide-path.js [--calls 100000] [--rounds 5] [--learned 0] [--rate n] [--json out.json]
 *
 * Each round answers `calls` requests in chunks of 64 (a saturated server's in-flight window), lets
 * the event loop run between chunks (the log's group commits run then, as in the server) and waits
 * for the store to go idle at the end. As fast as they go, a commit carries the log's full batch (1,000
 * decisions); a server at 10,000 Decide/s commits every flush interval (20 ms, ~200 decisions), so each
 * decision carries five times the commit's fixed cost. `--rate n` paces the chunks at n calls per
 * second to measure that cadence. CPU time is the main thread's (/proc, what limits a server's
 * throughput) and the whole process's (with LMDB's write thread). `engine only` times engine.decide
 * alone on the same requests, so the difference is the log, the handler, the encoder and metrics.
 *
 * By default every arm stays at its prior, Beta(1, 1), as in the end-to-end benchmark (it reports no
 * outcomes). `--learned N` first answers N Decide calls and reports an outcome for every shown offer
 * (offer j of 100 converting at 2% + 8% * j / 100, from a fixed seed), so that the arms are measured
 * at learned posteriors of about N * 3 / 100 impressions each: the kernel draws the prior as a plain
 * uniform, and learned arms through Marsaglia-Tsang.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { Command } from 'commander';
import { CampaignRegistry } from '../../src/campaigns/registry';
import { DEFAULT_OPTIONS } from '../../src/config';
import { DecisionEngine } from '../../src/engine/engine';
import type { EngineRequest } from '../../src/engine/types';
import { loadDemoFeatures } from '../../src/features/demo';
import { ProfileReader } from '../../src/features/profile';
import { openFeatureReader } from '../../src/features/store';
import type { DecideRequest__Output } from '../../src/generated/nudge/v1/DecideRequest';
import type { DecideResponse } from '../../src/generated/nudge/v1/DecideResponse';
import { getKernel } from '../../src/kernel';
import { ServerMetrics } from '../../src/observability/metrics';
import { loadNudgeProto } from '../../src/proto';
import { Admission } from '../../src/server/admission';
import { decisionHandlers } from '../../src/server/decision-service';
import { DriftMonitor } from '../../src/server/drift';
import { InlineExecutor } from '../../src/server/executor';
import { encodeDecideResponse } from '../../src/server/fast-response';
import { openLmdbStore } from '../../src/store/lmdb-store';
import { benchCampaignName } from '../campaign-files';
import { spread, type Spread } from '../scale/figures';
import { encodeDecideRequests } from '../loadgen/requests';
import { mainThreadCpuMs } from '../proc';
import { benchWorkDir } from '../workdir';
import { positiveInteger } from './args';

const CHUNK = 64;

interface Round {
  readonly mainUsPerCall: number;
  readonly processUsPerCall: number;
  readonly engineOnlyUsPerCall: number;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Lets the event loop run until performance.now() reaches `t` (at least one turn). */
const until = (t: number): Promise<void> => {
  const wait = t - performance.now();
  return wait >= 1 ? new Promise((resolve) => setTimeout(resolve, wait)) : turn();
};

async function main(): Promise<void> {
  const o = new Command('decide-path')
    .option('--calls <n>', 'Decide calls per round', positiveInteger('--calls'), 100_000)
    .option('--rounds <n>', 'rounds (after one warm-up round)', positiveInteger('--rounds'), 5)
    .option('--offers <n>', 'offers of the campaign: 10, 100 or 1000', positiveInteger('--offers'), 100)
    .option('--learned <n>', 'first learn from the outcomes of n decisions (default: arms at their priors)', positiveInteger('--learned'))
    .option('--rate <n>', 'pace the calls at n per second, as a server receives them (default: as fast as they go)', positiveInteger('--rate'))
    .option('--json <file>', 'also write the result as JSON')
    .parse()
    .opts<{ calls: number; rounds: number; offers: number; learned?: number; rate?: number; json?: string }>();
  if (![10, 100, 1000].includes(o.offers)) throw new RangeError('--offers must be 10, 100 or 1000');
  const work = benchWorkDir('decide-path', [o.offers]);
  const dataDir = path.join(work.dir, 'data');
  try {
    await loadDemoFeatures(dataDir);
    const store = await openLmdbStore({ dataDir });
    const registry = await CampaignRegistry.open({ dir: path.join(work.dir, 'campaigns'), saved: [] });
    for (const c of registry.list()) store.syncCampaign(c);
    const kernel = getKernel();
    kernel.seed(42);
    const features = openFeatureReader(dataDir);
    const engine = new DecisionEngine({ kernel, features, arms: store, campaigns: registry });
    const d = DEFAULT_OPTIONS;
    // No lag source: shedding never refuses here, and the per-call check is the same either way.
    const admission = new Admission(d.maxQueue, d.minBudgetMs, 0, null, d.shedIntervalMs);
    const drift = new DriftMonitor(features, new ProfileReader(dataDir), { sample: d.driftSample, every: d.driftEvery });
    const metrics = new ServerMetrics({
      inFlight: () => admission.current,
      maxQueue: d.maxQueue,
      pool: () => null,
      store,
      campaigns: () => registry.list().map((c) => c.name),
      featureSnapshotAgeSeconds: () => null,
    });
    const handlers = decisionHandlers({ executor: new InlineExecutor(engine), store, admission, drift, maxBatch: d.maxBatch });
    const deserialize = loadNudgeProto().nudge.v1.DecisionService.service.Decide!.requestDeserialize as (b: Buffer) => DecideRequest__Output;
    // Framed bodies as a client sends them; proto-loader's decoding is transport, done before timing.
    const requests = encodeDecideRequests({ campaign: benchCampaignName(o.offers), customerPrefix: 'c', customers: 10_000, numOffers: 3, distinct: 4096 }).map((b) => deserialize(b.subarray(5)));
    const calls = requests.map((request) => ({ request, getDeadline: () => Infinity }) as unknown as grpc.ServerUnaryCall<DecideRequest__Output, DecideResponse>);

    let failures = 0;
    let bytes = 0;
    const answered: grpc.sendUnaryData<DecideResponse> = (err, res) => {
      const t = performance.now();
      if (err != null || res == null) failures++;
      else bytes += encodeDecideResponse(res)?.length ?? 0;
      metrics.observe('Decide', err == null ? 0 : 13, null, (performance.now() - t) / 1e3);
    };

    const pathRound = async (n: number): Promise<{ mainUs: number; processUs: number }> => {
      const m0 = mainThreadCpuMs(process.pid);
      const p0 = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < n; ) {
        const end = Math.min(n, i + CHUNK);
        for (; i < end; i++) handlers.Decide(calls[i % calls.length]!, answered);
        await (o.rate === undefined ? turn() : until(started + (i * 1000) / o.rate));
      }
      await store.flush();
      const p = process.cpuUsage(p0);
      const m1 = mainThreadCpuMs(process.pid);
      return { mainUs: m0 === null || m1 === null ? Number.NaN : ((m1 - m0) * 1000) / n, processUs: (p.user + p.system) / n };
    };
    /** Answers n Decide calls and reports an outcome for every offer they showed (see --learned). */
    const learn = async (n: number): Promise<void> => {
      const shown: Array<{ decisionId: string; offerId: string }> = [];
      const collect: grpc.sendUnaryData<DecideResponse> = (err, res) => {
        if (err != null || res == null) failures++;
        else for (const offer of res.offers ?? []) shown.push({ decisionId: res.decisionId ?? '', offerId: offer.offerId ?? '' });
      };
      for (let i = 0; i < n; ) {
        const end = Math.min(n, i + CHUNK);
        for (; i < end; i++) handlers.Decide(calls[i % calls.length]!, collect);
        await turn();
      }
      await store.flush();
      let seed = 42;
      const uniform = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const rate = (offerId: string): number => 0.02 + (0.08 * Number(offerId.slice(-4))) / o.offers;
      for (let s = 0; s < shown.length; s += 1000) {
        const batch = shown.slice(s, s + 1000).map((x) => ({ ...x, reward: uniform() < rate(x.offerId) ? 1 : 0, timestampMs: 0 }));
        const results = await store.applyOutcomes(batch);
        failures += results.filter((r) => r.status !== 'APPLIED').length;
      }
      process.stderr.write(`[decide-path] learned from the outcomes of ${shown.length} shown offers (${n} decisions)\n`);
    };
    const reqs: EngineRequest[] = calls.map((c) => ({ campaign: c.request.campaign, customerId: c.request.customerId, channel: c.request.channel || 'app', context: {}, excludeOffers: [], numOffers: c.request.numOffers }));
    // A synchronous loop with the store idle: the process's CPU is the main thread's, read in
    // microseconds (/proc counts 10 ms ticks, too coarse for a short run of a 10-offer engine).
    const engineRound = (n: number): number => {
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) engine.decide(reqs[i % reqs.length]!);
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / n;
    };

    if (o.learned !== undefined) await learn(o.learned);
    await pathRound(Math.min(o.calls, 20_000)); // warm-up: compile the hot paths
    engineRound(Math.min(o.calls, 20_000));
    const rounds: Round[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const p = await pathRound(o.calls);
      const e = engineRound(o.calls);
      rounds.push({ mainUsPerCall: r2(p.mainUs), processUsPerCall: r2(p.processUs), engineOnlyUsPerCall: r2(e) });
      process.stderr.write(`[decide-path] round ${r + 1}: main ${r2(p.mainUs)} us/call, process ${r2(p.processUs)} us/call, engine only ${r2(e)} us/call\n`);
    }
    if (failures > 0) throw new Error(`${failures} Decide calls failed`);
    // null without /proc (main-thread CPU unknown).
    const pick = (k: keyof Round): Spread | null => spread(rounds.map((x) => x[k]));
    const result = {
      kind: 'nudge-decide-path',
      at: new Date().toISOString(),
      offers: o.offers,
      learnedFrom: o.learned ?? 0,
      rate: o.rate ?? null,
      calls: o.calls,
      rounds,
      mainUsPerCall: pick('mainUsPerCall'),
      processUsPerCall: pick('processUsPerCall'),
      engineOnlyUsPerCall: pick('engineOnlyUsPerCall'),
      responseBytesPerCall: Math.round(bytes / (o.calls * o.rounds + Math.min(o.calls, 20_000))),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (o.json !== undefined) fs.writeFileSync(o.json, `${JSON.stringify(result, null, 2)}\n`);
    await store.close();
    features.close();
    await registry.close();
  } finally {
    work.remove();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
