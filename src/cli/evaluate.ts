import * as fs from 'node:fs';
import { Command } from 'commander';
import { evaluate, type PositionChoice } from '../ope/evaluate';
import { formatEvaluation } from '../ope/format';
import { readNudgeLog } from '../ope/nudge-log';
import { readObd } from '../ope/obd';
import { readPriors } from '../ope/priors';
import { checkPolicySpec } from '../sim/simulate';
import { meanWithInterval } from '../ope/estimators';
import { replayThroughService } from '../ope/service-replay';
import type { LoggedData } from '../ope/types';

interface EvaluateFlags {
  logs: string;
  policy: string;
  json?: string;
  format?: string;
  position: string;
  campaign?: string;
  prior?: string;
  priorCampaign?: string;
  learn: string;
  learnBatch: string;
  resamples: string;
  seed: string;
  service?: string;
  compare?: string;
}

/**
 * --service: replay through a running server instead of in-process, and report its CTR beside the
 * logged policy's CTR (and, with --compare, another log's CTR, e.g. OBD's bts log).
 */
async function serviceMode(flags: EvaluateFlags, data: LoggedData, position: PositionChoice, resamples: number, seed: number): Promise<void> {
  if (!flags.campaign) throw new RangeError('--service needs --campaign (a campaign with one offer "item-<id>" per action)');
  if (position === 'all') throw new RangeError('--service evaluates one position (a number) or "pooled"');
  const slot = position === 'pooled' ? 0 : position;
  const boot = { resamples, seed };
  const started = Date.now();
  const rep = await replayThroughService(data, slot, {
    address: flags.service ?? '',
    campaign: flags.campaign,
    onProgress: (done, total) => process.stderr.isTTY && process.stderr.write(`\r${done}/${total} events`),
  });
  const events = data.events.filter((e) => slot === 0 || e.position === slot);
  const logged = meanWithInterval(Float64Array.from(events, (e) => e.reward), boot);
  const service = meanWithInterval(rep.matched, boot);
  let compare: { file: string; events: number; value: number; ci: readonly [number, number] } | undefined;
  if (flags.compare) {
    const other = await readObd(flags.compare);
    const ev = other.events.filter((e) => slot === 0 || e.position === slot);
    compare = { file: flags.compare, events: ev.length, ...meanWithInterval(Float64Array.from(ev, (e) => e.reward), boot) };
  }
  let clicks = 0;
  for (const r of rep.matched) clicks += r;
  const pct = (x: number): string => `${(x * 100).toFixed(3)}%`;
  const lines = [
    `replay through ${flags.service} (campaign ${flags.campaign}), position ${position}: ${rep.events} events in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `  service policy: ${pct(service.value)} [${pct(service.ci[0])}, ${pct(service.ci[1])}]  matched ${rep.matched.length}, ${clicks} rewards; acks ${JSON.stringify(rep.acks)}`,
    `  logged policy:  ${pct(logged.value)} [${pct(logged.ci[0])}, ${pct(logged.ci[1])}]  ${events.length} events`,
  ];
  if (compare) lines.push(`  ${flags.compare}: ${pct(compare.value)} [${pct(compare.ci[0])}, ${pct(compare.ci[1])}]  ${compare.events} events`);
  process.stdout.write(lines.join('\n') + '\n');
  if (flags.json) {
    const out = { logs: flags.logs, service: flags.service, campaign: flags.campaign, position, replay: { ...service, matched: rep.matched.length, rewards: clicks, events: rep.events, acks: rep.acks }, logged, compare };
    fs.writeFileSync(flags.json, JSON.stringify(out, null, 2) + '\n');
  }
}

function parsePosition(raw: string): PositionChoice {
  if (raw === 'all' || raw === 'pooled') return raw;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new RangeError('--position must be an integer >= 1, "all" or "pooled"');
  return n;
}

function positiveInt(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${flag} must be a positive integer`);
  return n;
}

