/** What the sweep needs of a session. */
export interface IdleTrackable {
  readonly lastActivity: number;
  /** Says the cut is near (a message the session chart shows or holds). */
  warnIdle(secondsLeft: number): void;
  endIdle(): void;
}

export interface IdleOptions {
  /** Idle time after which a session is closed; 0 = off. */
  idleTimeoutMs: number;
  /** How long before the cut the warning line comes. */
  idleWarningMs: number;
}

/**
 * The idle timeout for the whole server, run by the supervisor's one ticker (never a timer per
 * session): each sweep looks at each session's last activity, warns those near the limit once, and
 * ends those past it.
 */
export class IdleSweep {
  readonly #options: IdleOptions;
  readonly #warned = new WeakSet<IdleTrackable>();
  /** How often a sweep is wanted (ms); 0 when the idle timeout is off. */
  readonly everyMs: number;

  constructor(options: IdleOptions) {
    this.#options = options;
    const { idleTimeoutMs } = options;
    this.everyMs = idleTimeoutMs <= 0 ? 0 : Math.max(50, Math.min(5000, Math.floor(idleTimeoutMs / 10)));
  }

  sweep(now: number, sessions: Iterable<IdleTrackable>): void {
    const { idleTimeoutMs, idleWarningMs } = this.#options;
    if (idleTimeoutMs <= 0) return;
    for (const session of sessions) {
      const idle = now - session.lastActivity;
      if (idle >= idleTimeoutMs) {
        session.endIdle();
      } else if (idle >= idleTimeoutMs - idleWarningMs) {
        if (!this.#warned.has(session)) {
          this.#warned.add(session);
          session.warnIdle(Math.ceil((idleTimeoutMs - idle) / 1000));
        }
      } else {
        this.#warned.delete(session);
      }
    }
  }
}
