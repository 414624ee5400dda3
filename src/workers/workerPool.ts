import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Tinypool } from 'tinypool';
import type { Logger } from '../logger.js';
import { RateLimitedLog } from '../actors/rateLimitedLog.js';
import { TASK_RUNNER_URL, type WorkerCall } from './taskRunner.js';
import type { WorkerArgs, WorkerFunctionName, WorkerModule, WorkerResult } from './workerModule.js';

export interface WorkerPoolOptions {
  /** Worker threads at most (default: the cores available minus one, at least one). */
  threads: number;
  /** Tasks waiting for a thread beyond those running, after which `run` refuses with `WorkerPoolBusy`. */
  maxQueue: number;
  /** An idle thread exits after this long (ms); the next task starts one again. */
  idleTimeoutMs: number;
  /**
   * Niceness of the threads, 0 to 19 (Linux; ignored elsewhere): above 0, CPU work yields to the main
   * thread, whose event loop serves every session, when both want the same core.
   */
  nice: number;
}

export function defaultWorkerPoolOptions(): WorkerPoolOptions {
  return { threads: Math.max(1, availableParallelism() - 1), maxQueue: 64, idleTimeoutMs: 30_000, nice: 10 };
}

/** What a server tells of its pool (`server.workerPool`). */
export interface WorkerPoolStats {
  /** Tasks started and not yet settled, waiting ones included. */
  readonly running: number;
  /** Worker threads alive now (none until the first task: the pool is made on first use). */
  readonly threads: number;
  readonly options: Readonly<WorkerPoolOptions>;
}

/** The pool's threads and queue are all taken: said to the user as `Error: <message>`. */
export class WorkerPoolBusy extends Error {
  constructor(limit: number) {
    super(`the worker pool is busy (${limit} tasks running or waiting); try again later`);
    this.name = 'WorkerPoolBusy';
  }
}

/** Under tsx, a `.ts` module needs tsx's loader registered in the worker (Node 20 workers do not inherit it). */
function tsxFor(url: string): string | null {
  if (!url.endsWith('.ts')) return null;
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return null;
  }
}

/**
 * Worker threads for CPU-heavy commands, on tinypool. Made on first use (no threads before), bounded
 * (threads and queue), and each task can be aborted: the thread running it is terminated and replaced
 * only when needed. Where no worker can start (no module file: a CommonJS bundle such as the single
 * executable) the function runs inline, with one warning in the log.
 */
export class WorkerPool implements WorkerPoolStats {
  readonly options: Readonly<WorkerPoolOptions>;
  readonly #logger: Logger;
  /** A full pool refuses at the rate a client can repeat a command: one line a second, the rest counted. */
  readonly #refusals: RateLimitedLog<'busy'>;
  #pool: Tinypool | null = null;
  #running = 0;
  #closed = false;
  #warnedInline = false;
  /** Whether each worker module's file is there (a bundle copied without its worker files runs them inline). */
  readonly #fileFound = new Map<string, boolean>();

  constructor(options: Partial<WorkerPoolOptions>, logger: Logger) {
    const defaults = defaultWorkerPoolOptions();
    this.options = {
      threads: Math.max(1, Math.floor(options.threads ?? defaults.threads)),
      maxQueue: Math.max(0, Math.floor(options.maxQueue ?? defaults.maxQueue)),
      idleTimeoutMs: options.idleTimeoutMs ?? defaults.idleTimeoutMs,
      nice: Math.min(19, Math.max(0, Math.floor(options.nice ?? defaults.nice))),
    };
    this.#logger = logger;
    this.#refusals = new RateLimitedLog((line) => logger.warn(line));
  }

  get running(): number {
    return this.#running;
  }

  get threads(): number {
    return this.#pool?.threads.length ?? 0;
  }

  /** Runs export `name` of `module` with `args` in a worker; rejects with `signal.reason` once aborted. */
  async run<M, K extends WorkerFunctionName<M>>(
    module: WorkerModule<M>,
    name: K,
    args: WorkerArgs<M, K>,
    signal: AbortSignal,
  ): Promise<WorkerResult<M, K>> {
    if (this.#closed) throw new Error('the server is shutting down');
    signal.throwIfAborted();
    const limit = this.options.threads + this.options.maxQueue;
    if (this.#running >= limit) {
      this.#refusals.note('busy', `worker pool busy: a task refused (${limit} running or waiting)`);
      throw new WorkerPoolBusy(limit);
    }
    this.#running++;
    try {
      if (!this.#hasFile(module.filename)) return await this.#runInline(module, name, args);
      const call: WorkerCall = { url: module.filename, name, args, tsx: tsxFor(module.filename), nice: this.options.nice };
      const result: unknown = await this.#tinypool().run(call, { signal });
      return result as WorkerResult<M, K>;
    } catch (err) {
      // Tinypool rejects an aborted task with its own AbortError: the caller's reason says why.
      if (signal.aborted) throw signal.reason;
      throw err;
    } finally {
      this.#running--;
    }
  }

  /** Ends every thread; tasks still running or waiting are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = null;
    await pool?.destroy();
  }

  #hasFile(filename: string | null): filename is string {
    if (filename === null) return false;
    let found = this.#fileFound.get(filename);
    if (found === undefined) {
      found = !filename.startsWith('file:') || existsSync(fileURLToPath(filename));
      this.#fileFound.set(filename, found);
    }
    return found;
  }

  #tinypool(): Tinypool {
    this.#pool ??= new Tinypool({
      filename: TASK_RUNNER_URL,
      minThreads: 0,
      maxThreads: this.options.threads,
      // Admission is ours (above), so the count the user is told is exact; tinypool never refuses.
      maxQueue: Infinity,
      idleTimeout: this.options.idleTimeoutMs,
    });
    return this.#pool;
  }

  async #runInline<M, K extends WorkerFunctionName<M>>(module: WorkerModule<M>, name: K, args: WorkerArgs<M, K>): Promise<WorkerResult<M, K>> {
    if (!this.#warnedInline) {
      this.#warnedInline = true;
      const where = module.filename === null ? 'no module file (a CommonJS bundle, as in the single executable)' : `${module.filename} not found`;
      this.#logger.warn(`worker tasks run inline, holding every session while they run: ${where}`);
    }
    const loaded = await module.load();
    const task: unknown = loaded[name];
    if (typeof task !== 'function') throw new TypeError(`the worker module has no function named ${name}`);
    return (await task(...args)) as WorkerResult<M, K>;
  }
}
