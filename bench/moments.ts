/**
 * Issue 15's figures: how fast StreamEvents takes in-session events, and what three session features
 * cost Decide. One Nudge server (embedded store) pinned to its own core, this process and its load
 * generators pinned to the other (bench/scale/pin.ts); the server runs from a copy of the build.
 *
 *   npm run build && npm run bench:moments [-- --rounds 3 --events 200000 --rate 1000 --duration 10]
 *
 * 1. Every customer c0000..c9999 gets --per-customer events (view_pricing with a plan, add_to_cart
 *    with a value), so that Decide of bench-session-100 reads real sessions.
 * 2. StreamEvents: each round streams --events events for other customers (e*) in one call,
 *    pre-encoded so that the client's cost does not set the figure; events/s from the first write to
 *    the summary, which the server sends once every event is stored.
 * 3. Decide at --rate req/s (open loop, bench/loadgen) on bench-100 (no session features) and
 *    bench-session-100 (the same campaign plus three session features), alternating which goes first
 *    per round: p99 and the server's CPU time per Decide, each as a ratio session / none per round.
 * Prints a summary and writes bench/results/moments-<time>.json.
 */
import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadNudgeProto } from '../src/proto';
import type { DecisionServiceClient } from '../src/generated/nudge/v1/DecisionService';
import type { DecideResponse__Output } from '../src/generated/nudge/v1/DecideResponse';
import { runLoad } from './loadgen/driver';
import { encodeMessageChunks, streamCall } from './loadgen/outcome-stream';
import { customerId } from './loadgen/requests';
import { machineInfo } from './machine';
import { repoPath } from './paths';
import { readRssMb } from './proc';
import { fmtSpread, pairedRatios, round, spread } from './scale/figures';
import { planCpus, pinProcess } from './scale/pin';
import { startNudge } from './scale/server';
import { snapshotPackage } from './scale/snapshot';
import { benchWorkDir } from './workdir';

const STREAM_EVENTS_PATH = '/nudge.v1.DecisionService/StreamEvents';
const CUSTOMERS = 10_000;

interface Settings {
  readonly rounds: number;
  readonly events: number;
  readonly perCustomer: number;
  readonly rate: number;
  readonly durationS: number;
}

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`--${name} must be a positive integer, got ${String(process.argv[i + 1])}`);
  return v;
}

const PLANS = ['free', 'pro', 'team', 'enterprise'];

/** The i-th event of a customer: two pricing views for each cart addition. */
function event(customer: string, i: number): object {
  return i % 3 === 2
    ? { customerId: customer, type: 'add_to_cart', value: 10 + (i % 7) }
    : { customerId: customer, type: 'view_pricing', properties: { plan: PLANS[i % PLANS.length]! } };
}

interface StreamRound {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly accepted: number;
  readonly invalid: number;
}

async function streamEvents(address: string, events: readonly object[]): Promise<StreamRound> {
  const chunks = encodeMessageChunks('nudge.v1.Event', events);
  const t0 = performance.now();
  const r = await streamCall(address, STREAM_EVENTS_PATH, 'nudge.v1.EventSummary', chunks);
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== '0' || r.summary === null) throw new Error(`StreamEvents ended with grpc-status ${String(r.status)}: ${r.message ?? 'no summary'}`);
  const s = r.summary as unknown as { received: number | string; accepted: number | string; invalid: number | string };
  return { events: Number(s.received), seconds, eventsPerSecond: Math.round(Number(s.received) / seconds), accepted: Number(s.accepted), invalid: Number(s.invalid) };
}

function decideOnce(address: string, campaign: string, customer: string): Promise<DecideResponse__Output> {
  const proto = loadNudgeProto();
  const client = new proto.nudge.v1.DecisionService(address, grpc.credentials.createInsecure()) as unknown as DecisionServiceClient;
  return new Promise((resolve, reject) => {
    client.Decide({ campaign, customerId: customer, channel: 'app', numOffers: 3, explain: true }, (err, res) => {
      client.close();
      if (err || !res) reject(err ?? new Error('no answer'));
      else resolve(res);
    });
  });
}

interface DecideRun {
  readonly round: number;
  readonly campaign: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ok: number;
  readonly errors: Record<string, number>;
  readonly valid: boolean;
  readonly serverCpuUsPerDecide: number | null;
}

