import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, NudgeError, toServiceError } from '../src/errors';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

describe('errors module', () => {
  it('documents every error code in README with its gRPC status', () => {
    for (const [code, def] of Object.entries(ERROR_CODES)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${code}\``));
      expect(row, `README has no table row for ${code}`).toBeDefined();
      expect(row).toContain(status[def.grpc]);
    }
  });

  it('maps each code to exactly one status and keeps the code in the details', () => {
    const e = new NudgeError('NUDGE_CAMPAIGN_NOT_FOUND', 'campaign "x" does not exist', 'campaign');
    expect(toServiceError(e)).toEqual({ code: status.NOT_FOUND, details: 'NUDGE_CAMPAIGN_NOT_FOUND: campaign "x" does not exist' });
    expect(toServiceError(new Error('boom')).code).toBe(status.INTERNAL);
  });
});
