import { performance } from 'node:perf_hooks';

/** How much of one connection's input is handled per turn of the event loop. */
export interface InputBudget {
  /** Bytes handed on per turn; the rest waits, the stream paused, for the next turn. */
  bytesPerTurn: number;
  /** Time spent handling them per turn (ms); checked between slices. */
  msPerTurn: number;
}

export const DEFAULT_INPUT_BUDGET: InputBudget = { bytesPerTurn: 64 * 1024, msPerTurn: 2 };

/** What a pacer reads from: a socket or an SSH channel. */
export interface PausableSource {
  pause(): unknown;
  resume(): unknown;
}

/** Input is handed on in slices of this size, so the time budget is checked often enough. */
const SLICE_BYTES = 2 * 1024;

/**
 * All connections' input handled per turn, in all (ms). Each connection's own budget holds that
 * connection, but ten flooding at once would still take ten budgets a turn, and a quiet session's
 * key waits behind all of them. Past this total, each connection with input waiting gets one slice
 * per turn (so every one moves on, and a key that comes in is handled the turn it comes).
 */
export const PROCESS_INPUT_MS_PER_TURN = 4;

// One counter for the whole process, advanced by one setImmediate per turn in which anyone asked:
// a pacer sees a new turn when the number has changed (no timer per connection per chunk).
let turn = 0;
let turnTicking = false;
function advanceTurn(): void {
  turn++;
  turnTicking = false;
}
/** The number of this turn of the event loop (for budgets per turn: a change means a new turn). */
export function currentTurn(): number {
  if (!turnTicking) {
    turnTicking = true;
    setImmediate(advanceTurn);
  }
  return turn;
}

/**
 * The one clock of this turn's work, reset together when the turn changes: what every connection's
 * input, session start-up and teardown took in all (the process budget), and whose command is being
 * timed since when (the per-connection budget of type-ahead).
 */
interface TurnLedger {
  turn: number;
  /** Work counted against `PROCESS_INPUT_MS_PER_TURN` in this turn (ms). */
  processMs: number;
  /** Whose work `ownerSince` times; null when no one's in this turn yet. */
  owner: object | null;
  ownerSince: number;
  /** When a command run outside the pacer's slices started (its time is not in a slice's), or -1. */
  outsideSince: number;
}
const ledger: TurnLedger = { turn: -1, processMs: 0, owner: null, ownerSince: 0, outsideSince: -1 };
/** True while a pacer hands a slice on: that slice's time is counted by the pacer itself. */
let inSlice = false;

/**
 * The piece of one connection's input being handled now, timed against its budgets: a pacer's slice,
 * or keys held over from an earlier turn (`runAsInput`). One object for the process: pieces never nest.
 */
const piece = { active: false, started: 0, msBefore: 0, msPerTurn: 0 };
/**
 * Least time a piece gets before the process budget (spent by others) stops it: each connection with
 * keys waiting moves on every turn, as each got one slice a turn before keys were timed one by one.
 */
export const PIECE_MIN_MS = 0.5;

/**
 * Whether the input being handled now has spent its turn: the connection's `msPerTurn` (counting its
 * slices before this one), or the process budget past `PIECE_MIN_MS`. The line editor asks it between
 * keys, so a chunk of keys that each cost O(line) stops part-way, not after the whole chunk. False
 * outside any timed piece.
 */
export function inputBudgetSpent(): boolean {
  if (!piece.active) return false;
  const elapsed = performance.now() - piece.started;
  if (piece.msBefore + elapsed >= piece.msPerTurn) return true;
  return elapsed >= PIECE_MIN_MS && thisTurn().processMs + elapsed >= PROCESS_INPUT_MS_PER_TURN;
}

/**
 * Runs `work` on one connection's input outside a pacer's slice (keys held over from an earlier turn,
 * type-ahead at a new prompt) as a piece of its own: `inputBudgetSpent` times it, and its time counts
 * against the process budget. Inside a piece it just runs: the piece around it is timed already.
 */
