import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Tinypool } from 'tinypool';
import type { Logger } from '../logger.js';
import { RateLimitedLog } from '../actors/rateLimitedLog.js';
import { FairQueue, type JobOwner } from './fairQueue.js';
import { TASK_RUNNER_URL, type WorkerCall } from './taskRunner.js';
import type { WorkerArgs, WorkerFunctionName, WorkerModule, WorkerResult } from './workerModule.js';

export interface WorkerPoolOptions {
  /** Worker threads at most (default: the cores available minus one, at least one). */
  threads: number;
  /** Tasks waiting for a thread beyond those running, after which `run` refuses with `WorkerPoolBusy`. */
  maxQueue: number;
  /** Tasks one session may have waiting (within `maxQueue`); the next one of that session is refused. */
  maxQueuePerSession: number;
  /**
   * Threads one session may hold at once (default: all but one, at least one): with two threads or more,
   * one session's long tasks leave a thread to the others' short ones.
   */
  threadsPerSession: number;
  /**
   * Threads started beyond `threads`, one at a time, while tasks wait and every thread has been held by
   * one task for `STARVED_MS`: long tasks cannot be stopped, so a short one gets a thread of its own and
   * the kernel shares the cores. Each goes when its task ends.
   */
  extraThreads: number;
  /** An idle thread exits after this long (ms); the next task starts one again. */
  idleTimeoutMs: number;
  /**
   * Niceness of the threads, 0 to 19 (Linux; ignored elsewhere): above 0, CPU work yields to the main
   * thread, whose event loop serves every session, when both want the same core.
   */
  nice: number;
}

export function defaultWorkerPoolOptions(): WorkerPoolOptions {
  const threads = Math.max(1, availableParallelism() - 1);
  return { threads, maxQueue: 64, maxQueuePerSession: 8, threadsPerSession: Math.max(1, threads - 1), extraThreads: 2, idleTimeoutMs: 30_000, nice: 10 };
}

/** What a server tells of its pool (`server.workerPool`). */
export interface WorkerPoolStats {
  /** Tasks started and not yet settled, waiting ones included. */
  readonly running: number;
  /** Of those, the ones waiting for a thread. */
  readonly waiting: number;
  /** Worker threads alive now (none until the first task: the pool is made on first use). */
  readonly threads: number;
  readonly options: Readonly<WorkerPoolOptions>;
}

/**
 * The pool's queue is full (`scope` 'pool': `count` tasks running or waiting), or this session already
 * has `count` tasks waiting (`scope` 'session'): said to the user as `Error: <message>`.
 */
export class WorkerPoolBusy extends Error {
  constructor(count: number, scope: 'pool' | 'session' = 'pool') {
    super(
      scope === 'pool'
        ? `the worker pool is busy (${count} tasks running or waiting); try again later`
        : `this session already has ${count} tasks waiting for the worker pool; try again when they are done`,
    );
    this.name = 'WorkerPoolBusy';
  }
}

/** A task waiting for its turn: started when a thread is free and its session is next, or failed at close. */
interface WaitingTask {
  readonly start: () => void;
  readonly fail: (reason: Error) => void;
}

/** How long every thread must have held one task, with tasks waiting, before an extra thread starts (ms). */
export const STARVED_MS = 500;

/** The owner of tasks run without a session (the pool used directly): they take their turns as one. */
const NO_SESSION: JobOwner = Object.freeze({});

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
 * (threads and queue, in all and per session), and each task can be aborted: the thread running it is
 * terminated and replaced only when needed, a waiting one just leaves the queue. The queue is ours, not
 * tinypool's FIFO: tasks are handed over only when a thread is free, taken round-robin by session.
 * Where no worker can start (no module file: a CommonJS bundle such as the single executable) the
 * function runs inline, with one warning in the log.
 */
export class WorkerPool implements WorkerPoolStats {
  readonly options: Readonly<WorkerPoolOptions>;
  readonly #logger: Logger;
  /** A full pool refuses at the rate a client can repeat a command: one line a second, the rest counted. */
  readonly #refusals: RateLimitedLog<'busy' | 'sessionBusy'>;
  readonly #queue: FairQueue<WaitingTask>;
  #pool: Tinypool | null = null;
  /** Tasks that may run at once now: `threads`, plus the extra threads started while all were held long. */
  #capacity: number;
  /** When each running task was handed to a thread (performance.now()). */
  readonly #startedAt = new Set<{ readonly at: number }>();
  /** Looks for starved waiting tasks while any wait; unref'd, cleared when none do. */
  #starvationTimer: NodeJS.Timeout | null = null;
  #closed = false;
  #warnedInline = false;
  /** Whether each worker module's file is there (a bundle copied without its worker files runs them inline). */
  readonly #fileFound = new Map<string, boolean>();