/** Guesses the log format from the file: a CSV header with item_id means OBD, a JSON line Nudge. */
function sniffFormat(file: string): 'obd' | 'nudge' {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n).toString('utf8').trimStart();
    return head.startsWith('{') ? 'nudge' : 'obd';
  } finally {
    fs.closeSync(fd);
  }
}

/** `nudge evaluate --logs FILE --policy SPEC [--json OUT] [--format obd|nudge] [--position 1]`. */
export function evaluateCommand(): Command {
  const cmd = new Command('evaluate');
  cmd
    .description('off-policy evaluation of a policy on logged traffic (replay, IPW, SNIPW, DM, DR with bootstrap intervals)')
    .requiredOption('--logs <file>', 'Open Bandit Dataset CSV or Nudge decision log NDJSON (nudge decisions export)')
    .requiredOption('--policy <spec>', 'policy spec, e.g. thompson or epsilon-greedy:epsilon=0.05')
    .option('--json <out>', 'write the full report as JSON')
    .option('--format <format>', 'obd or nudge (default: guessed from the file)')
    .option('--position <p>', 'slot to evaluate: a number, "all" (each separately) or "pooled"', '1')
    .option('--campaign <name>', 'Nudge logs: the campaign to evaluate')
    .option('--prior <file>', 'CSV of per-action priors (item_id|offerId, alpha, beta[, campaign])')
    .option('--prior-campaign <name>', 'campaign rows of --prior to use (e.g. men for OBD bts_production_prior.csv)')
    .option('--learn <mode>', 'IPW/DR policy state: none (fixed at priors) or logged (learns from the log)', 'none')
    .option('--learn-batch <n>', 'with --learn logged: refresh the action distribution every n events', '100')
    .option('--resamples <n>', 'bootstrap resamples', '1000')
    .option('--seed <n>', 'seed of the kernel and the bootstrap', '1')
    .option('--service <host:port>', 'replay through this running Nudge server (Decide + ReportOutcome) instead of in-process')
    .option('--compare <file>', 'with --service: also report the CTR of this OBD log (e.g. bts/men/men.csv)')
    .action(async (flags: EvaluateFlags) => {
      try {
        // Checked before anything touches the log file (sniffFormat reads it): a typo in the policy must
        // not wait for, or be hidden by, a large or missing file.
        checkPolicySpec(flags.policy);
        const format = flags.format ?? sniffFormat(flags.logs);
        if (format !== 'obd' && format !== 'nudge') throw new RangeError('--format must be "obd" or "nudge"');
        const position = parsePosition(flags.position);
        if (flags.learn !== 'none' && flags.learn !== 'logged') throw new RangeError('--learn must be "none" or "logged"');
        const seed = Number(flags.seed);
        if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError('--seed must be an integer >= 0');
        const data = format === 'obd' ? await readObd(flags.logs) : await readNudgeLog(flags.logs, { campaign: flags.campaign });
        if (data.events.length === 0) throw new RangeError(`${flags.logs}: no usable events`);
        if (flags.service) {
          return await serviceMode(flags, data, position, positiveInt('--resamples', flags.resamples), seed);
        }
        const priors = flags.prior ? readPriors(flags.prior, flags.priorCampaign) : undefined;
        const report = evaluate(data, {
          policy: flags.policy,
          position,
          learn: flags.learn,
          learnBatch: positiveInt('--learn-batch', flags.learnBatch),
          priors,
          seed,
          bootstrap: { resamples: positiveInt('--resamples', flags.resamples), seed },
        });
        process.stdout.write(formatEvaluation(report));
        if (flags.json) fs.writeFileSync(flags.json, JSON.stringify({ logs: flags.logs, ...report }, null, 2) + '\n');
      } catch (err) {
        if (err instanceof RangeError || err instanceof TypeError) cmd.error(`nudge evaluate: ${err.message}`, { exitCode: 2, code: 'nudge.evaluate' });
        throw err;
      }
    });
  return cmd;
}
