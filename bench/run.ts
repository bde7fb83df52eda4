/**
 * `npm run bench [-- --quick | --smoke | --soak MINUTES]`: the end-to-end suite. Servers and the load
 * generator each run in their own processes; this process only orchestrates and writes the results.
 */
import { CommanderError } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchCampaignName } from './campaign-files';
import { runHeadline, type HeadlineResult } from './headline';
import { machineInfo } from './machine';
import { benchOutcomes } from './outcomes';
import { parseSuiteOptions, type SuiteOptions, type TargetName } from './options';
import { renderMarkdown, renderP99Chart } from './report';
import { RESULT_KIND, RESULT_VERSION, type ScenarioResult, type SuiteResult, type At1000 } from './results';
import { MAIN_SCENARIO, requestsFor, variantScenarios, type Scenario } from './scenarios';
import { runSoak } from './soak';
import { capacityOf, runAt, sweep, type RunRecord, type SweepTarget } from './sweep';
import { nudgeAvailable, startTarget, type RunningTarget, type TargetSpec } from './targets';
import { planCpus } from './scale/pin';
import { startRedis, type BenchRedis } from './scale/redis';
import { benchWorkDir } from './workdir';

const log = (msg: string): void => {
  process.stderr.write(`[bench] ${msg}\n`);
};

const running = new Set<RunningTarget>();

async function start(spec: TargetSpec, env: Record<string, string>): Promise<RunningTarget> {
  const t = await startTarget(spec, env);
  running.add(t);
  return t;
}

async function stop(t: RunningTarget): Promise<void> {
  running.delete(t);
  await t.close();
}

function asSweepTarget(t: RunningTarget): SweepTarget {
  return { name: t.name, address: t.address, pid: t.pid, alive: () => t.child.exitCode === null && t.child.signalCode === null };
}

