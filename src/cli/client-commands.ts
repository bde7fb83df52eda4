import { Command, InvalidArgumentError } from 'commander';
import { NudgeClient, NudgeError, type Decision, type OutcomeResult } from '../client/index';
import { credentials, positiveInt, type ClientFlags } from './remote';

/**
 * `nudge decide` and `nudge outcome`: try a running server from a shell, through the same client
 * backend services use (src/client), so what works here works there. Text for people by default,
 * --json for scripts; a failed call prints its Nudge code and exits 1.
 */

interface CommonFlags extends ClientFlags {
  json?: boolean;
}

interface DecideFlags extends CommonFlags {
  campaign: string;
  channel?: string;
  numOffers: number;
  context?: Record<string, string>;
  exclude?: string[];
  explain?: boolean;
  retry?: boolean;
}

interface OutcomeFlags extends CommonFlags {
  reward: number;
  timestampMs?: number;
}

/** The demo campaign (campaigns/demo.yaml), so `nudge decide c0042` works against `npm start`. */
const DEFAULT_CAMPAIGN = 'home-banner';
// Longer than the client's default: a CLI call also pays for connecting, and nobody waits on it.
const CLI_DEADLINE_MS = 5000;
/** Exit status of `nudge outcome` when the server answered but did not count it. */
const EXIT_NOT_APPLIED = 2;

function keyValue(v: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`"${v}" is not key=value`);
  return { ...previous, [v.slice(0, eq)]: v.slice(eq + 1) };
}

function reward(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a finite number >= 0');
  return n;
}

function withConnection(cmd: Command): Command {
  return cmd
    .option('--address <host:port>', 'the server to ask', '127.0.0.1:50051')
    .option('--token <token>', 'DecisionService bearer token (default: env NUDGE_DECIDE_TOKEN)')
    .option('--tls-ca <file>', 'CA of the server certificate (turns TLS on)')
    .option('--tls-cert <file>', 'client certificate, for a server that requires mutual TLS')
    .option('--tls-key <file>', 'key of the client certificate')
    .option('--deadline-ms <ms>', 'give up after this long', positiveInt, CLI_DEADLINE_MS)
    .option('--json', 'print the answer as JSON (errors as JSON on stderr)');
}

function clientOf(f: CommonFlags, retryDecide = false): NudgeClient {
  const token = f.token ?? process.env['NUDGE_DECIDE_TOKEN'];
  return new NudgeClient({
    address: f.address,
    credentials: credentials(f),
    deadlineMs: f.deadlineMs,
    retryDecide,
    ...(token === undefined || token === '' ? {} : { token }),
  });
}

const num = (x: number, digits: number): string => x.toFixed(digits);

export function formatDecision(campaign: string, d: Decision): string {
  const head = [`decision ${d.decisionId}`, `campaign ${campaign}`, `policy ${d.policy}`, `route ${d.route}`];
  if (d.segment !== '') head.push(`segment ${d.segment}`);
  const lines = [head.join('  ')];
  if (d.control) lines.push('control group: counted for uplift; its outcome does not change the posteriors');
  if (d.noAction) lines.push(`no action${d.noActionReason === '' ? '' : ` (${d.noActionReason})`}`);
  d.offers.forEach((o, i) => {
    lines.push(`  ${i + 1}. ${o.offerId}  score ${num(o.score, 4)}  p(reward) ${num(o.probability, 4)}  propensity ${num(o.propensity, 3)}`);
    // Quoted when needed: attribute values may hold spaces and commas (headline="10% off, today").
    const attrs = Object.entries(o.attributes).map(([k, v]) => `${k}=${/^[^\s"]*$/.test(v) ? v : JSON.stringify(v)}`);
    if (attrs.length > 0) lines.push(`     ${attrs.join('  ')}`);
  });
  const top = d.offers[0];
  if (top !== undefined) lines.push(`report an outcome: nudge outcome ${d.decisionId} ${top.offerId} --reward 1`);
  return lines.join('\n') + '\n';
}

export function formatOutcome(ack: OutcomeResult): string {
  const delta = ack.status === 'APPLIED' ? `  delta ${ack.delta >= 0 ? '+' : ''}${num(ack.delta, 4)}` : '';
  return `${ack.status}${delta}${ack.detail === '' ? '' : `  (${ack.detail})`}\n`;
}

/** Prints a failed call: its Nudge code first, since that is what docs/errors.md lists. */
function report(err: NudgeError, command: string, json: boolean): void {
  if (json) {
    const e = { code: err.codeName, grpcCode: err.code, nudgeCode: err.nudgeCode, message: err.reason, attempts: err.attempts };
    process.stderr.write(JSON.stringify({ error: e }) + '\n');
  } else {
    const code = err.nudgeCode === null ? err.codeName : `${err.nudgeCode} (${err.codeName})`;
    process.stderr.write(`nudge ${command}: ${code}: ${err.reason}\n`);
  }
  process.exitCode = 1;
}

async function run(command: string, f: CommonFlags, client: NudgeClient, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (!(err instanceof NudgeError)) throw err;
    report(err, command, f.json === true);
  } finally {
    client.close();
  }
}

export function decideCommand(): Command {
  const cmd = new Command('decide')
    .description('ask a running server which offers a customer should see now')
    .argument('<customer>', 'customer id')
    .option('--campaign <name>', 'campaign', DEFAULT_CAMPAIGN)
    .option('--channel <channel>', 'channel (routing rules may read it)')
    .option('--num-offers <n>', 'how many offers to rank', positiveInt, 1)
    .option('--context <key=value...>', 'request context, overriding features of the same name (repeatable)', keyValue)
    .option('--exclude <offer...>', 'offers not to show')
    .option('--explain', 'ask the server to explain each score')
    .option('--retry', 'retry on UNAVAILABLE / RESOURCE_EXHAUSTED (off: a retried Decide may make two decisions)');
  return withConnection(cmd).action(async (customer: string, f: DecideFlags) => {
    const client = clientOf(f, f.retry === true);
    await run('decide', f, client, async () => {
      const d = await client.decide({
        campaign: f.campaign,
        customerId: customer,
        numOffers: f.numOffers,
        context: f.context ?? {},
        ...(f.channel === undefined ? {} : { channel: f.channel }),
        ...(f.exclude === undefined ? {} : { excludeOffers: f.exclude }),
        ...(f.explain === true ? { explain: true } : {}),
      });
      process.stdout.write(f.json === true ? JSON.stringify(d, null, 2) + '\n' : formatDecision(f.campaign, d));
    });
  });
}

export function outcomeCommand(): Command {
  const cmd = new Command('outcome')
    .description('report what a customer did with an offer of a decision (retried: outcomes count once)')
    .argument('<decision-id>', 'the decision id Decide returned')
    .argument('<offer-id>', 'the offer the outcome is about')
    .option('--reward <r>', 'reward, e.g. 1 clicked, 0 ignored', reward, 1)
    .option('--timestamp-ms <ms>', 'when it happened (ms since epoch; default: now)', positiveInt);
  return withConnection(cmd).action(async (decisionId: string, offerId: string, f: OutcomeFlags) => {
    const client = clientOf(f);
    await run('outcome', f, client, async () => {
      const ack = await client.reportOutcome({ decisionId, offerId, reward: f.reward, ...(f.timestampMs === undefined ? {} : { timestampMs: f.timestampMs }) });
      process.stdout.write(f.json === true ? JSON.stringify(ack, null, 2) + '\n' : formatOutcome(ack));
      if (ack.status !== 'APPLIED' && ack.status !== 'DUPLICATE') process.exitCode = EXIT_NOT_APPLIED;
    });
  });
}
