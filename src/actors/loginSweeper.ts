/** What the login sweep needs of a session. */
export interface LoginTrackable {
  /** When the login time runs out (ms since the epoch); 0 while not started or once past the welcome. */
  readonly loginDeadline?: number;
  /** Ends the login: the session chart says so and closes. */
  loginTimedOut?(): void;
}

/**
 * The login timeout for the whole server, run by the supervisor's one ticker (never a timer or a
 * child actor per session): the sessions not past their welcome yet are kept here, each sweep ends
 * those past their deadline. A session leaves the set at its welcome, its end or its timeout, so
 * the ticker stops with the last login (idle sessions hold nothing of it).
 */
export class LoginSweep {
  readonly #waiting = new Set<LoginTrackable>();
  /** How often a sweep is wanted while someone logs in (ms): a timeout fires at most this late. */
  readonly everyMs: number;

  constructor(loginTimeoutMs: number) {
    this.everyMs = loginTimeoutMs <= 0 ? 0 : Math.max(20, Math.min(1000, Math.floor(loginTimeoutMs / 20)));
  }

  /** Sessions being watched now. */
  get size(): number {
    return this.#waiting.size;
  }

  watch(session: LoginTrackable): void {
    if (this.everyMs > 0) this.#waiting.add(session);
  }

  forget(session: LoginTrackable): void {
    this.#waiting.delete(session);
  }

  sweep(now: number): void {
    for (const session of this.#waiting) {
      const deadline = session.loginDeadline ?? 0;
      // Past its welcome by a way that did not say so (a login of your own without acceptLogin).
      if (deadline === 0) this.#waiting.delete(session);
      else if (now >= deadline) {
        this.#waiting.delete(session);
        session.loginTimedOut?.();
      }
    }
  }
}