export function runAsInput<T>(msPerTurn: number, work: (on: T) => void, on: T): void {
  if (piece.active) {
    work(on);
    return;
  }
  const clock = thisTurn();
  const outer = inSlice;
  const started = performance.now();
  piece.active = true;
  piece.started = started;
  piece.msBefore = 0;
  piece.msPerTurn = msPerTurn;
  inSlice = true;
  try {
    work(on);
  } finally {
    piece.active = false;
    inSlice = outer;
    clock.processMs += performance.now() - started;
  }
}

function thisTurn(): TurnLedger {
  const now = currentTurn();
  if (ledger.turn !== now) {
    ledger.turn = now;
    ledger.processMs = 0;
    ledger.owner = null;
    ledger.outsideSince = -1;
  }
  return ledger;
}

/** Work counted against the process budget in this turn so far (ms). */
export function processWorkMs(): number {
  return thisTurn().processMs;
}

/** Counts `ms` of work done now (a session started or torn down) against the process budget of this turn. */
export function chargeProcessWork(ms: number): void {
  thisTurn().processMs += ms;
}

/** True once this turn's process budget is spent: work that can wait should wait for the next turn. */
export function processBudgetSpent(): boolean {
  return thisTurn().processMs >= PROCESS_INPUT_MS_PER_TURN;
}

/**
 * Says that `owner` (one connection's session) starts a piece of work now: a command typed ahead.
 * Its work in this turn is counted from its first piece, as long as no one else's ran in between.
 */
export function startWork(owner: object): void {
  const clock = thisTurn();
  if (!inSlice) clock.outsideSince = performance.now();
  if (clock.owner === owner) return;
  clock.owner = owner;
  clock.ownerSince = performance.now();
}

/**
 * How long `owner` has been busy in this turn of the event loop (ms), per connection as the pacer's
 * budget is: type-ahead running command after command (in one drain, or chained in microtasks) asks
 * this and yields with `nextTurn()` past `inputMsPerTurn`. Other sessions' work in the same turn does
 * not count: with a thousand sessions sending a command each, none of them has to wait a turn.
 */
export function workBusyMs(owner: object): number {
  const clock = thisTurn();
  if (clock.owner !== owner) return 0;
  return performance.now() - clock.ownerSince;
}

/**
 * Whether `owner`'s type-ahead should wait for the next turn now that one of its commands ended: past
 * its own `msPerTurn` in this turn; or, when the command ran outside the pacer's slices (typed ahead
 * behind a command that returned a promise, so no slice timed it), past the process budget, to which
 * its time is added here. Inside a slice the pacer keeps the process budget (one slice a turn each):
 * asking there would cost a promise and a second write per command under load, for nothing.
 */
export function workShouldYield(owner: object, msPerTurn: number): boolean {
  const clock = thisTurn();
  if (!inSlice && clock.outsideSince >= 0) {
    clock.processMs += performance.now() - clock.outsideSince;
    clock.outsideSince = -1;
    if (clock.processMs >= PROCESS_INPUT_MS_PER_TURN) return true;
  }
  return workBusyMs(owner) >= msPerTurn;
}

/** Resolves on the next turn of the event loop, after the input and timers waiting now. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Hands one connection's input to its consumer at most `bytesPerTurn` bytes (or `msPerTurn` of
 * work) per turn of the event loop, pausing the source meanwhile, so one client's paste cannot hold
 * the loop from every other session. After `stop()` nothing queued is handed on.
 */
export class InputPacer {
  readonly #source: PausableSource;
  readonly #consume: (chunk: Buffer) => void;
  readonly #budget: InputBudget;
  readonly #queue: Buffer[] = [];
  #turn = -1;
  #bytes = 0;
  #ms = 0;
  #paused = false;
  #scheduled = false;
  #stopped = false;
  /** Runs once what is queued now has been handed on (the source's end, kept behind its data). */
  #afterQueue: (() => void) | null = null;
  /** The consumer has input of its own still to handle (`hold`): nothing more is handed on. */
  #held = false;

