/**
 * One server-wide timer that sends every session a keepalive probe (telnet IAC NOP): a peer that has
 * vanished without a FIN makes the write fail, and its session closes. Off (no timer) when 0.
 */
export class KeepAliveSweeper {
  readonly #everyMs: number;
  readonly #sessions: () => Iterable<{ keepAlive(): void }>;
  #timer: NodeJS.Timeout | null = null;

  constructor(everyMs: number, sessions: () => Iterable<{ keepAlive(): void }>) {
    this.#everyMs = everyMs;
    this.#sessions = sessions;
  }

  start(): void {
    if (this.#everyMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => {
      for (const session of this.#sessions()) session.keepAlive();
    }, this.#everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
