import net, { type Socket } from 'node:net';
import { createActor, waitFor, type Actor, type InspectionEvent, type Observer } from 'xstate';
import { LiveSession, type HandlerClass, type SessionLimits, type SessionServices } from './actors/session.js';
import { redactInspection } from './actors/redactInspection.js';
import { IdleSweeper, type IdleOptions } from './actors/idleSweeper.js';
import { ServerInterval } from './actors/serverInterval.js';
import { SessionCounter, type ConnectionLimits } from './actors/sessionLimits.js';
import type { BoundAddress, ClusterSessionInfo, ListenOptions, ServerFacade, SessionInfo } from './serverFace.js';
import type { RemoteSessions } from './scale/remoteSessions.js';
import { createStderrLogger, type Logger } from './logger.js';
import { supervisorLogic, type BroadcastFilter } from './machines/supervisor.js';
import { sessionMachine, type AnySessionMachine } from './machines/session.js';
import { LiveView, type LiveViewOptions } from './liveView/liveViewServer.js';
import { TelnetTransport } from './transports/telnet.js';
import type { TerminalTransport } from './transports/terminalTransport.js';
import { listenSsh, type SshListenOptions } from './transports/sshListener.js';
import { acceptingProxyHeader } from './transports/proxyListener.js';

export interface ServerOptions extends Partial<SessionLimits>, Partial<ConnectionLimits>, Partial<IdleOptions> {
  logger?: Logger;
  /** An XState inspection observer given to the supervisor and every session actor. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Output queued for a client that does not read, beyond which it is dropped (bytes). */
  maxOutputBuffer?: number;
  /** The chart every session runs: `sessionMachine` by default, or one built with `sessionChart`. */
  sessionMachine?: AnySessionMachine;
  /** Send every telnet session IAC NOP this often to find dead peers (ms; 0 = off, the default). */
  keepAliveMs?: number;
  /** Serve the live view page (sessions and their chart states) on this address; see `listenLiveView`. */
  liveView?: LiveViewOptions;
}

export type { ListenOptions, BoundAddress, SessionInfo } from './serverFace.js';

export interface CloseOptions {
  /** Shown to every session before it is closed. */
  message?: string;
  /** How long sessions get to end by themselves before their sockets are destroyed. */
  timeoutMs?: number;
}

export const DEFAULT_LIMITS: SessionLimits = {
  negotiationTimeoutMs: 500,
  loginTimeoutMs: 60_000,
  maxLoginAttempts: 3,
  loginRetryDelayMs: 1000,
  maxLineLength: 128 * 1024,
};

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxSessions: 20_000,
  maxSessionsPerAddress: 0,
};

/**
 * The face of the supervisor: listeners in, sessions out. Every connection becomes a LiveSession
 * registered with the supervisor actor, which routes messages and shutdown to them.
 */
export class Server implements ServerFacade {
  readonly logger: Logger;
  readonly #handlerClass: HandlerClass;
  readonly #options: ServerOptions;
  readonly #services: SessionServices;
  readonly #supervisor: Actor<typeof supervisorLogic>;
  readonly #live = new Map<string, LiveSession>();
  readonly #listeners = new Set<net.Server>();
  readonly #sockets = new Set<Socket>();
  readonly #counter: SessionCounter;
  readonly #idle: IdleSweeper;
  /** IAC NOP to every session, to find peers that vanished without a FIN. */
  readonly #keepAlive: ServerInterval;
  #closing: Promise<void> | null = null;
  #liveView: LiveView | null = null;
  /** Where the live view listens, when the `liveView` option started it. */
  readonly liveViewAddress: Promise<BoundAddress> | null = null;