/** node flags writing a CPU profile per server process (Nudge and the floor) when --cpu-prof was given. */
function profileArgs(o: SuiteOptions, label: string): string[] {
  if (!o.cpuProf) return [];
  const dir = path.join(o.outDir, 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', `${label}-${Date.now()}.cpuprofile`];
}

function describeRun(s: Scenario, r: RunRecord): string {
  const sm = r.summary;
  return `${s.id} ${r.target} @${r.rate}/s: p50 ${sm.latencyMs.p50} p99 ${sm.latencyMs.p99} max ${sm.latencyMs.max} ms, achieved ${Math.round(sm.achievedRate)}/s, errors ${sm.errorRate.toFixed(4)}, lateness p99 ${sm.lateness.p99Ms} ms, server CPU ${r.serverCpuShare ?? '?'}, load ${r.loadAverage}${sm.valid ? '' : ' INVALID'}${r.pass ? '' : ' (fail)'}`;
}

async function runScenario(s: Scenario, o: SuiteOptions, floor: RunningTarget | null, useNudge: boolean, nudgeEnv: Readonly<Record<string, string>>): Promise<ScenarioResult> {
  const targets: SweepTarget[] = floor ? [asSweepTarget(floor)] : [];
  let nudge: RunningTarget | null = null;
  let error: string | undefined;
  if (useNudge) {
    try {
      nudge = await start({ name: 'nudge', kind: 'nudge', env: s.env, nodeArgs: profileArgs(o, `nudge-${s.id}`) }, nudgeEnv);
      targets.push(asSweepTarget(nudge));
    } catch (err) {
      error = `nudge did not start: ${err instanceof Error ? err.message : String(err)}`;
      log(error);
    }
  }
  const rates = s.sweep ? o.rates : o.variantRates;
  const runs = await sweep(
    targets,
    requestsFor(s),
    {
      rates,
      durationMs: o.durationMs,
      warmupMs: o.warmupMs,
      connections: o.connections,
      timer: o.timer,
      client: o.client,
      sloMs: o.sloMs,
      maxErrorRate: 0.01,
      stopAfterFailures: 2,
      driver: { processes: o.processes },
    },
    (r) => log(describeRun(s, r)),
  );
  if (nudge) {
    if (nudge.child.exitCode !== null) error = `nudge exited during the scenario (code ${String(nudge.child.exitCode)})`;
    await stop(nudge);
  }
  const capacity: ScenarioResult['capacity'] = {};
  for (const t of targets) capacity[t.name] = capacityOf(runs, t.name);
  const capacityRatio = s.sweep && capacity.floor?.rate && capacity.nudge ? capacity.nudge.rate / capacity.floor.rate : null;
  const at = rates.includes(1000) ? 1000 : rates[0];
  const fp = runAt(runs, 'floor', at)?.summary.latencyMs.p99 ?? null;
  const np = runAt(runs, 'nudge', at)?.summary.latencyMs.p99 ?? null;
  const at1000: At1000 = { rate: at, floorP99Ms: fp, nudgeP99Ms: np, ratio: fp && np !== null ? np / fp : null };
  return { id: s.id, label: s.label, offers: s.offers, features: s.features, env: s.env, sweep: s.sweep, runs, capacity, capacityRatio, at1000, ...(error ? { error } : {}) };
}

export function writeOutputs(result: SuiteResult, outDir: string): { json: string; md: string; svg: string | null } {
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const json = path.join(outDir, `${stamp}.json`);
  fs.writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  const md = path.join(outDir, 'latest.md');
  fs.writeFileSync(md, renderMarkdown(result));
  // Only a sweep has a p99-against-rate curve: a headline-only run leaves the last sweep's chart alone.
  if (!result.scenarios.some((s) => s.sweep && s.runs.length > 0)) return { json, md, svg: null };
  const svg = path.join(outDir, 'p99-vs-rate.svg');
  fs.writeFileSync(svg, renderP99Chart(result, Number(result.settings.sloMs ?? 10)));
  return { json, md, svg };
}

export async function runSuite(o: SuiteOptions): Promise<SuiteResult> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const notes: string[] = [];
  const built = nudgeAvailable();
  const targets: TargetName[] = o.targets ?? (built ? ['floor', 'nudge'] : ['floor']);
  if (!built && o.targets === null) notes.push('Nudge is not built (dist/src/cli/main.js or dist/src/server/server.js missing): floor only.');
  if (machine.loadAverage[0] > 0.5) notes.push(`Load average ${machine.loadAverage[0]} at the start: other work shares the CPUs, figures are noisy.`);
  const work = benchWorkDir('bench', [10, 100, 1000]);
  let redis: BenchRedis | null = null;
  if (o.store === 'redis') {
    // With the generator (the headline's plan), so that the server's core measures Nudge and not Redis.
    const plan = planCpus(1);
    const cpus = plan.invalid === null ? plan.gen : null;
    redis = await work.unlessFails(startRedis({ appendfsync: 'everysec', cpus }));
    notes.push(`Learning store: Redis (a redis-server started for this run on 127.0.0.1:${redis.port}, appendfsync everysec, ${cpus === null ? 'unpinned' : `CPUs ${cpus.join(',')}`}).`);
  }
  try {
    return await suiteOn(o, redis === null ? work.nudgeEnv : { ...work.nudgeEnv, NUDGE_STORE: redis.url }, work, { startedAt, machine, notes, targets });
  } finally {
    await redis?.stop();
  }
}

