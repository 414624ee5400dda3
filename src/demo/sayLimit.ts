/** The demo's `say`: at most SAY_BURST messages per session in any SAY_WINDOW_MS. */
export const SAY_BURST = 5;
export const SAY_WINDOW_MS = 10_000;

/**
 * The send times of a session's last SAY_BURST messages. The server's outbox bound keeps a flood of
 * messages from holding the server; this keeps one talker from filling everyone else's screen.
 */
export class SayLimit {
  readonly #sent: number[] = [];

  /** 0 when a message may go now (and it is counted); otherwise how many ms until one may. */
  take(now: number): number {
    if (this.#sent.length === SAY_BURST) {
      const wait = this.#sent[0]! + SAY_WINDOW_MS - now;
      if (wait > 0) return wait;
      this.#sent.shift();
    }
    this.#sent.push(now);
    return 0;
  }
}

/**
 * The `[name]` a said line starts with. A name with a bracket or a space in it is shown quoted, so
 * that a user named `SERVER] Shutdown now! [` cannot make a line look like it came from `[SERVER]`.
 */
export function speakerTag(name: string): string {
  return /^[^\s[\]"\\]+$/u.test(name) ? `[${name}]` : `["${name.replace(/["\\]/g, '\\$&')}"]`;
}
