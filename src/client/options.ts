import * as grpc from '@grpc/grpc-js';

/** How failed calls are tried again (see retry.ts for the backoff). */
export interface RetryPolicy {
  /** Tries in all, the first included; 1 turns retries off. */
  readonly maxAttempts: number;
  /** The wait before the first retry, before jitter. */
  readonly initialBackoffMs: number;
  /** No wait grows beyond this, however many tries failed. */
  readonly maxBackoffMs: number;
  /** Each wait is this many times the previous one. */
  readonly multiplier: number;
}

/** How outcomeWriter() and eventWriter() batch. */
export interface WriterOptions {
  /** Items per StreamOutcomes / StreamEvents call: a failed call resends at most this many. */
  readonly batchSize: number;
  /** Items written but not yet acknowledged; write() waits while this many are held. */
  readonly maxBuffered: number;
  /** A partial batch is sent this long after its first item, so a quiet writer still delivers. */
  readonly flushIntervalMs: number;
  /** Deadline of each stream call (one batch). */
  readonly deadlineMs: number;
  readonly retry: RetryPolicy;
}

/** PEM contents (not file names): the client never reads files, so it works where there are none. */
export interface TlsOptions {
  /** CA of the server certificate; omitted: the system roots. */
  readonly rootCerts?: Buffer | string;
  /** Client certificate and its key, for a server that requires mutual TLS. */
  readonly certChain?: Buffer | string;
  readonly privateKey?: Buffer | string;
}

