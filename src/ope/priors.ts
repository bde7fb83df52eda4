import * as fs from 'node:fs';
import { parse } from 'csv-parse/sync';

/**
 * Reads per-action priors for the evaluated policy from a CSV with columns (item_id | offerId |
 * action), alpha, beta and optionally campaign (the OBD bts_production_prior.csv layout:
 * campaign,item_id,alpha,beta). With a campaign column, `campaign` selects the rows.
 */
export function readPriors(file: string, campaign?: string): Map<string, [number, number]> {
  const rows = parse(fs.readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const out = new Map<string, [number, number]>();
  if (rows.length === 0) return out;
  const idCol = ['item_id', 'offerId', 'action'].find((c) => c in rows[0]);
  if (!idCol || !('alpha' in rows[0]) || !('beta' in rows[0])) {
    throw new RangeError(`${file}: a prior file needs the columns item_id (or offerId, action), alpha and beta`);
  }
  const hasCampaign = 'campaign' in rows[0];
  if (hasCampaign && campaign === undefined) {
    const names = [...new Set(rows.map((r) => r.campaign))];
    if (names.length > 1) throw new RangeError(`${file}: holds priors of campaigns ${names.join(', ')}; choose one with --prior-campaign`);
  }
  rows.forEach((r, i) => {
    if (hasCampaign && campaign !== undefined && r.campaign !== campaign) return;
    const a = Number(r.alpha);
    const b = Number(r.beta);
    if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
      throw new RangeError(`${file}: line ${i + 2}: alpha and beta must be numbers > 0`);
    }
    out.set(r[idCol], [a, b]);
  });
  if (out.size === 0) throw new RangeError(`${file}: no priors for campaign "${campaign}"`);
  return out;
}
