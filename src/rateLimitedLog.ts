import type { Logger } from './logger.js';

/** Log lines of one kind at most once per interval; lines held back are counted into the next. */
export class RateLimitedLog {
  readonly #last = new Map<string, number>();
  readonly #held = new Map<string, number>();
  constructor(
    readonly logger: Logger,
    readonly intervalMs = 10_000,
  ) {}

  /** `key` names the kind of line (e.g. 'redis-down'); one kind does not hold back another. */
  warn(key: string, message: string): void {
    const now = Date.now();
    if (now - (this.#last.get(key) ?? -Infinity) < this.intervalMs) {
      this.#held.set(key, (this.#held.get(key) ?? 0) + 1);
      return;
    }
    const held = this.#held.get(key) ?? 0;
    this.#last.set(key, now);
    this.#held.delete(key);
    this.logger.warn(held > 0 ? `${message} (${held} more like it since the last line)` : message);
  }
}
