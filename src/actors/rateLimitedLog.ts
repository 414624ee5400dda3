/**
 * Log lines that an attacker could repeat thousands of times a second (refusals, accept errors): at
 * most one line per cause per interval; the rest are counted, and the count is written when the
 * interval ends. Causes are a small fixed set (never a client's address), so the table stays small.
 */
export class RateLimitedLog<Cause extends string = string> {
  readonly #write: (line: string) => void;
  readonly #intervalMs: number;
  readonly #windows = new Map<Cause, { suppressed: number; last: string; timer: NodeJS.Timeout }>();

  constructor(write: (line: string) => void, intervalMs = 1000) {
    this.#write = write;
    this.#intervalMs = intervalMs;
  }

  note(cause: Cause, line: string): void {
    const window = this.#windows.get(cause);
    if (window) {
      window.suppressed++;
      window.last = line;
      return;
    }
    this.#write(line);
    this.#open(cause);
  }

  /** Writes what is still counted and stops the timers (server close). */
  flush(): void {
    for (const [cause, window] of this.#windows) {
      clearTimeout(window.timer);
      this.#windows.delete(cause);
      if (window.suppressed > 0) this.#write(summary(window.suppressed, this.#intervalMs, window.last));
    }
  }

  #open(cause: Cause): void {
    const window = { suppressed: 0, last: '', timer: setTimeout(() => this.#close(cause), this.#intervalMs) };
    window.timer.unref();
    this.#windows.set(cause, window);
  }

  #close(cause: Cause): void {
    const window = this.#windows.get(cause);
    this.#windows.delete(cause);
    if (!window || window.suppressed === 0) return;
    this.#write(summary(window.suppressed, this.#intervalMs, window.last));
    // Still going on: the next line waits for the next interval too.
    this.#open(cause);
  }
}

function summary(count: number, intervalMs: number, last: string): string {
  return `${last} (${count} time${count === 1 ? '' : 's'} more in the last ${intervalMs / 1000} s; this was the last)`;
}
