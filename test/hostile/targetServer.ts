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
  readonly connectionCounts: { total: number };
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
// The most CPU time the process spent between two ticks of a 1 ms timer (what one turn of the loop
// held it for), since the last 'stats': unlike wall time, a loaded machine taking the CPU away
// between ticks does not count. Ticks only after 'watch', so an idle target stays idle.
let loopCpuMaxMs = 0;
let lastCpu = 0;
let watching: NodeJS.Timeout | null = null;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const tick = () => {
  const now = cpuMs();
  loopCpuMaxMs = Math.max(loopCpuMaxMs, now - lastCpu);
  lastCpu = now;
};

const options = JSON.parse(process.env.HOSTILE_OPTIONS ?? '{}') as object;
const server = createServer(createDemoHandler(), { logger, ...options });
const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });
process.send!({ port });
process.on('message', (message: unknown) => {
  if (message === 'stats') {
    const cpu = process.cpuUsage();
    (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    process.send!({ rss: memory.rss, heap: memory.heapUsed, sessions: server.sessions.length, connections: server.connectionCounts.total, crashes: crashes(), cpuMicros: cpu.user + cpu.system, loopDelayMaxMs: loopDelay.max / 1e6, loopCpuMaxMs });
    loopDelay.reset();
    // The GC and the count above are the question's cost, not the server's.
    loopCpuMaxMs = 0;
    lastCpu = cpuMs();
  } else if (message === 'watch') {
    lastCpu = cpuMs();
    loopCpuMaxMs = 0;
    watching ??= setInterval(tick, 1);
  } else if (message === 'log') {
    process.send!({ log: log.splice(0) });
  } else if (message === 'stop') {
    if (watching) clearInterval(watching);
    void server.close({ timeoutMs: 1000 }).then(() => process.exit(0));
  }
});