export interface NudgeClientOptions {
  /** host:port, or any grpc-js target (dns:///..., unix:...). */
  address?: string;
  /** Deadline of each unary call attempt, in ms. */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Decide and DecideBatch are retried only when this is true (see docs/clients.md#retries). */
  retryDecide?: boolean;
  /** TrackEvent and StreamEvents retries; an event resent after the server kept it counts twice. */
  retryEvents?: boolean;
  writer?: Partial<Omit<WriterOptions, 'retry'>> & { retry?: Partial<RetryPolicy> };
  /** Sent as `authorization: Bearer <token>` (the server's NUDGE_DECIDE_TOKEN). */
  token?: string;
  /** true: TLS with the system roots; an object: TLS with these certificates. */
  tls?: boolean | TlsOptions;
  /** Ready-made credentials (instead of tls), e.g. from a service mesh library. */
  credentials?: grpc.ChannelCredentials;
  /** Passed to the grpc-js channel, over the client's own defaults. */
  channelOptions?: grpc.ChannelOptions;
  /** grpc-js client interceptors (tracing, logging). */
  interceptors?: grpc.Interceptor[];
}

export interface ResolvedOptions {
  readonly address: string;
  readonly deadlineMs: number;
  readonly retry: RetryPolicy;
  readonly retryDecide: boolean;
  readonly retryEvents: boolean;
  readonly writer: WriterOptions;
  readonly token: string | null;
  readonly credentials: grpc.ChannelCredentials;
  readonly channelOptions: grpc.ChannelOptions;
  readonly interceptors: grpc.Interceptor[];
}

/** Every default in one place; docs/clients.md lists the same values. */
export const CLIENT_DEFAULTS = Object.freeze({
  address: '127.0.0.1:50051',
  // Decide costs the server well under a millisecond; the rest is network and, on the first call,
  // connecting. A caller with a tighter latency budget should say so.
  deadlineMs: 1000,
  // About 0.75 s of waiting in all: enough to ride out a worker replacement, short for a request path.
  retry: Object.freeze({ maxAttempts: 5, initialBackoffMs: 50, maxBackoffMs: 2000, multiplier: 2 }),
  retryDecide: false,
  retryEvents: true,
  writer: Object.freeze({
    batchSize: 1000,
    maxBuffered: 10_000,
    flushIntervalMs: 100,
    deadlineMs: 30_000,
    // Writers serve batch jobs, which would rather wait out a rolling restart (about 30 s) than fail.
    retry: Object.freeze({ maxAttempts: 12, initialBackoffMs: 100, maxBackoffMs: 5000, multiplier: 2 }),
  }),
  channelOptions: Object.freeze({
    // grpc-js waits up to 120 s between reconnects by default; after a server restart the client
    // would refuse calls that long although the server is back.
    'grpc.max_reconnect_backoff_ms': 5000,
  }),
});

// setTimeout cannot wait longer than this; larger waits would fire at once.
const MAX_MS = 2_147_483_647;

const OPTION_KEYS = new Set<string>([
  'address', 'deadlineMs', 'retry', 'retryDecide', 'retryEvents', 'writer', 'token', 'tls', 'credentials', 'channelOptions', 'interceptors',
]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(name: string, v: Record<string, unknown>, allowed: Iterable<string>): void {
  const ok = new Set(allowed);
  // A misspelt option (deadline instead of deadlineMs) would otherwise be ignored without a word.
  for (const k of Object.keys(v)) if (!ok.has(k)) throw new RangeError(`${name}.${k} is not an option`);
}

function checkObject(name: string, v: unknown): Record<string, unknown> {
  if (!isObject(v)) throw new TypeError(`${name} must be an object`);
  return v;
}

/** An integer number of milliseconds (or a count) from min to MAX_MS. */
export function checkInt(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number`);
  if (!Number.isInteger(v) || v < min || v > MAX_MS) throw new RangeError(`${name} must be an integer from ${min} to ${MAX_MS}`);
  return v;
}

function checkBool(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean`);
  return v;
}

function checkRetry(name: string, v: unknown, base: RetryPolicy): RetryPolicy {
  if (v === undefined) return base;
  const o = checkObject(name, v);
  checkKeys(name, o, Object.keys(base));
  const r = { ...base, ...stripUndefined(o) };
  const multiplier = r.multiplier;
  if (typeof multiplier !== 'number') throw new TypeError(`${name}.multiplier must be a number`);
  if (!(multiplier >= 1 && multiplier <= 10)) throw new RangeError(`${name}.multiplier must be from 1 to 10`);
  const policy: RetryPolicy = {
    maxAttempts: checkInt(`${name}.maxAttempts`, r.maxAttempts, 1),
    initialBackoffMs: checkInt(`${name}.initialBackoffMs`, r.initialBackoffMs, 1),
    maxBackoffMs: checkInt(`${name}.maxBackoffMs`, r.maxBackoffMs, 1),
    multiplier,
  };
  if (policy.maxBackoffMs < policy.initialBackoffMs) throw new RangeError(`${name}.maxBackoffMs must be at least ${name}.initialBackoffMs`);
  return Object.freeze(policy);
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Writer settings: the client's, overridden by those given to outcomeWriter() / eventWriter(). */
export function resolveWriter(name: string, v: unknown, base: WriterOptions): WriterOptions {
  if (v === undefined) return base;
  const o = checkObject(name, v);
  checkKeys(name, o, Object.keys(base));
  const w = { ...base, ...stripUndefined(o) };
  const out: WriterOptions = {
    batchSize: checkInt(`${name}.batchSize`, w.batchSize, 1),
    maxBuffered: checkInt(`${name}.maxBuffered`, w.maxBuffered, 1),
    flushIntervalMs: checkInt(`${name}.flushIntervalMs`, w.flushIntervalMs, 0),
    deadlineMs: checkInt(`${name}.deadlineMs`, w.deadlineMs, 1),
    retry: checkRetry(`${name}.retry`, o['retry'], base.retry),
  };
  // A batch larger than the buffer could never fill, so a writer would only send on its timer.
  if (out.batchSize > out.maxBuffered) throw new RangeError(`${name}.batchSize must not exceed ${name}.maxBuffered`);
  return Object.freeze(out);
}

function pem(name: string, v: unknown): Buffer | null {
  if (v === undefined) return null;
  if (typeof v === 'string') return Buffer.from(v);
  if (Buffer.isBuffer(v)) return v;
  throw new TypeError(`${name} must be a Buffer or a string of PEM text`);
}

function credentialsOf(tls: unknown, creds: unknown): grpc.ChannelCredentials {
  if (creds !== undefined) {
    if (tls !== undefined) throw new RangeError('options.tls and options.credentials cannot both be set');
    if (!(creds instanceof grpc.ChannelCredentials)) throw new TypeError('options.credentials must be grpc.ChannelCredentials');
    return creds;
  }
  if (tls === undefined || tls === false) return grpc.credentials.createInsecure();
  if (tls === true) return grpc.credentials.createSsl();
  const t = checkObject('options.tls', tls);
  checkKeys('options.tls', t, ['rootCerts', 'certChain', 'privateKey']);
  const cert = pem('options.tls.certChain', t['certChain']);
  const key = pem('options.tls.privateKey', t['privateKey']);
  if ((cert === null) !== (key === null)) throw new RangeError('options.tls.certChain and options.tls.privateKey must be set together');
  return grpc.credentials.createSsl(pem('options.tls.rootCerts', t['rootCerts']), key, cert);
}

// The characters the server accepts in a bearer token (src/security/auth.ts).
const TOKEN = /^[\x21-\x7e]+$/;

function checkToken(v: unknown): string | null {
  if (v === undefined) return null;
  if (typeof v !== 'string') throw new TypeError('options.token must be a string');
  if (!TOKEN.test(v)) throw new RangeError('options.token must be non-empty printable ASCII without spaces');
  return v;
}

/** Fills defaults and checks every option; throws TypeError (wrong type) or RangeError (bad value). */
export function resolveClientOptions(input: unknown = {}): ResolvedOptions {
  const o = checkObject('options', input);
  checkKeys('options', o, OPTION_KEYS);
  const address = o['address'] ?? CLIENT_DEFAULTS.address;
  if (typeof address !== 'string') throw new TypeError('options.address must be a string');
  if (address === '') throw new RangeError('options.address must not be empty');
  const channelOptions = o['channelOptions'] === undefined ? {} : checkObject('options.channelOptions', o['channelOptions']);
  const interceptors = o['interceptors'] ?? [];
  if (!Array.isArray(interceptors) || !interceptors.every((i) => typeof i === 'function')) {
    throw new TypeError('options.interceptors must be an array of functions');
  }
  return Object.freeze({
    address,
    deadlineMs: checkInt('options.deadlineMs', o['deadlineMs'] ?? CLIENT_DEFAULTS.deadlineMs, 1),
    retry: checkRetry('options.retry', o['retry'], CLIENT_DEFAULTS.retry),
    retryDecide: checkBool('options.retryDecide', o['retryDecide'] ?? CLIENT_DEFAULTS.retryDecide),
    retryEvents: checkBool('options.retryEvents', o['retryEvents'] ?? CLIENT_DEFAULTS.retryEvents),
    writer: resolveWriter('options.writer', o['writer'], CLIENT_DEFAULTS.writer),
    token: checkToken(o['token']),
    credentials: credentialsOf(o['tls'], o['credentials']),
    channelOptions: { ...CLIENT_DEFAULTS.channelOptions, ...(channelOptions as grpc.ChannelOptions) },
    interceptors: interceptors as grpc.Interceptor[],
  });
}

/** Per-call settings. */
export interface CallOptions {
  /** This call's deadline per attempt, instead of the client's deadlineMs. */
  deadlineMs?: number;
  /** Sent as x-request-id: the server logs it, so a caller can find its call in the server log. */
  requestId?: string;
  /** Overrides the client's rule for this call (retryDecide, retryEvents; outcomes retry by default). */
  retry?: boolean;
}

export interface ResolvedCall {
  readonly deadlineMs: number;
  readonly requestId: string | null;
  readonly retry: boolean | null;
}

export function resolveCallOptions(v: unknown, base: ResolvedOptions): ResolvedCall {
  if (v === undefined) return { deadlineMs: base.deadlineMs, requestId: null, retry: null };
  const o = checkObject('callOptions', v);
  checkKeys('callOptions', o, ['deadlineMs', 'requestId', 'retry']);
  const requestId = o['requestId'];
  if (requestId !== undefined && typeof requestId !== 'string') throw new TypeError('callOptions.requestId must be a string');
  return {
    deadlineMs: o['deadlineMs'] === undefined ? base.deadlineMs : checkInt('callOptions.deadlineMs', o['deadlineMs'], 1),
    requestId: requestId ?? null,
    retry: o['retry'] === undefined ? null : checkBool('callOptions.retry', o['retry']),
  };
}
