import { performance } from 'node:perf_hooks';
import { currentTurn, processBudgetSpent, chargeProcessWork, PROCESS_INPUT_MS_PER_TURN } from './inputPacer.js';

/**
 * Session start-up or teardown done per turn of the event loop, at most (ms); at least one a turn.
 * As much as the process's input budget, which it counts against and stops at: on its own it may take
 * the whole of it. Measured: 2 ms made a drop of 5,000 connections take three times as long to tear
 * down on a loaded machine, while what one turn holds the loop for is mostly Node's own work on the
 * closing sockets (about 0.1 ms each, up to 1,024 in a turn), not these few milliseconds.
 */
export const SESSION_WORK_MS_PER_TURN = PROCESS_INPUT_MS_PER_TURN;

/**
 * Connections accepted and waiting to start their session, at most. Each start costs about a
 * millisecond: the last of a full queue gets its prompt a few seconds after it connected. Past it a
 * new connection is refused with a line, as past the admission limits (which count the waiting ones).
 */
export const MAX_WAITING_STARTS = 4096;

/** A job waiting in a `TurnQueue`; `cancel` it when its reason to run has gone (the socket closed). */
export interface Waiting {
  readonly key: string;
  readonly run: () => void;
}

/**
 * Work that many connections can ask for at once (starting a session, tearing one down), done a few
 * jobs per turn of the event loop as the outbox slices delivery: at most `msPerTurn` of it a turn
 * (always one, so it moves on), and not past the process-wide input budget, which it counts against.
 * A thousand connections opened or dropped at once thus cost every other session a few milliseconds
 * a turn, not a second. Jobs are taken round-robin by key (the client's address), in order within a
 * key: one address's burst waits behind itself, not in front of everyone else.
 * When nothing waits and the turn's budget has room, a job runs at once.
 */
export class TurnQueue {
  readonly #byKey = new Map<string, Set<Waiting>>();
  readonly #limit: number;
  readonly #msPerTurn: number;
  readonly #failed: (err: unknown) => void;
  #size = 0;
  #scheduled = false;
  #turn = -1;
  #ranThisTurn = 0;
  #msThisTurn = 0;

  constructor({ limit = Infinity, msPerTurn = SESSION_WORK_MS_PER_TURN, failed = rethrowLater }: { limit?: number; msPerTurn?: number; failed?: (err: unknown) => void } = {}) {
    this.#limit = limit;
    this.#msPerTurn = msPerTurn;
    this.#failed = failed;
  }

  /** Jobs waiting. */
  get size(): number {
    return this.#size;
  }

  /** True when `add` would refuse. */
  get full(): boolean {
    return this.#size >= this.#limit;
  }

  /**
   * Runs `run` now when nothing waits and this turn has room, else queues it behind `key`'s earlier
   * jobs. Returns what to `cancel` (null when it ran already), or false when the queue is full (not run).
   */
  add(key: string, run: () => void): Waiting | null | false {
    if (this.runNow(run)) return null;
    if (this.#size >= this.#limit) return false;
    const waiting: Waiting = { key, run };
    let jobs = this.#byKey.get(key);
    if (jobs === undefined) {
      jobs = new Set();
      this.#byKey.set(key, jobs);
    }
    jobs.add(waiting);
    this.#size++;
    this.#schedule();
    return waiting;
  }

  /** Runs `run` now, counted in this turn, when nothing waits and the turn has room; false (not run) else. */
  runNow(run: () => void): boolean {
    if (this.#size > 0 || !this.#room()) return false;
    this.#run(run);
    return true;
  }

  /** Takes a job out that has not run: it will not (false when it had run or was cancelled). */
  cancel(waiting: Waiting): boolean {
    const jobs = this.#byKey.get(waiting.key);
    if (jobs === undefined || !jobs.delete(waiting)) return false;
    if (jobs.size === 0) this.#byKey.delete(waiting.key);
    this.#size--;
    return true;
  }

  #room(): boolean {
    const turn = currentTurn();
    if (turn !== this.#turn) {
      this.#turn = turn;
      this.#ranThisTurn = 0;
      this.#msThisTurn = 0;
    }
    return this.#ranThisTurn === 0 || (this.#msThisTurn < this.#msPerTurn && !processBudgetSpent());
  }

  #run(run: () => void): void {
    const started = performance.now();
    try {
      run();
    } catch (err) {
      this.#failed(err);
    }
    const spent = performance.now() - started;
    this.#ranThisTurn++;
    this.#msThisTurn += spent;
    chargeProcessWork(spent);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(TurnQueue.#drainLater, this);
  }

  static #drainLater(queue: TurnQueue): void {
    queue.#scheduled = false;
    queue.#drain();
  }

  #drain(): void {
    while (this.#size > 0) {
      if (!this.#room()) {
        this.#schedule();
        return;
      }
      // The first key in the round: its oldest job runs, and the key goes to the back of the round.
      const [key, jobs] = this.#byKey.entries().next().value as [string, Set<Waiting>];
      const waiting = jobs.values().next().value as Waiting;
      jobs.delete(waiting);
      this.#byKey.delete(key);
      if (jobs.size > 0) this.#byKey.set(key, jobs);
      this.#size--;
      this.#run(waiting.run);
    }
  }
}

function rethrowLater(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}

/**
 * Sessions whose connection has closed, waiting to be torn down (their actor stopped, `sessionEnd`
 * run, the supervisor's books kept). One queue for the process, in order. What bounds it: a closed
 * connection stays counted against `maxSessions` until its own job here has run (Server.admitSocket),
 * and it has at most one job more per session on it (one, or an SSH connection's channels).
 */
export const sessionTeardowns = new TurnQueue();
