import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, NudgeError, toServiceError } from '../src/errors';

const errorsDoc = readFileSync(join(__dirname, '..', 'docs', 'errors.md'), 'utf8');

/** The table rows of docs/errors.md, by code: `| \`CODE\` | STATUS | meaning | what to do |`. */
function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of errorsDoc.split('\n')) {
    const m = /^\| `(NUDGE_[A-Z_]+)` \|/.exec(line);
    if (m === null) continue;
    rows.set(m[1]!, line.split('|').slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

describe('errors module', () => {
  it('documents every error code in docs/errors.md with its gRPC status and what to do', () => {
    const rows = documentedRows();
    for (const [code, def] of Object.entries(ERROR_CODES)) {
      const row = rows.get(code);
      expect(row, `docs/errors.md has no table row for ${code}`).toBeDefined();
      expect(row![1], `${code}: gRPC status column`).toBe(status[def.grpc]);
      expect(row![2], `${code}: meaning column`).not.toBe('');
      expect(row![3], `${code}: what-to-do column`).not.toBe('');
    }
    // And no row for a code the server does not know (a typo, or a renamed code).
    for (const code of rows.keys()) expect(Object.keys(ERROR_CODES), `docs/errors.md lists unknown ${code}`).toContain(code);
  });

  it('maps each code to exactly one status and keeps the code in the details', () => {
    const e = new NudgeError('NUDGE_CAMPAIGN_NOT_FOUND', 'campaign "x" does not exist', 'campaign');
    expect(toServiceError(e)).toEqual({ code: status.NOT_FOUND, details: 'NUDGE_CAMPAIGN_NOT_FOUND: campaign "x" does not exist' });
    expect(toServiceError(new Error('boom')).code).toBe(status.INTERNAL);
  });
});