  constructor(options: Partial<WorkerPoolOptions>, logger: Logger) {
    const defaults = defaultWorkerPoolOptions();
    this.options = {
      threads: Math.max(1, Math.floor(options.threads ?? defaults.threads)),
      maxQueue: Math.max(0, Math.floor(options.maxQueue ?? defaults.maxQueue)),
      maxQueuePerSession: Math.max(0, Math.floor(options.maxQueuePerSession ?? defaults.maxQueuePerSession)),
      // The default follows the thread count given, not the cores (all but one of them, at least one).
      threadsPerSession: Math.max(1, Math.floor(options.threadsPerSession ?? (options.threads === undefined ? defaults.threadsPerSession : options.threads - 1))),
      extraThreads: Math.max(0, Math.floor(options.extraThreads ?? defaults.extraThreads)),
      idleTimeoutMs: options.idleTimeoutMs ?? defaults.idleTimeoutMs,
      nice: Math.min(19, Math.max(0, Math.floor(options.nice ?? defaults.nice))),
    };
    this.#logger = logger;
    this.#refusals = new RateLimitedLog((line) => logger.warn(line));
    this.#queue = new FairQueue({ runningPerOwner: this.options.threadsPerSession });
    this.#capacity = this.options.threads;
  }

  get running(): number {
    return this.#queue.running + this.#queue.waiting;
  }

  get waiting(): number {
    return this.#queue.waiting;
  }

  get threads(): number {
    return this.#pool?.threads.length ?? 0;
  }

  /**
   * Runs export `name` of `module` with `args` in a worker, in `session`'s turn; rejects with
   * `signal.reason` once aborted (waiting or running).
   */
  async run<M, K extends WorkerFunctionName<M>>(
    module: WorkerModule<M>,
    name: K,
    args: WorkerArgs<M, K>,
    signal: AbortSignal,
    session: JobOwner = NO_SESSION,
  ): Promise<WorkerResult<M, K>> {
    if (this.#closed) throw new Error('the server is shutting down');
    signal.throwIfAborted();
    // Started at once, the task reaches tinypool in this same turn (so a close() right after ends it).
    const waiting = this.#turn(session, signal);
    if (waiting) await waiting;
    const started = { at: performance.now() };
    this.#startedAt.add(started);
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
      this.#startedAt.delete(started);
      this.#queue.finished(session);
      // An extra thread goes with its task: the next waiting task takes it only if still starved.
      this.#capacity = Math.max(this.options.threads, this.#queue.running);
      this.#startWaiting();
    }
  }

  /** Returns once `session` holds a thread: at once if one is free and its turn, else queued (bounded). */
  #turn(session: JobOwner, signal: AbortSignal): Promise<void> | undefined {
    if (this.#queue.running < this.#capacity && this.#queue.mayStartNow(session)) {
      this.#queue.startNow(session);
      return undefined;
    }
    if (this.#queue.waiting >= this.options.maxQueue) {
      const count = this.running;
      this.#refusals.note('busy', `worker pool busy: a task refused (${count} running or waiting)`);
      throw new WorkerPoolBusy(count);
    }
    if (this.#queue.waitingOf(session) >= this.options.maxQueuePerSession) {
      const limit = this.options.maxQueuePerSession;
      this.#refusals.note('sessionBusy', `worker pool: a session's task refused (${limit} of its tasks already waiting, maxQueuePerSession)`);
      throw new WorkerPoolBusy(limit, 'session');
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.#queue.remove(session, task)) reject(signal.reason);
      };
      const task: WaitingTask = {
        start: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: (reason) => {
          signal.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#queue.add(session, task);
      this.#watchStarvation();
    });
  }

  /** A thread is free: the next session in turn starts its oldest waiting task. */
  #startWaiting(): void {
    while (!this.#closed && this.#queue.running < this.#capacity) {
      const task = this.#queue.next();
      if (task === null) break;
      task.start();
    }
    if (this.#queue.waiting === 0) this.#stopWatching();
  }

  #watchStarvation(): void {
    if (this.#starvationTimer !== null || this.options.extraThreads === 0) return;
    this.#starvationTimer = setInterval(() => this.#relieveStarvation(), STARVED_MS / 4);
    this.#starvationTimer.unref();
  }

  #stopWatching(): void {
    if (this.#starvationTimer === null) return;
    clearInterval(this.#starvationTimer);
    this.#starvationTimer = null;
  }

  /** Every thread held by one task for STARVED_MS and tasks waiting: one more thread, up to the extra allowed. */
  #relieveStarvation(): void {
    if (this.#closed || this.#queue.waiting === 0) return this.#stopWatching();
    if (this.#capacity >= this.options.threads + this.options.extraThreads || this.#queue.running < this.#capacity) return;
    const youngest = Math.max(...[...this.#startedAt].map((task) => task.at));
    if (performance.now() - youngest < STARVED_MS) return;
    this.#capacity++;
    this.#startWaiting();
  }

  /** Ends every thread; tasks still running or waiting are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopWatching();
    for (const task of this.#queue.takeAll()) task.fail(new Error('the server is shutting down'));
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
    if (this.#closed) throw new Error('the server is shutting down');
    this.#pool ??= new Tinypool({
      filename: TASK_RUNNER_URL,
      minThreads: 0,
      maxThreads: this.options.threads + this.options.extraThreads,
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