  constructor(handlerClass: HandlerClass, options: ServerOptions = {}) {
    this.#handlerClass = handlerClass;
    this.#options = options;
    this.logger = options.logger ?? createStderrLogger();
    this.#counter = new SessionCounter({
      maxSessions: options.maxSessions ?? DEFAULT_CONNECTION_LIMITS.maxSessions,
      maxSessionsPerAddress: options.maxSessionsPerAddress ?? DEFAULT_CONNECTION_LIMITS.maxSessionsPerAddress,
    });
    this.#idle = new IdleSweeper(
      { idleTimeoutMs: options.idleTimeoutMs ?? 0, idleWarningMs: options.idleWarningMs ?? 60_000 },
      () => this.#live.values(),
    );
    this.#idle.start();
    this.#keepAlive = new ServerInterval(options.keepAliveMs ?? 0, () => {
      for (const session of this.#live.values()) session.keepAlive();
    });
    this.#keepAlive.start();
    const observer = typeof options.inspect === 'function' ? { next: options.inspect } : options.inspect;
    const inspect = observer ? redactInspection(observer) : undefined;
    this.#supervisor = createActor(supervisorLogic, { inspect, id: 'supervisor' });
    this.#supervisor.subscribe({ error: (err) => this.logger.error('supervisor failed', err) });
    this.#supervisor.start();
    this.#services = {
      server: this,
      logger: this.logger,
      limits: { ...DEFAULT_LIMITS, ...pickLimits(options) },
      parent: this.#supervisor,
      machine: options.sessionMachine ?? sessionMachine,
      sessionEnded: (session) => {
        this.#live.delete(session.id);
        this.#counter.release(session.remoteAddress);
        // The supervisor learns it from the session actor's own end (see supervisorLogic).
      },
    };
    if (options.liveView) {
      this.liveViewAddress = this.listenLiveView(options.liveView);
      this.liveViewAddress.catch((err: unknown) => this.logger.error('live view could not listen', err));
    }
  }

  /** For `net.createServer(listener)`: serves each socket as a telnet session. */
  readonly connectionListener = (socket: Socket): void => {
    this.#sockets.add(socket);
    // `on`, not `once`: 'close' comes once anyway, and `once` wraps each listener in two more objects.
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', ignoreError); // reported by the transport; never an unhandled 'error'
    this.serve(new TelnetTransport(socket, { maxOutputBuffer: this.#options.maxOutputBuffer }));
  };

  /** Starts a session on any transport (used by the telnet and SSH listeners). */
  serve(transport: TerminalTransport): LiveSession | null {
    const refusal = this.#counter.admit(transport.remoteAddress);
    if (refusal !== null) {
      this.logger.warn(`[${transport.remoteAddress}] refused: ${refusal}`);
      transport.write(`${refusal}\n`);
      transport.exitStatus?.(1);
      transport.close();
      return null;
    }
    let session: LiveSession;
    try {
      session = new LiveSession(this.#handlerClass, transport, this.#services);
    } catch (err) {
      // A handler whose constructor throws costs that connection only.
      this.#counter.release(transport.remoteAddress);
      this.logger.error(`[${transport.remoteAddress}] could not create the session`, err);
      transport.write('Internal error; closing.\n');
      transport.close();
      return null;
    }
    this.#live.set(session.id, session);
    this.#supervisor.send({ type: 'SESSION_OPENED', session });
    session.start();
    return session;
  }

  listenTelnet(options: ListenOptions = {}): Promise<BoundAddress> {
    const onConnection = options.proxyProtocol ? acceptingProxyHeader(this.connectionListener, options.proxyProtocol, this.logger, 'telnet') : this.connectionListener;
    return this.listenWith(net.createServer(onConnection), options, 'telnet');
  }

  /** Serves the same handler over SSH (host key created on first run when `hostKeyFile` is given). */
  listenSsh(options: SshListenOptions): Promise<BoundAddress> {
    return listenSsh(this, options);
  }

  get sessions(): SessionInfo[] {
    return [...this.#live.values()].map((session) => ({
      id: session.id,
      username: session.handler.username,
      remoteAddress: session.remoteAddress,
      transport: session.transport,
      state: session.state,
      connectedAt: new Date(session.connectedAtMs),
    }));
  }

  sendTo(sessionId: string, text: string): boolean {
    if (this.#remote?.isRemote(sessionId)) return this.#remote.sendTo(sessionId, text);
    this.#supervisor.send({ type: 'SEND_TO', id: sessionId, text });
    return this.#live.has(sessionId);
  }

  broadcast(text: string, filter?: BroadcastFilter): number {
    this.#remote?.broadcast(text, filter); // first: a message too large for the bus is sent nowhere
    this.#supervisor.send({ type: 'BROADCAST', text, filter });
    let count = 0;
    for (const session of this.#live.values()) if (!filter || filter(session)) count++;
    return count;
  }

  /**
   * Serves the live view: a local page listing every session (user, address, state) with the session
   * statechart drawn and the states in use highlighted, updated live. Binds 127.0.0.1 by default.
   */
  async listenLiveView(options: LiveViewOptions = {}): Promise<BoundAddress> {
    if (this.#closing) throw new Error('server is closed');
    if (this.#liveView) throw new Error('the live view is already listening');
    const view = new LiveView(() => this.sessions, this.#services.machine, this.logger, options);
    this.#liveView = view;
    return view.listen(options);
  }

  /** Ends one session now (a running command is not waited for); false when it has already gone. */
  disconnect(sessionId: string, message: string | null = null): boolean {
    if (this.#remote?.isRemote(sessionId)) return this.#remote.disconnect(sessionId, message);
    this.#supervisor.send({ type: 'DISCONNECT', id: sessionId, message });
    return this.#live.has(sessionId);
  }

  // ---- Across processes (src/scale): one hook, which the supervisor takes over once it owns the registry ----
  #remote: RemoteSessions | null = null;

  /**
   * @internal Joins the sessions of other processes (see `scaleOut` in src/scale): session ids get
   * the process's prefix; `sendTo`/`disconnect` of another process's session and `broadcast` reach them.
   */
  joinProcesses(remote: RemoteSessions): void {
    if (this.#remote || this.#live.size > 0) throw new Error('join other processes once, before serving sessions');
    this.#remote = remote;
    this.#services.idPrefix = `${remote.processId}.`;
  }

  /** Every session on every process, with the process it lives on (local ones only when not scaled out). */
  listSessions(): Promise<ClusterSessionInfo[]> {
    return this.#remote?.list() ?? Promise.resolve(this.sessions.map((session) => ({ ...session, process: 'local' })));
  }

  /** Stops accepting, tells every session, runs every sessionEnd, resolves when all sockets closed. */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options);
    return this.#closing;
  }

  async #close({ message = 'Server shutting down.', timeoutMs = 5000 }: CloseOptions): Promise<void> {
    const listenersClosed = [...this.#listeners].map(
      (listener) => new Promise<void>((resolve) => listener.close(() => resolve())),
    );
    this.#idle.stop();
    this.#keepAlive.stop();
    this.#supervisor.send({ type: 'SHUTDOWN', message });
    try {
      await waitFor(this.#supervisor, (snapshot) => snapshot.status === 'done', { timeout: timeoutMs });
    } catch {
      this.logger.warn(`close: ${this.#live.size} session(s) still open after ${timeoutMs} ms; destroying them`);
    }
    // Sessions have said goodbye and half-closed their sockets; give peers a moment to close theirs.
    await Promise.all([...this.#sockets].map((socket) => closedSoon(socket, SOCKET_CLOSE_GRACE_MS)));
    await Promise.all(listenersClosed);
    await this.#liveView?.close();
  }

  /** @internal Binds a listener whose connections end up in `serve()`; closed by `close()`. */
  listenWith(listener: net.Server, { host = '127.0.0.1', port = 0 }: ListenOptions, kind: string): Promise<BoundAddress> {
    if (this.#closing) return Promise.reject(new Error('server is closed'));
    return new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
        listener.off('error', reject);
        listener.on('error', (err) => this.logger.error(`${kind} listener error`, err));
        this.#listeners.add(listener);
        const address = listener.address();
        if (address === null || typeof address === 'string') {
          reject(new Error(`unexpected ${kind} listener address`));
          return;
        }
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  /** @internal For transports that own their sockets (SSH): counted for a clean close. */
  trackSocket(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }
}

const SOCKET_CLOSE_GRACE_MS = 1000;
/** Connections the kernel may hold for us while the loop is busy: a burst of thousands is not dropped. */
const LISTEN_BACKLOG = 4096;

function closedSoon(socket: Socket, graceMs: number): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.destroy(), graceMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function pickLimits(options: ServerOptions): Partial<SessionLimits> {
  const limits: Partial<SessionLimits> = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof SessionLimits)[]) {
    const value = options[key];
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}

/** The high-level entry: a server for `handlerClass`; then `listenTelnet()` / `listenSsh()`. */
export function createServer(handlerClass: HandlerClass, options: ServerOptions = {}): Server {
  return new Server(handlerClass, options);
}

/** One listener for every socket: errors are the transport's to report. */
function ignoreError(): void {}
