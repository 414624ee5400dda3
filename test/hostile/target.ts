// Starts a hostile-suite server (test/hostile/targetServer.ts, or another script that answers the same
// IPC questions, such as test/support/hostileServer.ts) in a process of its own and asks it over IPC.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What every server script answers to 'stats'. */
export interface ServerStats {
  rss: number;
  heap: number;
  sessions: number;
  /** Connections the server counts (admitted, waiting to start, or closed and waiting to be torn down). */
  connections?: number;
  crashes: number;
  /** The first sessions still open: id, chart state, age (only some servers say). */
  states?: string[];
}

/** What targetServer.ts answers to 'stats'. */
export interface TargetStats extends ServerStats {
  cpuMicros: number;
  /** The longest the server's event loop was held since the previous `stats()` (ms). */
  loopDelayMaxMs: number;
  /** The most CPU time between two ticks of a 1 ms timer since the previous `stats()`, after `watch()` (ms; 0 before). */
  loopCpuMaxMs: number;
}

export interface TargetOptions {
  /** createServer options (JSON-able). */
  server?: Record<string, unknown>;
  /** RLIMIT_NOFILE of the server process (`ulimit -n`). */
  nofile?: number;
  /** Another src/ to run (the code before a change). */
  src?: string;
  /** The server script to run instead of targetServer.ts (a path). */
  script?: string;
  /** How long the process may take to report its port (ms); a loaded machine needs long. */
  startTimeoutMs?: number;
}

/** `S`: what the script answers to 'stats' (TargetStats for targetServer.ts). */
export class Target<S extends ServerStats = TargetStats> {
  readonly #child: ChildProcess;
  port = 0;
  /** The SSH port, for a script that listens on one (hostileServer.ts), else 0. */
  sshPort = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  static async start<S extends ServerStats = TargetStats>(options: TargetOptions = {}): Promise<Target<S>> {
    const script = options.script ?? fileURLToPath(new URL('./targetServer.ts', import.meta.url));
    const node = [process.execPath, '--import', 'tsx', '--expose-gc', script];
    const env = { ...process.env, HOSTILE_OPTIONS: JSON.stringify(options.server ?? {}), ...(options.src ? { HOSTILE_SRC: options.src } : {}) };
    // `ulimit -n` then exec: the IPC channel's fd survives the exec.
    const child = options.nofile
      ? spawn('sh', ['-c', `ulimit -n ${options.nofile} && exec "$@"`, 'sh', ...node], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      : spawn(node[0]!, node.slice(1), { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const target = new Target<S>(child);
    const started = (await target.#reply((m) => 'port' in m, options.startTimeoutMs ?? 60_000)) as { port: number; sshPort?: number };
    target.port = started.port;
    target.sshPort = started.sshPort ?? 0;
    return target;
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts the server's CPU-per-turn watch (`loopCpuMaxMs`). */
  watch(): void {
    this.#child.send('watch');
  }

  stats(): Promise<S> {
    this.#child.send('stats');
    return this.#reply((m) => 'rss' in m) as Promise<S>;
  }

  async log(): Promise<string[]> {
    this.#child.send('log');
    return ((await this.#reply((m) => 'log' in m)) as { log: string[] }).log;
  }

  /** Disconnects the session of `username` (hostileServer.ts); whether there was one. */
  async kick(username: string): Promise<boolean> {
    this.#child.send({ kick: username });
    return ((await this.#reply((m) => 'kicked' in m)) as { kicked: boolean }).kicked;
  }

  /** RSS now, read from /proc without asking the (maybe busy) process. */
  rss(): number {
    return readRss(this.pid);
  }

  /** Peak resident memory of the process so far, or 0 where /proc is not there. */
  peakRss(): number {
    return readStatusBytes(this.pid, 'VmHWM');
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
      const done = () => {
        clearTimeout(timer);
        this.#child.off('message', listener);
        this.#child.off('exit', exited);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the server process did not answer in ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (message: object) => {
        if (!match(message)) return;
        done();
        resolve(message);
      };
      const exited = () => {
        done();
        reject(new Error('the server process exited'));
      };
      this.#child.on('message', listener);
      this.#child.once('exit', exited);
    });
  }
}

/** Resident set size of a process in bytes (Linux /proc). */
export function readRss(pid: number): number {
  return readStatusBytes(pid, 'VmRSS');
}

/** A kB field of /proc/<pid>/status in bytes, or 0 where there is none. */
function readStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
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
