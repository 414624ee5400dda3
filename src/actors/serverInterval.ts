/**
 * One timer for the whole server, never one per session, and none at all when `everyMs` is 0:
 * idle sessions then hold no timers. Unref'd, so it never keeps the process alive by itself.
 */
export class ServerInterval {
  readonly #everyMs: number;
  readonly #tick: () => void;
  #timer: NodeJS.Timeout | null = null;

  constructor(everyMs: number, tick: () => void) {
    this.#everyMs = everyMs;
    this.#tick = tick;
  }

  start(): void {
    if (this.#everyMs <= 0 || this.#timer) return;
    this.#timer = setInterval(this.#tick, this.#everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
