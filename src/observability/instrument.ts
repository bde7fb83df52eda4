import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { toServiceError } from '../errors';
import type { CallAuth } from '../security/auth';
import type { ServerMetrics } from './metrics';

/** The logger methods calls are logged with (pino's Logger has them). */
export interface CallLogger {
  debug?(obj: object, msg?: string): void;
  /** pino's level check: lets a call skip building a log line nobody will write. */
  isLevelEnabled?(level: string): boolean;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface InstrumentOptions {
  /** "nudge.v1.DecisionService" */
  readonly service: string;
  readonly metrics: ServerMetrics | null;
  readonly logger: CallLogger;
  /** Token check run before the handler (null: none). */
  readonly auth: CallAuth | null;
}

/** Request ids from clients are kept only when short and plain; anything else gets a fresh one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const REQUEST_ID_KEY = 'x-request-id';

/** The client's request id when it sent a usable one, else null. */
export function clientRequestId(metadata: grpc.Metadata): string | null {
  const v = metadata.get(REQUEST_ID_KEY);
  return v.length === 1 && typeof v[0] === 'string' && REQUEST_ID.test(v[0]) ? v[0] : null;
}

/** Trailers carrying the request id of a failed call, so that its caller can quote it. */
function withRequestId(err: grpc.ServiceError | Partial<grpc.StatusObject>, id: string): Partial<grpc.StatusObject> {
  const metadata = err.metadata instanceof grpc.Metadata ? err.metadata.clone() : new grpc.Metadata();
  metadata.set(REQUEST_ID_KEY, id);
  // grpc-js answers an Error's message when it has no details; a copy must keep that.
  const details = err.details ?? (err instanceof Error ? err.message : undefined);
  return { code: err.code ?? grpc.status.UNKNOWN, ...(details !== undefined ? { details } : {}), metadata };
}

/** Statuses that mean "the client asked for something we refused", logged at debug, not warn. */
const CLIENT_SIDE = new Set<number>([
  grpc.status.INVALID_ARGUMENT,
  grpc.status.NOT_FOUND,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.UNAUTHENTICATED,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.CANCELLED,
]);

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerReadableStream<unknown, unknown>;
type AnyCallback = grpc.sendUnaryData<unknown>;
type Handler = (call: AnyCall, callback: AnyCallback) => void;

function errorCodeOf(details: string | undefined): string | null {
  const m = /^(NUDGE_[A-Z_]+):/.exec(details ?? '');
  return m === null ? null : m[1]!;
}

/**
 * Wraps every unary and client-streaming handler of a service at registration time: token check,
 * request id (the client's x-request-id, echoed in the response headers; a fresh one for a call that is
 * logged or fails, sent in a failure's trailers), one metric
 * sample and one log line per call. Log lines carry ids, method, status and duration only: request
 * bodies (customer ids, context and feature values) are never logged.
 */
export function instrumentService(
  definition: grpc.ServiceDefinition,
  impl: grpc.UntypedServiceImplementation,
  opts: InstrumentOptions,
): grpc.UntypedServiceImplementation {
  const out: grpc.UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(impl)) {
    const def = definition[method];
    if (def === undefined || def.responseStream) {
      out[method] = handler;
      continue;
    }
    out[method] = wrap(method, handler as Handler, opts);
  }
  return out;
}

function wrap(method: string, handler: Handler, opts: InstrumentOptions): Handler {
  const { metrics, logger, auth } = opts;
  const fullMethod = `${opts.service}/${method}`;
  return (call, callback) => {
    const started = process.hrtime.bigint();
    // A fresh id is made only for a call that is logged or fails: an answered call is found by its
    // decision id, and sending a fresh id in every response's headers cost each call a Metadata, a
    // UUID and an HPACK entry that never repeats.
    const sent = clientRequestId(call.metadata);
    let id: string | null = sent;
    const idOf = (): string => (id ??= randomUUID());
    let answered = false;
    const done: AnyCallback = (err, value, trailer, flags) => {
      if (answered) return;
      answered = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const code = err == null ? grpc.status.OK : (err.code ?? grpc.status.UNKNOWN);
      const errorCode = err == null ? null : errorCodeOf(err.details);
      metrics?.observe(method, code, errorCode, seconds);
      const answer = err == null ? err : withRequestId(err, idOf());
      const quiet = err == null || CLIENT_SIDE.has(code);
      if (quiet && (logger.debug === undefined || logger.isLevelEnabled?.('debug') === false)) {
        callback(answer, value, trailer, flags);
        return;
      }
      const decisionId = err == null ? (value as { decisionId?: unknown } | null)?.decisionId : undefined;
      const line = {
        requestId: idOf(),
        method: fullMethod,
        code: grpc.status[code] ?? code,
        ms: Math.round(seconds * 1e6) / 1e3,
        ...(typeof decisionId === 'string' ? { decisionId } : {}),
        ...(err == null ? {} : { error: errorCode, details: err.details }),
      };
      if (quiet) logger.debug?.(line, 'call');
      else if (code === grpc.status.INTERNAL || code === grpc.status.UNKNOWN) logger.error(line, 'call failed');
      else logger.warn(line, 'call failed');
      callback(answer, value, trailer, flags);
    };
    if (sent !== null) {
      try {
        const headers = new grpc.Metadata();
        headers.set(REQUEST_ID_KEY, sent);
        call.sendMetadata(headers);
      } catch {
        // The call was cancelled before we could answer; `done` will still record it.
      }
    }
    if (auth !== null) {
      const denied = auth(call.metadata);
      if (denied !== null) {
        done(toServiceError(denied));
        return;
      }
    }
    try {
      handler(call, done);
    } catch (err) {
      done(toServiceError(err));
    }
  };
}
