import { describe, expect, it } from 'vitest';
import { storeSummary } from '../../src/cli/serve';
import { resolveOptions } from '../../src/config';

describe('NUDGE_STORE', () => {
  it('is logged without credentials', () => {
    expect(storeSummary('lmdb')).toBe('lmdb');
    expect(storeSummary('redis://user:s3cret@10.0.0.5:6380/2')).toBe('redis://10.0.0.5:6380/2');
    expect(storeSummary('rediss://:pw@cache.internal')).toBe('rediss://cache.internal');
  });

  it('accepts lmdb and redis URLs, and refuses anything else with a RangeError naming the option', () => {
    expect(resolveOptions({ store: 'redis://127.0.0.1:6379/0' }).store).toBe('redis://127.0.0.1:6379/0');
    expect(() => resolveOptions({ store: 'postgres://x' })).toThrow(/options\.store must be "lmdb" or a redis:\/\/host:port\[\/db\] URL/);
    expect(() => resolveOptions({ store: 'redis://host/abc' })).toThrow(/database number/);
    expect(() => resolveOptions({ store: 7 as unknown as string })).toThrow(TypeError);
    expect(() => resolveOptions({ processes: 0 })).toThrow(RangeError);
  });
});
