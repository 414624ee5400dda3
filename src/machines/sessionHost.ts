import type { AnyActorRef } from 'xstate';
import type { ParseResult } from '../shell/parser.js';

/** The options of one pending `readLine` call. */
export interface ReadRequest {
  prompt: string;
  echo: boolean;
  useHistory: boolean;
  resolve(line: string): void;
  reject(reason: Error): void;
}

/**
 * Everything the session chart does to the outside world goes through this port, so the chart stays
 * data plus named actions and can run (and be tested) with any host: a live connection or a fake.
 */
export interface SessionHost {
  /** Handler fields are read at the moment they are needed: a command may change the prompt. */
  readonly settings: {
    readonly prompt: string;
    readonly continuePrompt: string;
    readonly issue: string | null;
    readonly welcome: string;
    readonly promptUser: string;
    readonly promptPass: string;
    readonly authNeedUser: boolean;
    readonly authNeedPass: boolean;
    readonly hasAuthCallback: boolean;
    readonly authenticatedUser: string | null;
    readonly needsNegotiation: boolean;
    /** A command line given with the connection (SSH exec) instead of a shell. */
    readonly execCommand: string | null;
    readonly negotiationTimeoutMs: number;
    /** From connect to the welcome; 0 = no limit. */
    readonly loginTimeoutMs: number;
    readonly maxLoginAttempts: number;
    readonly loginRetryDelayMs: number;
    /** Most lines one command spans with continuation lines, and most characters they hold together. */
    readonly maxCommandLines: number;
    readonly maxCommandLength: number;
  };
  /**
   * The login timeout starts: unless `loginFinished` comes first, send `session` LOGIN_TIMEOUT after
   * `settings.loginTimeoutMs` (0: never). How it is timed is the host's (the server sweeps all
   * sessions on one ticker).
   */
  watchLogin(session: AnyActorRef): void;
  /** The welcome (or an exec) was reached: the login timeout is over. */
  loginFinished(): void;
  write(text: string): void;
  /** A message from elsewhere: above the input when a line is being read, else on a line of its own. */
  showMessage(text: string): void;
  /** The message within the server's `maxMessageLength` (cut with a note). */
  boundMessage(text: string): string;
  /**
   * Shows `prompt` and reads a line; the editor answers with LINE, INTERRUPT, END_OF_INPUT, ...
   * `completion` turns Tab completion of commands on; `partOfCommand`: the line is (part of) a
   * command, which history keeps whole when it runs (`runCommand`), not line by line.
   */
  promptLine(prompt: string, echo: boolean, useHistory: boolean, completion?: boolean, partOfCommand?: boolean): void;
  parse(lines: readonly string[]): ParseResult;
  /** The login check, inside the transition into `login.checking`: nothing when it passed at once, a throw when it failed at once, else a promise of its answer. */
  authenticate(username: string | null, password: string | null): Promise<void> | void;
  acceptLogin(username: string | null): void;
  /** The handler's sessionStart, called inside the transition into `welcome`: nothing when it is over at once. */
  sessionStart(): Promise<void> | void;
  /**
   * Runs a command, called inside the transition into `shell.executing`. Returns nothing when the
   * command has finished (it returned without a promise and sent the session no event meanwhile, so
   * nothing is waiting to be handled before the prompt); else a promise of its end.
   */
  runCommand(lines: readonly string[], words: readonly string[]): Promise<void> | void;
  /** ^C while the command runs (the editor is not reading a line): abort what the command awaits. */
  interruptCommand?(): void;
  /** Runs `execCommand` and reports its exit status to the transport. */
  runExec(): Promise<void>;
  reportError(error: unknown): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, error?: unknown): void;
  /** A warning a client can cause many times a second: at most one line a second per cause for the whole server, the rest counted. */
  warnRepeatable(cause: RepeatableWarning, message: string): void;
  /** Ends the session's own timers and closes the transport (output is flushed first). */
  disconnect(): void;
  sessionEnd(): Promise<void>;
}

/** Warnings one client can repeat at will (each is also told to that client): rate-limited in the log. */
export type RepeatableWarning = 'line too long' | 'command too long' | 'type-ahead dropped';
