import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CampaignInvalidError } from './errors';
import { parseCampaign } from './schema';
import type { CampaignConfig } from './types';

/** Extensions of campaign files in the campaign directory. */
export const CAMPAIGN_FILE_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

export function isCampaignFileName(name: string): boolean {
  return !name.startsWith('.') && CAMPAIGN_FILE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/**
 * One campaign from the text of a file (YAML, or JSON by extension). `source` names the file in error
 * messages. Syntax errors are NUDGE_CAMPAIGN_INVALID too, so that the registry reports them the same way.
 */
export function parseCampaignText(text: string, fileName: string, source: string): CampaignConfig {
  let doc: unknown;
  try {
    doc = path.extname(fileName).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const kind = path.extname(fileName).toLowerCase() === '.json' ? 'JSON' : 'YAML';
    const detail = (err as Error).message.split('\n')[0];
    throw new CampaignInvalidError(source, [{ field: '', message: `not valid ${kind}: ${detail}` }]);
  }
  if (doc === null || doc === undefined) {
    throw new CampaignInvalidError(source, [{ field: '', message: 'the file is empty' }]);
  }
  return parseCampaign(doc, source);
}
