import { pino, type Logger as PinoLogger, type DestinationStream } from 'pino';

/** The logger every module takes as a parameter; child loggers per area (`logger.child`). */
export type Logger = PinoLogger;

export interface LoggerOptions {
  /** Minimum level; default `info`, or `HOTJAR_FLOW_LOG_LEVEL`. */
  level?: string;
  /** Where lines go; default stderr, so stdout stays for results. */
  destination?: DestinationStream;
}

/** Field names whose values are never written, wherever they appear in a log line. */
const REDACTED_PATHS = [
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'client_secret',
  '*.client_secret',
  'access_token',
  '*.access_token',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
];

/** Structured JSON lines on stderr, secrets redacted by field name. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env['HOTJAR_FLOW_LOG_LEVEL'] ?? 'info';
  const destination = options.destination ?? pino.destination({ fd: 2, sync: false });
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '***' }, base: null }, destination);
}

/** A logger that writes nothing: for tests and library callers that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