  constructor(source: PausableSource, consume: (chunk: Buffer) => void, budget: InputBudget = DEFAULT_INPUT_BUDGET) {
    this.#source = source;
    this.#consume = consume;
    this.#budget = budget;
  }

  /** Input from the source ('data'). */
  push(chunk: Buffer): void {
    if (this.#stopped || chunk.length === 0) return;
    this.#queue.push(chunk);
    // Behind input that already waits for the next turn: order is kept.
    if (this.#queue.length === 1 && !this.#scheduled) this.#drain();
  }

  /** The source ended: `then` runs after every byte received before it has been handed on. */
  end(then: () => void): void {
    if (this.#stopped) return;
    // Held, the consumer still has input of its own to handle first.
    if (this.#queue.length === 0 && !this.#held) then();
    else this.#afterQueue = then;
  }

  /** Bytes received and not yet handed on. */
  get queued(): number {
    let bytes = 0;
    for (const chunk of this.#queue) bytes += chunk.length;
    return bytes;
  }

  /**
   * The consumer stopped part-way through what it was given (its keys spent the turn's budget): the
   * source stays paused and nothing more is handed on until `release()`.
   */
  hold(): void {
    this.#held = true;
  }

  /** The consumer has handled what it held: input goes on, from the next turn. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    if (this.#scheduled || this.#stopped) return;
    this.#scheduled = true;
    setImmediate(InputPacer.#drainLater, this);
  }

  /** The connection is gone: what waits is dropped, and nothing more is handed on. */
  stop(): void {
    this.#stopped = true;
    this.#queue.length = 0;
    this.#afterQueue = null;
  }

  #pauseSource(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#source.pause();
  }

  static #drainLater(pacer: InputPacer): void {
    pacer.#scheduled = false;
    pacer.#drain();
  }

  #drain(): void {
    const clock = thisTurn();
    const now = clock.turn;
    if (now !== this.#turn) {
      this.#turn = now;
      this.#bytes = 0;
      this.#ms = 0;
    }
    const queue = this.#queue;
    const { bytesPerTurn, msPerTurn } = this.#budget;
    while (queue.length > 0 && !this.#stopped) {
      if (this.#held) {
        this.#pauseSource();
        return;
      }
      const processSpent = this.#bytes > 0 && clock.processMs >= PROCESS_INPUT_MS_PER_TURN;
      if (this.#bytes >= bytesPerTurn || this.#ms >= msPerTurn || processSpent) {
        this.#pauseSource();
        this.#scheduled = true;
        setImmediate(InputPacer.#drainLater, this);
        return;
      }
      const head = queue[0]!;
      const take = Math.min(head.length, SLICE_BYTES, bytesPerTurn - this.#bytes);
      let slice = head;
      if (take < head.length) {
        slice = head.subarray(0, take);
        queue[0] = head.subarray(take);
      } else {
        queue.shift();
      }
      this.#bytes += take;
      const started = performance.now();
      const outer = inSlice;
      inSlice = true;
      // A slice handed on inside another's (an SSH channel's, inside its socket's) is timed on its own.
      const { active, started: outerStarted, msBefore, msPerTurn: outerMsPerTurn } = piece;
      piece.active = true;
      piece.started = started;
      piece.msBefore = this.#ms;
      piece.msPerTurn = msPerTurn;
      try {
        this.#consume(slice);
      } finally {
        inSlice = outer;
        piece.active = active;
        piece.started = outerStarted;
        piece.msBefore = msBefore;
        piece.msPerTurn = outerMsPerTurn;
      }
      const spent = performance.now() - started;
      this.#ms += spent;
      clock.processMs += spent;
    }
    // An emptied array keeps room for 17 chunks (150 bytes an idle connection would hold): let it go.
    if (queue.length === 0) queue.length = 0;
    if (this.#held) {
      this.#pauseSource();
      return;
    }
    if (this.#paused && !this.#stopped) {
      this.#paused = false;
      this.#source.resume();
    }
    const after = this.#afterQueue;
    if (after !== null && !this.#stopped) {
      this.#afterQueue = null;
      after();
    }
  }
}
