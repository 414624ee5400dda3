import type net from 'node:net';
import type { Socket } from 'node:net';
import type { Logger } from '../logger.js';
import type { LoginThrottle } from '../actors/loginThrottle.js';
import type { BoundAddress, ListenOptions } from '../serverFace.js';
import type { TerminalTransport } from './terminalTransport.js';
import type { InputBudget } from './inputPacer.js';

/**
 * What a listener needs of the server whose sessions it starts: the one seam between a transport's
 * listener (telnet, SSH, a custom one) and `Server`, which implements it. A listener admits each
 * accepted socket, wraps it in a `TerminalTransport` and hands that to `serve`; everything after
 * (the session actor, limits, the registry) is the server's.
 */
export interface ConnectionHost {
  readonly logger: Logger;
  /** Failed-login throttle shared by every transport; null when the server's option turned it off. */
  readonly loginThrottle: LoginThrottle | null;
  /** The server's `maxOutputBuffer` option, for transports made outside the server. */
  readonly maxOutputBuffer: number | undefined;
  /** The server's per-connection input budget (`inputBytesPerTurn`, `inputMsPerTurn`). */
  readonly inputBudget: InputBudget;
  /**
   * Admission of an accepted socket, before a byte of it is read: counted until it closes, as not
   * logged in until a session on it logs in. A refused client reads one line and is closed; the log
   * says why. False when refused (the listener then leaves the socket alone).
   */
  admitSocket(socket: Socket): boolean;
  /**
   * Runs `start` (setting up the session on an admitted socket) now, or in its turn when many connect
   * at once, the socket paused until then; never when the socket closed first. `start` resumes the
   * socket if its reader needs it to.
   */
  startSession(socket: Socket, start: () => void): void;
  /** Starts a session on the transport (after `admitSocket` admitted its socket). */
  serve(transport: TerminalTransport): unknown;
  /** Binds a listener whose connections end up in `serve`; closed with the server. */
  listenWith(listener: net.Server, options: ListenOptions, kind: string): Promise<BoundAddress>;
}
