import type { TelnetOption } from '../protocol/telnetOption.js';
import type { InputBudget } from './inputPacer.js';
import type { TerminalChange } from '../terminal/terminalState.js';

/** What a session hears from the far end, whatever carries it (telnet or SSH). */
export interface TerminalEvents {
  /** Decoded user text (UTF-8 already applied, telnet newlines normalised). */
  data(text: string): void;
  /**
   * A fact about the terminal learned (type and TTYPE list, size, environment, charset): the one
   * path by which terminal facts reach the session's terminal state.
   */
  terminalChanged(change: TerminalChange): void;
  /** Every option the transport asked about has an answer (telnet only). */
  negotiated(): void;
  /** Telnet IP or BRK: the same as Ctrl-C. */
  interrupt(): void;
  eraseCharacter(): void;
  eraseLine(): void;
  /** The client asked to be logged out (telnet LOGOUT). */
  logout?(): void;
  /**
   * The session waits for the user's input now (a line is being read): what was written while
   * handling the input just read is all there is for now, and leaves at once rather than at the end of
   * the turn. False (or absent) while a command still runs: its output is gathered for the turn.
   */
  awaitingInput?(): boolean;
  /** The stream is gone (peer closed, error, or close() finished). */
  closed(): void;
  /** A line for the server log; the session adds who it is about (id and address). */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

export type TransportKind = 'telnet' | 'ssh';

/** A terminal over some stream: the only thing a session knows of its connection. */
export interface TerminalTransport {
  readonly kind: TransportKind;
  readonly remoteAddress: string;
  /** Telnet negotiates options before the first prompt; SSH knows its pty up front. */
  readonly needsNegotiation: boolean;
  /** Set when the transport has already authenticated the user (SSH): the login states are skipped. */
  readonly authenticatedUser: string | null;
  /** Terminal facts known before the session starts (SSH pty-req and env), applied first. */
  readonly initialTerminal: TerminalChange;
  /** A command line to run instead of a shell (SSH exec); null for an interactive session. */
  readonly execCommand: string | null;
  /**
   * The client sends whole lines and shows its own input, as a pipe does (SSH without a pty): the
   * session echoes nothing, draws no prompts and edits nothing.
   */
  readonly lineMode?: boolean;
  /**
   * When the connection was accepted (ms since the epoch), where its session started later (it waited
   * its turn to start): the login timeout counts from it. Absent: the session's start.
   */
  readonly acceptedAtMs?: number;
  /** Reports the exit status of an exec command (SSH); ignored where it means nothing. */
  exitStatus?(status: number): void;
  /**
   * Starts delivering events; called once. `telnetOptions` are the session's own options;
   * `inputBudget` is how much input is handled per turn of the event loop.
   */
  attach(events: TerminalEvents, session?: { telnetOptions?: readonly TelnetOption[]; inputBudget?: InputBudget }): void;
  /**
   * The session has keys of the last input still to handle (the turn's budget ran out part-way):
   * nothing more is handed on, the source paused, until `releaseInput()`.
   */
  holdInput?(): void;
  releaseInput?(): void;
  /** A prompt was shown (telnet sends IAC GA to clients that refused SGA). */
  promptShown?(): void;
  /**
   * Telnet's ECHO option: WILL ECHO (true) or WONT ECHO (false), as the echo decision
   * (`decideEcho`) says for a client that echoes itself. Ignored where there is no such option.
   */
  serverEcho?(on: boolean): void;
  /** A keepalive probe that finds dead peers (telnet IAC NOP). */
  keepAlive?(): void;
  /** Output text with "\n" line ends; the transport cooks it for the wire. */
  write(text: string): void;
  /** Error output (`writeError`): SSH without a pty sends it on stderr; elsewhere it is `write`. */
  writeError?(text: string): void;
  /** Ends the stream after pending output is flushed. */
  close(): void;
}
