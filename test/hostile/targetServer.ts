// The server the hostile suite attacks: the demo handler in a process of its own, so its RSS, CPU and
// log are its own. HOSTILE_SRC points at another copy of src/ (to measure the code before a change);
// HOSTILE_OPTIONS is JSON for createServer. Answers IPC: 'stats', 'log' (lines since the last ask), 'stop'.
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { countCrashes } from '../support/crashCounter.js';

interface LoggerLike {
  debug(message: string, error?: unknown): void;
  info(message: string, error?: unknown): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}
interface ServerLike {
  listenTelnet(options: { host: string; port: number }): Promise<{ port: number }>;
  readonly sessions: ReadonlyArray<{ username: string | null }>;
  close(options: { timeoutMs: number }): Promise<void>;
}

const src = process.env.HOSTILE_SRC ?? path.join(import.meta.dirname, '../../src');
const { createServer } = (await import(pathToFileURL(path.join(src, 'server.ts')).href)) as {
  createServer(handler: unknown, options: object): ServerLike;
};
const { createDemoHandler } = (await import(pathToFileURL(path.join(src, 'demo/testHandler.ts')).href)) as {
  createDemoHandler(options?: object): unknown;
};

const log: string[] = [];
const crashes = countCrashes(log);
const keep = (level: string) => (message: string, error?: unknown) => {
  if (log.length < 10_000) log.push(`${level} ${message}${error instanceof Error ? ` ${error.message}` : ''}`);
};
const logger: LoggerLike = { debug() {}, info: keep('info'), warn: keep('warn'), error: keep('error') };

// The longest the loop was held, between two 'stats' questions.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const options = JSON.parse(process.env.HOSTILE_OPTIONS ?? '{}') as object;
const server = createServer(createDemoHandler(), { logger, ...options });
const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });
process.send!({ port });
process.on('message', (message: unknown) => {
  if (message === 'stats') {
    const cpu = process.cpuUsage();
    (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    process.send!({ rss: memory.rss, heap: memory.heapUsed, sessions: server.sessions.length, crashes: crashes(), cpuMicros: cpu.user + cpu.system, loopDelayMaxMs: loopDelay.max / 1e6 });
    loopDelay.reset();
  } else if (message === 'log') {
    process.send!({ log: log.splice(0) });
  } else if (message === 'stop') {
    void server.close({ timeoutMs: 1000 }).then(() => process.exit(0));
  }
});
