import * as fs from 'node:fs';
import { parse } from 'csv-parse';
import type { LoggedData, LoggedEvent } from './types';

/**
 * Reads an Open Bandit Dataset log (`<policy>/<campaign>/<campaign>.csv`: an unnamed index column,
 * timestamp, item_id, position, click, propensity_score, user_feature_*, user-item_affinity_*).
 * item_id is the action (actions are "0".."K-1", K = max item_id + 1 unless `nActions` is given);
 * click is the reward; propensity_score the logging propensity for that item in that position.
 * User features are not used: Nudge's Beta-Bernoulli policies are not contextual.
 */
export async function readObd(file: string, nActions?: number): Promise<LoggedData> {
  const events: LoggedEvent[] = [];
  const skipped: Record<string, number> = {};
  let maxItem = -1;
  const parser = parse({ columns: true, skip_empty_lines: true, trim: true });
  // pipe() does not forward errors: a missing file must reject this promise, not crash the process.
  const input = fs.createReadStream(file);
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let line = 1;
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    line++;
    for (const col of ['item_id', 'position', 'click', 'propensity_score'] as const) {
      if (row[col] === undefined) throw new RangeError(`${file}: line ${line}: missing column "${col}" (is this an Open Bandit Dataset CSV?)`);
    }
    const item = Number(row.item_id);
    const position = Number(row.position);
    const click = Number(row.click);
    const p = Number(row.propensity_score);
    if (!Number.isInteger(item) || item < 0) throw new RangeError(`${file}: line ${line}: item_id must be an integer >= 0 (got "${row.item_id}")`);
    if (!Number.isInteger(position) || position < 1) throw new RangeError(`${file}: line ${line}: position must be an integer >= 1 (got "${row.position}")`);
    if (!(click >= 0 && click <= 1)) throw new RangeError(`${file}: line ${line}: click must be a number in [0, 1] (got "${row.click}")`);
    if (Number.isNaN(p) || p > 1) throw new RangeError(`${file}: line ${line}: propensity_score must be a number in (0, 1] (got "${row.propensity_score}")`);
    if (!(p > 0)) {
      skipped['propensity <= 0'] = (skipped['propensity <= 0'] ?? 0) + 1;
      continue;
    }
    const ts = row.timestamp ? Date.parse(row.timestamp.replace(' ', 'T')) : NaN;
    if (item > maxItem) maxItem = item;
    const id = row[''];
    events.push({ segment: '', action: item, reward: click, propensity: p, position, ts: Number.isFinite(ts) ? ts : 0, ...(id ? { customerId: id } : {}) });
  }
  const k = nActions ?? maxItem + 1;
  if (maxItem >= k) throw new RangeError(`${file}: item_id ${maxItem} is outside the ${k} actions given`);
  return { format: 'obd', actions: Array.from({ length: k }, (_, i) => String(i)), events, skipped };
}
