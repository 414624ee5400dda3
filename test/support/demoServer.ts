import { createServer, type Server } from '../../src/server.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { createDemoHandler, type DemoOptions } from '../../src/demo/testHandler.js';
import type { HandlerClass } from '../../src/actors/session.js';
import type { ServerOptions } from '../../src/server.js';

export interface RunningServer {
  server: Server;
  port: number;
  /** Log lines the server wrote, for assertions. */
  log: string[];
  stop(): Promise<void>;
}

/** A logger that keeps lines for the test to read (and prints nothing). */
export function recordingLogger(lines: string[]): Logger {
  const keep = (level: string) => (message: string, error?: unknown) => {
    lines.push(`${level} ${message}${error instanceof Error ? `\n${error.stack}` : error === undefined ? '' : ` ${String(error)}`}`);
  };
  return { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

/** Starts `handler` (the demo's by default) on 127.0.0.1, a free port. */
export async function startServer(
  handler: HandlerClass = createDemoHandler(),
  options: ServerOptions = {},
): Promise<RunningServer> {
  const log: string[] = [];
  const server = createServer(handler, { logger: recordingLogger(log), ...options });
  const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });
  return { server, port, log, stop: () => server.close({ timeoutMs: 2000 }) };
}

export function startDemo(options: DemoOptions = {}, serverOptions: ServerOptions = {}): Promise<RunningServer> {
  return startServer(createDemoHandler(options), serverOptions);
}

export { silentLogger };
