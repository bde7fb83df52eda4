import { NudgeError } from '../errors';

export interface CampaignProblem {
  /** Field path as printed, e.g. `offers[2].prior_alpha` (empty for the campaign as a whole). */
  readonly field: string;
  readonly message: string;
}

/**
 * NUDGE_CAMPAIGN_INVALID with every problem found, not only the first: fixing a campaign file one
 * error per reload is slow. The message reads `<source>: <field>: <problem>; <field>: <problem>`.
 */
export class CampaignInvalidError extends NudgeError {
  readonly source: string;
  readonly problems: readonly CampaignProblem[];

  constructor(source: string, problems: readonly CampaignProblem[]) {
    const text = problems.map((p) => (p.field === '' ? p.message : `${p.field}: ${p.message}`)).join('; ');
    super('NUDGE_CAMPAIGN_INVALID', `${source}: ${text}`, problems[0]?.field);
    this.name = 'CampaignInvalidError';
    this.source = source;
    this.problems = problems;
  }
}