async function suiteOn(
  o: SuiteOptions,
  nudgeEnv: Readonly<Record<string, string>>,
  work: ReturnType<typeof benchWorkDir>,
  c: { startedAt: string; machine: ReturnType<typeof machineInfo>; notes: string[]; targets: TargetName[] },
): Promise<SuiteResult> {
  const { startedAt, machine, notes, targets } = c;
  const scenarios = o.parts.includes('sweep') ? [MAIN_SCENARIO, ...variantScenarios().filter((v) => o.variants.includes(v.id))] : [];
  const results: ScenarioResult[] = [];
  let outcomes: SuiteResult['outcomes'] = { skipped: !o.parts.includes('outcomes') ? `not in --parts (${o.parts.join(',')})` : o.outcomes === 0 ? '--outcomes 0' : 'nudge not measured' };
  let headline: HeadlineResult | { failed: string } | undefined;
  if (o.parts.includes('headline')) {
    try {
      headline = await runHeadline(
        {
          generator: o.generator,
          rounds: o.headline.rounds,
          connections: o.connections,
          streams: o.headline.streams,
          closedMs: o.headline.closedMs,
          closedWarmupMs: o.headline.closedWarmupMs,
          slices: o.headline.slices,
          openRate: o.headline.openRate,
          openMs: o.headline.openMs,
          openWarmupMs: o.headline.openWarmupMs,
          serverWarmupMs: o.headline.serverWarmupMs,
          profileMs: o.headline.profileMs,
          profileIntervalUs: o.headline.profileIntervalUs,
          keepProfilesIn: o.cpuProf ? path.join(o.outDir, 'profiles') : null,
          priority: -5,
          targets: targets.includes('nudge') ? (targets.includes('floor') ? ['floor', 'nudge'] : ['nudge']) : ['floor'],
        },
        nudgeEnv,
        work.dir,
        { start, stop, log },
      );
    } catch (err) {
      headline = { failed: err instanceof Error ? err.message : String(err) };
      log(`headline failed: ${headline.failed}`);
      notes.push(`Headline failed: ${headline.failed.split('\n')[0]}`);
    }
  }
  const floor = targets.includes('floor') && scenarios.length > 0 ? await work.unlessFails(start({ name: 'floor', kind: 'floor', nodeArgs: profileArgs(o, 'floor') }, {})) : null;
  try {
    for (const s of scenarios) {
      if (!s.sweep && !targets.includes('nudge')) continue; // variants only change Nudge
      log(`scenario ${s.id}: ${s.label}`);
      results.push(await runScenario(s, o, floor, targets.includes('nudge'), nudgeEnv));
    }
    if (targets.includes('nudge') && o.outcomes > 0 && o.parts.includes('outcomes')) {
      log(`StreamOutcomes: ${o.outcomes} decisions, then their outcomes`);
      try {
        const n = await start({ name: 'nudge', kind: 'nudge' }, nudgeEnv);
        try {
          outcomes = await benchOutcomes({ address: n.address, campaign: benchCampaignName(100), decisions: o.outcomes, concurrency: 64, seed: 7 });
        } finally {
          await stop(n);
        }
      } catch (err) {
        outcomes = { skipped: `failed: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
  } finally {
    if (floor) await stop(floor);
    work.remove();
  }
  const invalid = results.flatMap((s) => s.runs).filter((r) => !r.summary.valid).length;
  if (invalid > 0) notes.push(`${invalid} run(s) INVALID: the generator fell behind its schedule; see the Runs table.`);
  return {
    kind: RESULT_KIND,
    version: RESULT_VERSION,
    profile: o.profile,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    settings: {
      rates: o.rates,
      variantRates: o.variantRates,
      durationMs: o.durationMs,
      warmupMs: o.warmupMs,
      connections: o.connections,
      processes: o.processes,
      timer: o.timer,
      client: o.client,
      sloMs: o.sloMs,
      variants: o.variants,
      parts: o.parts,
      generator: o.generator,
      store: o.store,
      maxErrorRate: 0.01,
      invalidWhen: 'generator p99 lateness > 1 ms, or achieved send rate < 95% of offered, or client-side drops',
    },
    targets,
    scenarios: results,
    outcomes,
    ...(headline === undefined ? {} : { headline }),
    notes,
  };
}

async function main(): Promise<void> {
  const o = parseSuiteOptions(process.argv.slice(2));
  const shutdown = (): void => {
    void Promise.all([...running].map((t) => t.close())).finally(() => process.exit(130));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  if (o.soakMinutes !== null) {
    if (o.store !== 'lmdb') throw new RangeError('--store redis applies to the headline, sweep and outcomes, not to --soak');
    const paths = await runSoak(o, { start, stop, log });
    log(`wrote ${paths.json} and ${paths.svg}`);
    return;
  }
  const result = await runSuite(o);
  const paths = writeOutputs(result, o.outDir);
  log(`wrote ${[paths.json, paths.md, paths.svg].filter((p) => p !== null).join(', ')}`);
  process.stdout.write(renderMarkdown(result));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    // commander has already printed help or the usage error.
    if (err instanceof CommanderError) process.exit(err.exitCode);
    if (err instanceof RangeError || err instanceof TypeError) {
      process.stderr.write(`bench: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    for (const t of running) t.child.kill('SIGKILL');
    process.exit(1);
  });
}
