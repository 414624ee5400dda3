import { ServerInterval } from './serverInterval.js';

/** What the sweeper needs of a session. */
export interface IdleTrackable {
  readonly lastActivity: number;
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
 * One timer for the whole server, not one per session: every sweep looks at each session's last
 * activity, warns those near the limit once, and ends those past it. Off (no timer) when 0.
 */
export class IdleSweeper {
  readonly #options: IdleOptions;
  readonly #sessions: () => Iterable<IdleTrackable>;
  readonly #warned = new WeakSet<IdleTrackable>();
  readonly #interval: ServerInterval;

  constructor(options: IdleOptions, sessions: () => Iterable<IdleTrackable>) {
    this.#options = options;
    this.#sessions = sessions;
    const { idleTimeoutMs } = options;
    const every = idleTimeoutMs <= 0 ? 0 : Math.max(50, Math.min(5000, Math.floor(idleTimeoutMs / 10)));
    this.#interval = new ServerInterval(every, () => this.sweep(Date.now()));
  }

  start(): void {
    this.#interval.start();
  }

  stop(): void {
    this.#interval.stop();
  }

  sweep(now: number): void {
    const { idleTimeoutMs, idleWarningMs } = this.#options;
    for (const session of this.#sessions()) {
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
