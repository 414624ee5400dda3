import { neutralize } from './text/sanitize.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the server writes its log; any object with these four methods will do (console, pino, ...). */
export interface Logger {
  debug(message: string, error?: unknown): void;
  info(message: string, error?: unknown): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * Lines on stderr, `debug` only when TELNETSRV_DEBUG is set. Errors carry their stack, indented, so
 * no line of it can pass for a log line of its own; control characters in either are shown, not sent.
 */
export function createStderrLogger(minimum: LogLevel = process.env.TELNETSRV_DEBUG ? 'debug' : 'info'): Logger {
  const line = (level: LogLevel) => (message: string, error?: unknown) => {
    if (ORDER[level] < ORDER[minimum]) return;
    const detail = error === undefined ? '' : `\n    ${neutralize(error instanceof Error ? (error.stack ?? error.message) : String(error), { lineBreaks: true }).replace(/\n/g, '\n    ')}`;
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${neutralize(message)}${detail}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/**
 * `logger` behind the sanitising boundary: every message reaches it on one line with its control
 * characters shown (`^[`, `\x9b`), whatever a client put in it. The error object is passed as it is,
 * for structured loggers to serialise (the stderr logger above neutralises its text itself).
 */
export function sanitizingLogger(logger: Logger): Logger {
  if (SANITIZED.has(logger)) return logger;
  const safe = {} as Logger;
  for (const level of LEVELS) safe[level] = (message, error) => logger[level](neutralize(message), error);
  SANITIZED.add(safe);
  return safe;
}

const SANITIZED = new WeakSet<Logger>();

/** A logger that keeps nothing (tests, embedding). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
