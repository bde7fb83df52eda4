import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { backoffMs, CLIENT_DEFAULTS, isTransient, NudgeClient, NudgeError, type NudgeClientOptions } from '../../src/client/index';

/** Option checks (exact messages), the backoff, and which failures are retried. No server needed. */

const make = (o: unknown) => () => new NudgeClient(o as NudgeClientOptions).close();

describe('client options', () => {
  it('fills the defaults from one object', () => {
    const c = new NudgeClient();
    try {
      expect(c.options.address).toBe(CLIENT_DEFAULTS.address);
      expect(c.options.deadlineMs).toBe(CLIENT_DEFAULTS.deadlineMs);
      expect(c.options.retry).toEqual(CLIENT_DEFAULTS.retry);
      expect(c.options.writer).toEqual(CLIENT_DEFAULTS.writer);
      expect(c.options.retryDecide).toBe(false);
      expect(c.options.retryEvents).toBe(true);
      expect(c.options.token).toBeNull();
    } finally {
      c.close();
    }
  });

  it('refuses a deadlineMs of the wrong type with TypeError and a bad value with RangeError', () => {
    expect(make({ deadlineMs: '100' })).toThrow(new TypeError('options.deadlineMs must be a number'));
    for (const bad of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      expect(make({ deadlineMs: bad })).toThrow(new RangeError('options.deadlineMs must be an integer from 1 to 2147483647'));
    }
  });

  it('checks the retry policy and the writer settings', () => {
    expect(make({ retry: { maxAttempts: 0 } })).toThrow(new RangeError('options.retry.maxAttempts must be an integer from 1 to 2147483647'));
    expect(make({ retry: 3 })).toThrow(new TypeError('options.retry must be an object'));
    expect(make({ retry: { multiplier: 0.5 } })).toThrow(new RangeError('options.retry.multiplier must be from 1 to 10'));
    expect(make({ retry: { initialBackoffMs: 500, maxBackoffMs: 100 } })).toThrow(
      new RangeError('options.retry.maxBackoffMs must be at least options.retry.initialBackoffMs'),
    );
    expect(make({ retry: { tries: 3 } })).toThrow(new RangeError('options.retry.tries is not an option'));
    expect(make({ writer: { batchSize: 100, maxBuffered: 10 } })).toThrow(
      new RangeError('options.writer.batchSize must not exceed options.writer.maxBuffered'),
    );
    expect(make({ writer: { retry: { maxAttempts: 'many' } } })).toThrow(new TypeError('options.writer.retry.maxAttempts must be a number'));
    const c = new NudgeClient();
    try {
      expect(() => c.outcomeWriter({ flushIntervalMs: -1 })).toThrow(new RangeError('writerOptions.flushIntervalMs must be an integer from 0 to 2147483647'));
    } finally {
      c.close();
    }
  });

  it('refuses unknown options, bad tokens, and TLS given twice', () => {
    expect(make({ deadline: 100 })).toThrow(new RangeError('options.deadline is not an option'));
    expect(make('127.0.0.1:50051')).toThrow(new TypeError('options must be an object'));
    expect(make({ address: '' })).toThrow(new RangeError('options.address must not be empty'));
    expect(make({ retryDecide: 'yes' })).toThrow(new TypeError('options.retryDecide must be a boolean'));
    expect(make({ token: 42 })).toThrow(new TypeError('options.token must be a string'));
    expect(make({ token: 'has space' })).toThrow(new RangeError('options.token must be non-empty printable ASCII without spaces'));
    expect(make({ tls: true, credentials: grpc.credentials.createInsecure() })).toThrow(
      new RangeError('options.tls and options.credentials cannot both be set'),
    );
    expect(make({ credentials: {} })).toThrow(new TypeError('options.credentials must be grpc.ChannelCredentials'));
    expect(make({ tls: { certChain: 'PEM' } })).toThrow(new RangeError('options.tls.certChain and options.tls.privateKey must be set together'));
    expect(make({ tls: { rootCerts: 7 } })).toThrow(new TypeError('options.tls.rootCerts must be a Buffer or a string of PEM text'));
  });

  it('checks per-call options, rejecting the call', async () => {
    const c = new NudgeClient();
    try {
      await expect(c.decide({ campaign: 'x', customerId: 'y' }, { deadlineMs: 0 })).rejects.toThrow(
        new RangeError('callOptions.deadlineMs must be an integer from 1 to 2147483647'),
      );
      await expect(c.decide({ campaign: 'x', customerId: 'y' }, { timeout: 5 } as object)).rejects.toThrow(new RangeError('callOptions.timeout is not an option'));
    } finally {
      c.close();
    }
  });
});

describe('backoff and retryable failures', () => {
  const policy = { maxAttempts: 10, initialBackoffMs: 100, maxBackoffMs: 1000, multiplier: 2 };

  it('grows exponentially to the cap, with half of each wait random', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffMs(30, policy, () => 0.5)).toBe(750);
  });

  it('retries UNAVAILABLE and RESOURCE_EXHAUSTED only, and not an oversized message', () => {
    const err = (code: grpc.status, details: string) => new NudgeError({ code, details, method: 'Decide' });
    expect(isTransient(err(grpc.status.UNAVAILABLE, 'NUDGE_SHUTTING_DOWN: draining'))).toBe(true);
    expect(isTransient(err(grpc.status.RESOURCE_EXHAUSTED, 'NUDGE_OVERLOADED: queue full'))).toBe(true);
    expect(isTransient(err(grpc.status.RESOURCE_EXHAUSTED, 'Received message larger than max (5000000 vs. 4194304)'))).toBe(false);
    for (const code of [grpc.status.INVALID_ARGUMENT, grpc.status.DEADLINE_EXCEEDED, grpc.status.INTERNAL, grpc.status.UNAUTHENTICATED]) {
      expect(isTransient(err(code, 'x'))).toBe(false);
    }
  });

  it('reads the Nudge code from the details, and has none for transport errors', () => {
    const coded = new NudgeError({ code: grpc.status.UNAVAILABLE, details: 'NUDGE_STORE_UNAVAILABLE: redis: connection refused', method: 'StreamOutcomes' });
    expect(coded.nudgeCode).toBe('NUDGE_STORE_UNAVAILABLE');
    expect(coded.reason).toBe('redis: connection refused');
    const bare = new NudgeError({ code: grpc.status.UNAVAILABLE, details: 'No connection established', method: 'Decide' });
    expect(bare.nudgeCode).toBeNull();
    expect(bare.reason).toBe('No connection established');
  });
});