async function main(): Promise<void> {
  const s: Settings = {
    rounds: flag('rounds', 3),
    events: flag('events', 200_000),
    perCustomer: flag('per-customer', 10),
    rate: flag('rate', 1000),
    durationS: flag('duration', 10),
  };
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const plan = planCpus(1);
  const notes: string[] = [];
  if (plan.invalid !== null) notes.push(`INVALID run: ${plan.invalid}.`);
  else pinProcess(process.pid, plan.gen); // the load generators forked from here inherit these CPUs
  if (machine.loadAverage[0]! > 0.5) notes.push(`Load average ${machine.loadAverage[0]} at the start: other work shares the CPUs.`);
  const snap = snapshotPackage();
  const work = benchWorkDir('moments', [100]);
  const server = await work.unlessFails(startNudge('nudge', work.nudgeEnv, plan.invalid === null ? plan.server : null, [], snap.root));
  const log = (m: string): void => console.log(`[moments] ${m}`);
  try {
    log(`server pid ${server.pid} on CPUs ${plan.server.join(',') || 'any'}, generator on ${plan.gen.join(',') || 'any'}; rss ${readRssMb(server.pid)} MB`);
    const seed: object[] = [];
    for (let c = 0; c < CUSTOMERS; c++) for (let i = 0; i < s.perCustomer; i++) seed.push(event(customerId('c', c), i));
    const seeded = await streamEvents(server.address, seed);
    log(`seeded ${seeded.accepted} events for ${CUSTOMERS} customers (${seeded.eventsPerSecond} events/s)`);
    const check = await decideOnce(server.address, 'bench-session-100', 'c0001');
    log(`c0001 session: ${JSON.stringify(check.session)}`);
    if (Number(check.session.pricing_views ?? 0) === 0) throw new Error('bench-session-100 did not see the seeded session: the figures would not measure sessions');

    const stream: StreamRound[] = [];
    for (let r = 0; r < s.rounds; r++) {
      const events: object[] = [];
      for (let i = 0; i < s.events; i++) events.push(event(customerId(`e${r}-`, i % 50_000), Math.floor(i / 50_000)));
      const res = await streamEvents(server.address, events);
      stream.push(res);
      log(`StreamEvents round ${r + 1}: ${res.events} events in ${res.seconds.toFixed(2)} s = ${res.eventsPerSecond} events/s (accepted ${res.accepted}, invalid ${res.invalid})`);
    }
    const rssAfterEvents = readRssMb(server.pid);

    const runs: DecideRun[] = [];
    const campaigns = ['bench-100', 'bench-session-100'];
    for (let r = 0; r < s.rounds; r++) {
      const order = r % 2 === 0 ? campaigns : [...campaigns].reverse();
      for (const campaign of order) {
        const cpu0 = server.cpuMs();
        const sum = await runLoad({
          target: server.address,
          rate: s.rate,
          durationMs: s.durationS * 1000,
          warmupMs: 2000,
          requests: { campaign, customers: CUSTOMERS, numOffers: 3 },
        });
        const cpu1 = server.cpuMs();
        // Warm-up and drain requests burn server CPU too: divide by everything the generator sent.
        const total = sum.ok * ((s.durationS + 2) / s.durationS);
        const cpuUs = cpu0 === null || cpu1 === null || sum.ok === 0 ? null : ((cpu1 - cpu0) * 1000) / total;
        runs.push({ round: r + 1, campaign, p50Ms: sum.latencyMs.p50, p99Ms: sum.latencyMs.p99, ok: sum.ok, errors: sum.errors, valid: sum.valid, serverCpuUsPerDecide: cpuUs === null ? null : round(cpuUs, 1) });
        log(`round ${r + 1} ${campaign}: p50 ${sum.latencyMs.p50.toFixed(3)} ms, p99 ${sum.latencyMs.p99.toFixed(3)} ms, ok ${sum.ok}, errors ${JSON.stringify(sum.errors)}, cpu ${cpuUs?.toFixed(1) ?? 'n/a'} us/decide${sum.valid ? '' : ` INVALID: ${sum.invalidReasons.join('; ')}`}`);
      }
    }
    const of = (c: string, f: (x: DecideRun) => number | null): (number | null)[] => runs.filter((x) => x.campaign === c).map(f);
    const p99Ratio = spread(pairedRatios(of('bench-session-100', (x) => x.p99Ms), of('bench-100', (x) => x.p99Ms)));
    const cpuRatio = spread(pairedRatios(of('bench-session-100', (x) => x.serverCpuUsPerDecide), of('bench-100', (x) => x.serverCpuUsPerDecide)));
    const eps = spread(stream.map((x) => x.eventsPerSecond));
    const result = {
      startedAt,
      finishedAt: new Date().toISOString(),
      command: `node dist/bench/moments.js ${process.argv.slice(2).join(' ')}`.trim(),
      settings: s,
      machine,
      cpus: { server: plan.server, generator: plan.gen },
      notes,
      seeded,
      stream,
      runs,
      rssMb: { afterEvents: rssAfterEvents, end: readRssMb(server.pid) },
      figures: {
        streamEventsPerSecond: eps,
        p99None: spread(of('bench-100', (x) => x.p99Ms)),
        p99Session: spread(of('bench-session-100', (x) => x.p99Ms)),
        p99Ratio,
        cpuUsNone: spread(of('bench-100', (x) => x.serverCpuUsPerDecide)),
        cpuUsSession: spread(of('bench-session-100', (x) => x.serverCpuUsPerDecide)),
        cpuRatio,
      },
    };
    const out = repoPath('bench', 'results', `moments-${result.startedAt.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    const f = result.figures;
    const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    console.log(`
StreamEvents: ${fmtSpread(eps)} events/s (median, min-max of ${s.rounds} rounds); goal >= 100,000: ${verdict((eps?.median ?? 0) >= 100_000)}
Decide p99 at ${s.rate} req/s, no session features: ${fmtSpread(f.p99None, 3, ' ms')}
Decide p99 at ${s.rate} req/s, three session features: ${fmtSpread(f.p99Session, 3, ' ms')}
  ratio session / none, per round: ${fmtSpread(p99Ratio, 2, 'x')}; goal <= 1.1x: ${verdict((p99Ratio?.median ?? Infinity) <= 1.1)}
Server CPU per Decide: none ${fmtSpread(f.cpuUsNone, 1, ' us')}, session ${fmtSpread(f.cpuUsSession, 1, ' us')}, ratio ${fmtSpread(cpuRatio, 2, 'x')}
Server RSS after ${seeded.events + stream.reduce((a, x) => a + x.events, 0)} events for ${CUSTOMERS + Math.min(s.events, 50_000) * s.rounds} customers: ${String(rssAfterEvents)} MB
${notes.join('\n')}
Written ${out}`);
  } finally {
    await server.close();
    work.remove();
    snap.remove();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exit(1);
});
