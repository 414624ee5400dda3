// Starts test/hostile/targetServer.ts in a process of its own and asks it questions over IPC.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface TargetStats {
  rss: number;
  heap: number;
  sessions: number;
  crashes: number;
  cpuMicros: number;
  /** The longest the server's event loop was held since the previous `stats()` (ms). */
  loopDelayMaxMs: number;
}

export interface TargetOptions {
  /** createServer options (JSON-able). */
  server?: Record<string, unknown>;
  /** RLIMIT_NOFILE of the server process (`ulimit -n`). */
  nofile?: number;
  /** Another src/ to run (the code before a change). */
  src?: string;
}

export class Target {
  readonly #child: ChildProcess;
  port = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  static async start(options: TargetOptions = {}): Promise<Target> {
    const script = fileURLToPath(new URL('./targetServer.ts', import.meta.url));
    const node = [process.execPath, '--import', 'tsx', '--expose-gc', script];
    const env = { ...process.env, HOSTILE_OPTIONS: JSON.stringify(options.server ?? {}), ...(options.src ? { HOSTILE_SRC: options.src } : {}) };
    // `ulimit -n` then exec: the IPC channel's fd survives the exec.
    const child = options.nofile
      ? spawn('sh', ['-c', `ulimit -n ${options.nofile} && exec "$@"`, 'sh', ...node], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      : spawn(node[0]!, node.slice(1), { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const target = new Target(child);
    target.port = ((await target.#reply((m) => 'port' in m, 20_000)) as { port: number }).port;
    return target;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  stats(): Promise<TargetStats> {
    this.#child.send('stats');
    return this.#reply((m) => 'rss' in m) as Promise<TargetStats>;
  }

  async log(): Promise<string[]> {
    this.#child.send('log');
    return ((await this.#reply((m) => 'log' in m)) as { log: string[] }).log;
  }

  /** RSS now, read from /proc without asking the (maybe busy) process. */
  rss(): number {
    return readRss(this.pid);
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.send('stop');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  #reply(match: (message: object) => boolean, timeoutMs = 30_000): Promise<object> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#child.off('message', listener);
        reject(new Error('the server process did not answer'));
      }, timeoutMs);
      const listener = (message: object) => {
        if (!match(message)) return;
        clearTimeout(timer);
        this.#child.off('message', listener);
        resolve(message);
      };
      this.#child.on('message', listener);
      this.#child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error('the server process exited'));
      });
    });
  }
}

/** Resident set size of a process in bytes (Linux /proc). */
export function readRss(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every `everyMs` while an attack runs: before, peak, after. */
export class RssSampler {
  readonly before: number;
  peak: number;
  readonly #timer: NodeJS.Timeout;

  constructor(readonly pid: number, everyMs = 25) {
    this.before = readRss(pid);
    this.peak = this.before;
    this.#timer = setInterval(() => {
      this.peak = Math.max(this.peak, readRss(pid));
    }, everyMs);
  }

  stop(): { before: number; peak: number; after: number } {
    clearInterval(this.#timer);
    const after = readRss(this.pid);
    this.peak = Math.max(this.peak, after);
    return { before: this.before, peak: this.peak, after };
  }
}
