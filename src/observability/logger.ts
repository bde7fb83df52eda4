import pino from 'pino';
import type { LogLevel } from '../config';

/**
 * Paths redacted in any log object, as a second line of defence: the server never logs request bodies,
 * but an error object or a future log line must not carry customer features or context values either.
 */
export const REDACTED_PATHS = [
  'context',
  '*.context',
  'features',
  '*.features',
  'request',
  '*.request',
  'authorization',
  '*.authorization',
  'metadata',
  '*.metadata',
];

/** The service's pino logger (JSON lines on stdout unless `destination` is given). */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): pino.Logger {
  const opts: pino.LoggerOptions = { name: 'nudge', level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination === undefined ? pino(opts) : pino(opts, destination);
}
