/** Who a job belongs to: a session (its link object); compared by identity, never kept past its last job. */
export type JobOwner = object;

export interface FairQueueLimits {
  /** Jobs one owner may run at once; its next ones wait even while a thread is free. */
  readonly runningPerOwner: number;
}

interface OwnerState<J> {
  readonly waiting: J[];
  running: number;
}

/**
 * The pool's waiting jobs, taken round-robin by owner: each owner's jobs in the order given, and the
 * next job from the waiting owner served longest ago (never served first, ties in the order they began
 * waiting). So an owner with one job waits behind at most one job of each other owner, not behind a
 * whole queue of one, and an owner whose job just started (even at once, never queued) goes last. Pure bookkeeping (no threads, no timers): the pool asks `next` whenever a
 * thread is free and says `finished` when a job it took ends. Every operation is O(owners waiting).
 */
export class FairQueue<J> {
  readonly #limits: FairQueueLimits;
  /** Owners with jobs waiting or running; emptied owners are dropped, so the map never outgrows the jobs. */
  readonly #owners = new Map<JobOwner, OwnerState<J>>();
  /** Owners with jobs waiting, in the order they began waiting (a Set keeps insertion order). */
  readonly #turns = new Set<JobOwner>();
  /** When each owner last had a job started (a count of starts); weak, so a gone session leaves no entry. */
  readonly #lastServed = new WeakMap<JobOwner, number>();
  #starts = 0;
  #waiting = 0;
  #running = 0;

  constructor(limits: FairQueueLimits) {
    this.#limits = limits;
  }

  /** Jobs waiting, all owners together. */
  get waiting(): number {
    return this.#waiting;
  }

  /** Jobs taken by `next` and not yet `finished`. */
  get running(): number {
    return this.#running;
  }

  waitingOf(owner: JobOwner): number {
    return this.#owners.get(owner)?.waiting.length ?? 0;
  }

  runningOf(owner: JobOwner): number {
    return this.#owners.get(owner)?.running ?? 0;
  }

  /** Whether a job of `owner` may start at once, ahead of no job of its own and within its running limit. */
  mayStartNow(owner: JobOwner): boolean {
    return this.waitingOf(owner) === 0 && this.runningOf(owner) < this.#limits.runningPerOwner;
  }

  /** Counts a job started at once (after `mayStartNow`), without queueing it. */
  startNow(owner: JobOwner): void {
    this.#state(owner).running++;
    this.#running++;
    this.#lastServed.set(owner, ++this.#starts);
  }

  add(owner: JobOwner, job: J): void {
    this.#state(owner).waiting.push(job);
    this.#waiting++;
    this.#turns.add(owner);
  }

  /** Takes a waiting job out (its caller gave up: ^C, the session's end); false if it was not waiting. */
  remove(owner: JobOwner, job: J): boolean {
    const state = this.#owners.get(owner);
    const at = state?.waiting.indexOf(job) ?? -1;
    if (!state || at < 0) return false;
    state.waiting.splice(at, 1);
    this.#waiting--;
    if (state.waiting.length === 0) this.#turns.delete(owner);
    this.#drop(owner, state);
    return true;
  }

  /**
   * The next job to start: the oldest job of the waiting owner served longest ago. An owner at its
   * running limit is passed over, keeping its claim for when one of its jobs ends.
   */
  next(): J | null {
    let chosen: JobOwner | null = null;
    let chosenServed = Infinity;
    for (const owner of this.#turns) {
      if (this.#owners.get(owner)!.running >= this.#limits.runningPerOwner) continue;
      const served = this.#lastServed.get(owner) ?? 0;
      if (served < chosenServed) {
        chosen = owner;
        chosenServed = served;
      }
    }
    if (chosen === null) return null;
    const state = this.#owners.get(chosen)!;
    const job = state.waiting.shift()!;
    this.#waiting--;
    state.running++;
    this.#running++;
    this.#lastServed.set(chosen, ++this.#starts);
    if (state.waiting.length === 0) this.#turns.delete(chosen);
    return job;
  }

  /** Takes every waiting job out (the pool closes): the caller rejects them. */
  takeAll(): J[] {
    const all: J[] = [];
    for (const [owner, state] of this.#owners) {
      all.push(...state.waiting.splice(0));
      this.#drop(owner, state);
    }
    this.#turns.clear();
    this.#waiting = 0;
    return all;
  }

  /** A job taken by `next` or `startNow` ended (settled or aborted). */
  finished(owner: JobOwner): void {
    const state = this.#owners.get(owner);
    if (!state || state.running === 0) throw new Error('FairQueue.finished without a running job of that owner');
    state.running--;
    this.#running--;
    this.#drop(owner, state);
  }

  #state(owner: JobOwner): OwnerState<J> {
    let state = this.#owners.get(owner);
    if (!state) {
      state = { waiting: [], running: 0 };
      this.#owners.set(owner, state);
    }
    return state;
  }

  #drop(owner: JobOwner, state: OwnerState<J>): void {
    if (state.running === 0 && state.waiting.length === 0) this.#owners.delete(owner);
  }
}
