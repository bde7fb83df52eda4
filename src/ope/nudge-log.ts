import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { z } from 'zod';
import type { LoggedData, LoggedEvent } from './types';

/**
 * Reads Nudge's decision log export (`nudge decisions export`): NDJSON, one decision per line:
 * {id, ts, campaign, customerId, segment, policy, offers: [{offerId, score, probability, propensity}],
 *  outcomes: {offerId: reward}, session?: {name: value}}. Every shown offer becomes one event at its slot (offers[j] is
 * position j + 1); an offer with no outcome has reward `defaultReward` (the campaign default, 0).
 * Decisions flagged `control: true` are skipped (the policy did not choose them), as are offers
 * logged with propensity <= 0.
 */
const lineSchema = z.object({
  id: z.string(),
  ts: z.number(),
  campaign: z.string(),
  segment: z.string().default(''),
  control: z.boolean().optional(),
  offers: z.array(
    z.object({
      offerId: z.string().min(1),
      propensity: z.number().min(0).max(1),
    }),
  ),
  outcomes: z.record(z.string(), z.number()).default({}),
  // The campaign's session features at the decision (docs/events.md), when it has any.
  session: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).optional(),
});

export interface NudgeLogOptions {
  /** Only decisions of this campaign; required when the file holds several. */
  readonly campaign?: string;
  readonly defaultReward?: number;
}

export async function readNudgeLog(file: string, options: NudgeLogOptions = {}): Promise<LoggedData> {
  const defaultReward = options.defaultReward ?? 0;
  const index = new Map<string, number>();
  const actions: string[] = [];
  const events: LoggedEvent[] = [];
  const skipped: Record<string, number> = {};
  const campaigns = new Set<string>();
  const skip = (why: string): void => {
    skipped[why] = (skipped[why] ?? 0) + 1;
  };
  const input = fs.createReadStream(file);
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  // readline's iterator does not see input errors (a missing file): end the loop, then throw it.
  let inputError: Error | null = null;
  input.on('error', (err) => {
    inputError = err;
    rl.close();
  });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new RangeError(`${file}: line ${line}: not valid JSON`);
    }
    const r = lineSchema.safeParse(json);
    if (!r.success) {
      const i = r.error.issues[0];
      throw new RangeError(`${file}: line ${line}: ${i.path.join('.') || '(record)'}: ${i.message}`);
    }
    const d = r.data;
    if (options.campaign !== undefined && d.campaign !== options.campaign) continue;
    campaigns.add(d.campaign);
    if (d.control === true) {
      skip('control group');
      continue;
    }
    d.offers.forEach((o, j) => {
      if (!(o.propensity > 0)) return skip('propensity <= 0');
      let a = index.get(o.offerId);
      if (a === undefined) {
        a = actions.length;
        index.set(o.offerId, a);
        actions.push(o.offerId);
      }
      const reward = d.outcomes[o.offerId] ?? defaultReward;
      const e: LoggedEvent = { segment: d.segment, action: a, reward, propensity: o.propensity, position: j + 1, ts: d.ts };
      events.push(d.session !== undefined ? { ...e, session: d.session } : e);
    });
  }
  if (inputError !== null) throw inputError;
  if (campaigns.size > 1) {
    throw new RangeError(`${file}: holds decisions of ${campaigns.size} campaigns (${[...campaigns].slice(0, 5).join(', ')}); choose one with --campaign`);
  }
  return { format: 'nudge', actions, events, skipped };
}
