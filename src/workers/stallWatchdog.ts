import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { Logger } from '../logger.js';

/** Who reported a stall in a command: the session's own log line carries its id and address. */
export interface StallSource {
  log(level: 'warn', message: string): void;
}

export interface StallWatchdogOptions {
  /** A stretch of handler code longer than this (ms) is logged; 0 turns the watchdog off. */
  thresholdMs: number;
  /** How often the event-loop delay is checked (ms): soon after a stall, so its suspects are still known. */
  checkIntervalMs?: number;
  /** At most one stall line this often (ms); the ones in between are counted in the next line. */
  minLogGapMs?: number;
  /**
   * Commands running now or ended since `sinceMs` (`performance.now()` time), to name the suspects
   * of a stall seen outside any command's start.
   */
  commandsSince?: (sinceMs: number) => string[];
}

/** The delay histogram's timer: fine enough for a 100 ms threshold, cheap when idle (with the checks, 60 wake-ups a second). */
const RESOLUTION_MS = 20;

/**
 * Says in the server log when handler code holds the event loop (and so every session) too long.
 * Two views: the synchronous start of each command is timed around its dispatch (naming session and
 * command), and `monitorEventLoopDelay` catches stalls elsewhere while commands run (after a
 * command's first await, in what it started), naming the commands running or just ended. The monitor
 * runs only while commands do, so an idle server has no wake-ups for it. Lines are rate-limited.
 */
export class StallWatchdog {
  readonly thresholdMs: number;
  readonly #logger: Logger;
  readonly #checkIntervalMs: number;
  readonly #minLogGapMs: number;
  readonly #commandsSince: (sinceMs: number) => string[];
  #histogram: IntervalHistogram | null = null;
  #timer: NodeJS.Timeout | null = null;
  #lastLogAt = -Infinity;
  /** Commands running now: the delay monitor runs only while there are some, and a little after. */
  #running = 0;
  #lastCommandEndedAt = -Infinity;
  #stopped = false;
  #unlogged = 0;
  /** When the last command stall ended: the delay monitor sees the same stall and must not report it again. */
  #lastCommandStallAt = -Infinity;

  constructor(options: StallWatchdogOptions, logger: Logger) {
    this.thresholdMs = options.thresholdMs;
    this.#logger = logger;
    this.#checkIntervalMs = options.checkIntervalMs ?? 100;
    this.#minLogGapMs = options.minLogGapMs ?? 1000;
    this.#commandsSince = options.commandsSince ?? (() => []);
  }

  get enabled(): boolean {
    return this.thresholdMs > 0;
  }

  /** Whether the delay monitor runs now (only while commands run, and two checks after). */
  get monitoring(): boolean {
    return this.#timer !== null;
  }

  /** A command starts: the delay monitor is started if it was not running (it costs wake-ups only then). */
  commandStarted(): void {
    this.#running++;
    if (this.#timer === null) this.#startMonitor();
  }

  commandEnded(): void {
    this.#running--;
    this.#lastCommandEndedAt = performance.now();
  }

  #startMonitor(): void {
    if (!this.enabled || this.#stopped || this.#timer) return;
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    histogram.enable();
    this.#histogram = histogram;
    this.#timer = setInterval(() => this.#check(), this.#checkIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    this.#stopMonitor();
  }

  #stopMonitor(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#histogram?.disable();
    this.#histogram = null;
  }

  /**
   * A synchronous stretch of handler code took `ms` (the caller times it: two clock reads); `what`
   * names it in the log line: `command 'crunch'`, `a timer callback`, `sessionStart`.
   */
  ran(ms: number, source: StallSource, what: string): void {
    if (!this.enabled || ms <= this.thresholdMs) return;
    this.#lastCommandStallAt = performance.now();
    const line = this.#gate();
    if (line === null) return;
    source.log(
      'warn',
      `${what} held the event loop for ${Math.round(ms)} ms (stall threshold ${this.thresholdMs} ms): every session waited; move CPU work to this.runInWorker()${line}`,
    );
  }

  #check(): void {
    const histogram = this.#histogram;
    if (!histogram) return;
    const worstMs = histogram.max / 1e6; // nanoseconds
    histogram.reset();
    const now = performance.now();
    // Idle (no command for two checks): no more wake-ups until the next command.
    if (this.#running === 0 && now - this.#lastCommandEndedAt > 2 * this.#checkIntervalMs) this.#stopMonitor();
    if (worstMs <= this.thresholdMs) return;
    // The stall ended shortly before this check (at most an interval and a histogram tick ago).
    const since = now - worstMs - this.#checkIntervalMs - 2 * RESOLUTION_MS;
    if (this.#lastCommandStallAt >= since) return; // the same stall, already named by ran()
    const line = this.#gate();
    if (line === null) return;
    const commands = this.#commandsSince(since);
    const suspects = commands.length === 0 ? 'no command was running' : `commands running: ${commands.slice(0, 5).join(', ')}${commands.length > 5 ? ', ...' : ''}`;
    this.#logger.warn(`the event loop stalled for ${Math.round(worstMs)} ms outside a command's start (stall threshold ${this.thresholdMs} ms; ${suspects})${line}`);
  }

  /** Null when a line was written too recently; else the note of lines held back since. */
  #gate(): string | null {
    const now = performance.now();
    if (now - this.#lastLogAt < this.#minLogGapMs) {
      this.#unlogged++;
      return null;
    }
    this.#lastLogAt = now;
    const note = this.#unlogged > 0 ? ` (${this.#unlogged} more stall(s) since the last line not logged)` : '';
    this.#unlogged = 0;
    return note;
  }
}
