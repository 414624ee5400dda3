export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where the server writes its log; any object with these four methods will do (console, pino, ...). */
export interface Logger {
  debug(message: string, error?: unknown): void;
  info(message: string, error?: unknown): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Lines on stderr, `debug` only when TELNETSRV_DEBUG is set. Errors carry their stack. */
export function createStderrLogger(minimum: LogLevel = process.env.TELNETSRV_DEBUG ? 'debug' : 'info'): Logger {
  const line = (level: LogLevel) => (message: string, error?: unknown) => {
    if (ORDER[level] < ORDER[minimum]) return;
    const detail = error === undefined ? '' : `\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase()} ${message}${detail}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** A logger that keeps nothing (tests, embedding). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
