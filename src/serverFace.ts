import type { Socket } from 'node:net';
import type { ProxyProtocolOptions } from './transports/proxyListener.js';

// What the rest of the library and a handler know of a server, as types only: they import this,
// never the server itself, so imports flow one way (server -> sessions -> handler).

export interface ListenOptions {
  host?: string;
  port?: number;
  /** Behind a TCP load balancer: every connection starts with a PROXY header (v1 or v2) naming the real client; one without is refused. */
  proxyProtocol?: boolean | ProxyProtocolOptions;
}

export interface BoundAddress {
  host: string;
  port: number;
}

export interface SessionInfo {
  id: string;
  username: string | null;
  remoteAddress: string;
  transport: 'telnet' | 'ssh';
  state: string;
  connectedAt: Date;
}

/** A session on any process of a scaled-out server, with the process it lives on. */
export interface ClusterSessionInfo extends SessionInfo {
  /** The process's id (the prefix of its session ids); 'local' when the server is not scaled out. */
  process: string;
}

/** What a handler sees of the server it runs in (routing to other sessions). */
export interface ServerFacade {
  /**
   * Every session on every process (the same as `sessions` when the server runs in one process).
   * Answers within about a second and a half: when other processes do not answer in time, this
   * process's sessions only (the log says so). `signal` (a command's `this.signal`) ends the wait.
   */
  listSessions(options?: { signal?: AbortSignal }): Promise<ClusterSessionInfo[]>;
  /** Every live session: id, username, remote address, transport, chart state, connected-at. */
  readonly sessions: ReadonlyArray<SessionInfo>;
  /**
   * A message for one session: true when it is open now. It arrives behind messages sent before it
   * (a broadcast still on its way), or not at all if the session ends first.
   */
  sendTo(sessionId: string, text: string): boolean;
  /**
   * A message for every session `filter` accepts. Returns how many it was addressed to: the sessions
   * open now that the filter accepts (of this process). Delivery to many is spread over turns of
   * the event loop (a few ms each), in order per session: one that ends before its turn is skipped
   * (still counted), one that opens meanwhile does not get it.
   */
  broadcast(text: string, filter?: (session: { id: string; username: string | null }) => boolean): number;
  /** Ends another session now (`message` shown first); false when it has already gone. */
  disconnect(sessionId: string, message?: string | null): boolean;
}

/** The server behind `MyHandler.streamserverHandle` (a `Server`), as `MyHandler.defaultServer` shows it. */
export interface DefaultServer extends ServerFacade {
  /** For `net.createServer(listener)`: serves each socket as a telnet session. */
  readonly connectionListener: (socket: Socket) => void;
  listenTelnet(options?: ListenOptions): Promise<BoundAddress>;
  /** Stops accepting, tells every session, runs every sessionEnd, resolves when all sockets closed. */
  close(options?: { message?: string; timeoutMs?: number }): Promise<void>;
}
