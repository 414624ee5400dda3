import type { TelnetHandler } from '../handler.js';
import type { SessionHost } from '../machines/session.js';
import type { TerminalTransport } from '../transports/terminalTransport.js';
import type { LoginThrottle } from './loginThrottle.js';

type Settings = SessionHost['settings'];
/** The server's limits this reads (`SessionLimits` has them; named here so this imports no session). */
type Limits = Pick<Settings, 'negotiationTimeoutMs' | 'loginTimeoutMs' | 'maxLoginAttempts' | 'loginRetryDelayMs' | 'maxCommandLines'> & { maxLineLength: number };

/**
 * Reads the handler's fields when asked, so a command may change the prompt at run time. A class,
 * so the getters live once on its prototype rather than as closures in every session.
 */
export class SessionSettings implements Settings {
  readonly #handler: TelnetHandler;
  readonly authenticatedUser: string | null;
  readonly needsNegotiation: boolean;
  readonly execCommand: string | null;
  readonly #limits: Limits;
  readonly #throttle: LoginThrottle | null;
  readonly #remoteAddress: string;

  constructor(handler: TelnetHandler, transport: TerminalTransport, limits: Limits, throttle: LoginThrottle | null = null) {
    this.#handler = handler;
    this.#limits = limits;
    this.#throttle = throttle;
    this.#remoteAddress = transport.remoteAddress;
    this.authenticatedUser = transport.authenticatedUser;
    this.needsNegotiation = transport.needsNegotiation;
    this.execCommand = transport.execCommand;
  }

  get prompt() { return this.#handler.prompt; }
  get continuePrompt() { return this.#handler.continuePrompt; }
  get issue() { return this.#handler.issue; }
  get welcome() { return this.#handler.welcome; }
  get promptUser() { return this.#handler.promptUser; }
  get promptPass() { return this.#handler.promptPass; }
  get authNeedUser() { return this.#handler.authNeedUser; }
  get authNeedPass() { return this.#handler.authNeedPass; }
  get hasAuthCallback() { return typeof this.#handler.authCallback === 'function'; }
  get negotiationTimeoutMs() { return this.#limits.negotiationTimeoutMs; }
  get loginTimeoutMs() { return this.#limits.loginTimeoutMs; }
  get maxLoginAttempts() { return this.#limits.maxLoginAttempts; }
  /** After a failed login: the fixed pause, or longer while the address's throttle penalty runs. */
  get loginRetryDelayMs() { return Math.max(this.#limits.loginRetryDelayMs, this.#throttle?.penaltyMs(this.#remoteAddress) ?? 0); }
  get maxCommandLines() { return this.#limits.maxCommandLines; }
  get maxCommandLength() { return this.#limits.maxLineLength; }
}
