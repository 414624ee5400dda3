import net, { type Socket } from 'node:net';
import { createActor, waitFor, type Actor, type InspectionEvent, type Observer } from 'xstate';
import { LiveSession, type HandlerClass, type SessionLimits, type SessionServices } from './actors/session.js';
import { redactInspection } from './actors/redactInspection.js';
import type { IdleOptions } from './actors/idleSweeper.js';
import { maxSessionsFor, type ConnectionLimits, type RefusalCause } from './actors/sessionLimits.js';
import { fileDescriptorLimit } from './actors/fileLimit.js';
import { RateLimitedLog } from './actors/rateLimitedLog.js';
import type { BoundAddress, ClusterSessionInfo, ListenOptions, ServerFacade, SessionInfo } from './serverFace.js';
import type { RemoteSessions } from './scale/remoteSessions.js';
import type { Delivery } from './scale/scaleOut.js';
import { createStderrLogger, sanitizingLogger, type Logger } from './logger.js';
import { cutMessage } from './text/messageCut.js';
import { neutralize } from './text/sanitize.js';
import { LoginThrottle, type LoginThrottleOptions } from './actors/loginThrottle.js';
import { supervisorLogic, type AdmissionReceipt, type BroadcastFilter, type Receipt, type SupervisorEvent } from './machines/supervisor.js';
import { sessionMachine, type AnySessionMachine } from './machines/session.js';
import { LiveView, type LiveViewOptions } from './liveView/liveViewServer.js';
import { TelnetTransport, formatAddress } from './transports/telnet.js';
import type { TerminalTransport } from './transports/terminalTransport.js';
import { listenSsh, type SshListenOptions } from './transports/sshListener.js';
import { WorkerPool, type WorkerPoolOptions, type WorkerPoolStats } from './workers/workerPool.js';
import { StallWatchdog } from './workers/stallWatchdog.js';
import { acceptingProxyHeader } from './transports/proxyListener.js';
import type { ConnectionHost } from './transports/connectionHost.js';
import type { InputBudget } from './transports/inputPacer.js';
import { MAX_WAITING_STARTS, sessionTeardowns, TurnQueue } from './transports/turnQueue.js';

/**
 * Every budget a client can make the server spend, per connection or in all; defaults in
 * `DEFAULT_LIMITS`, each checked where the resource is spent (README "Limits", SECURITY.md).
 */
export interface Limits extends SessionLimits, ConnectionLimits {
  /** Output queued for a client that does not read, beyond which it is dropped (bytes). */
  maxOutputBuffer: number;
  /** TCP keepalive on every accepted socket: first probe after this long without traffic (ms; 0 = off). */
  tcpKeepAliveMs: number;
}

export interface ServerOptions extends Partial<Limits>, Partial<IdleOptions> {
  logger?: Logger;
  /** An XState inspection observer given to the supervisor and every session actor. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** The chart every session runs: `sessionMachine` by default, or one built with `sessionChart`. */
  sessionMachine?: AnySessionMachine;
  /** Send every telnet session IAC NOP this often to find dead peers (ms; 0 = off, the default). */
  keepAliveMs?: number;
  /** Serve the live view page (sessions and their chart states) on this address; see `listenLiveView`. */
  liveView?: LiveViewOptions;
  /**
   * Failed logins (telnet and SSH) make the next attempt from the same address wait, doubling per
   * failure (1 s, 2 s, ... 16 s by default); `false` turns it off. An address without failures never waits.
   */
  loginThrottle?: Partial<LoginThrottleOptions> | false;
  /** Worker threads for `runInWorker`: `threads` (cores available minus one), `maxQueue` (64), `idleTimeoutMs` (30,000), `nice` (10). */
  workerPool?: Partial<WorkerPoolOptions>;
  /** Handler code holding the event loop longer than this is logged (ms; default 100, 0 = off). */
  stallThresholdMs?: number;
}

export type { ListenOptions, BoundAddress, SessionInfo } from './serverFace.js';

export interface CloseOptions {
  /** Shown to every session before it is closed. */
  message?: string;
  /** How long sessions get to end by themselves before their sockets are destroyed. */
  timeoutMs?: number;
  /**
   * Scaled out (src/scale): every other process closes too, its sessions shown the same message (over
   * Redis each process closes its own; in a node:cluster the primary shuts every worker down as on
   * SIGTERM). Default false: this process's sessions only. A server on its own ignores it.
   */
  everywhere?: boolean;
}

const defaultMaxSessions = maxSessionsFor(fileDescriptorLimit());

/**
 * The one table of budgets, with their defaults. Where each is checked: admission (`maxSessions`,
 * `maxUnauthenticated`, `maxSessionsPerAddress`) in the supervisor chart at accept, TCP keepalive in `Server`; input per turn
 * in the transports' `InputPacer`; output in the transports; line length in the line editor; timers
 * and messages in `LiveSession`; the login ones in the session chart.
 */
export const DEFAULT_LIMITS: Readonly<Limits> = {
  // Time
  negotiationTimeoutMs: 500,
  loginTimeoutMs: 60_000,
  maxLoginAttempts: 3,
  loginRetryDelayMs: 1000,
  // Input
  maxLineLength: 128 * 1024,
  maxLoginLineLength: 256,
  maxCommandLines: 64,
  inputBytesPerTurn: 64 * 1024,
  inputMsPerTurn: 2,
  // What a session holds
  maxTimers: 100,
  maxMessageLength: 64 * 1024,
  // Output and the socket
  maxOutputBuffer: 1024 * 1024,
  tcpKeepAliveMs: 60_000,
  // Admission: below the file-descriptor limit, half of it for clients not logged in yet, and a share
  // per address that lets a team behind one NAT work while one address cannot take the server.
  maxSessions: defaultMaxSessions,
  maxUnauthenticated: Math.ceil(defaultMaxSessions / 2),
  maxSessionsPerAddress: 32,
};

/**
 * The face of the supervisor: listeners and sockets in, sessions out. The supervisor actor owns the
 * sessions (its context is the only registry), admission, the idle sweep and keepalive; every
 * `sessions`, `sendTo`, `broadcast`, `disconnect` and `close` here reads from it or sends to it.
 */
export class Server implements ServerFacade, ConnectionHost {
  readonly logger: Logger;
  readonly #handlerClass: HandlerClass;
  readonly #options: ServerOptions;
  readonly #services: SessionServices;
  readonly #supervisor: Actor<typeof supervisorLogic>;
  readonly #listeners = new Set<net.Server>();
  readonly #sockets = new Set<Socket>();
  /** Refusals and accept errors: at most one line per cause per second, the rest counted. */
  readonly #rareLog: RateLimitedLog<RefusalCause | 'accept' | 'backlog' | 'starting'>;
  /** Admitted connections waiting for their turn to start a session (`startSession`). */
  readonly #starts: TurnQueue;
  readonly #tcpKeepAliveMs: number;
  #closing: Promise<void> | null = null;
  readonly #workers: WorkerPool;
  readonly #watchdog: StallWatchdog;
  #liveView: LiveView | null = null;
  /** Shared by the telnet login and the SSH listener (`ConnectionHost`); null when the option turned it off. */
  readonly loginThrottle: LoginThrottle | null;
  /** Where the live view listens, when the `liveView` option started it. */
  readonly liveViewAddress: Promise<BoundAddress> | null = null;

  constructor(handlerClass: HandlerClass, options: ServerOptions = {}) {
    this.#handlerClass = handlerClass;
    this.#options = options;
    // Every log line passes the sanitising boundary: client text in it cannot drive the admin's terminal.
    this.logger = sanitizingLogger(options.logger ?? createStderrLogger());
    this.loginThrottle = options.loginThrottle === false ? null : new LoginThrottle(options.loginThrottle, (line) => this.logger.warn(line));
    const maxSessions = options.maxSessions ?? DEFAULT_LIMITS.maxSessions;
    const connectionLimits: ConnectionLimits = {
      maxSessions,
      // Half of whatever maxSessions is, unless said.
      maxUnauthenticated: options.maxUnauthenticated || Math.ceil(maxSessions / 2),
      maxSessionsPerAddress: options.maxSessionsPerAddress ?? DEFAULT_LIMITS.maxSessionsPerAddress,
    };
    this.#rareLog = new RateLimitedLog((line) => this.logger.warn(line));
    this.#starts = new TurnQueue({ limit: MAX_WAITING_STARTS, failed: (err) => this.logger.error('could not start a session', err) });
    this.#tcpKeepAliveMs = options.tcpKeepAliveMs ?? DEFAULT_LIMITS.tcpKeepAliveMs;
    const fits = maxSessionsFor(fileDescriptorLimit());
    if (maxSessions > fits) {
      this.logger.warn(
        `maxSessions ${maxSessions} is above what the file-descriptor limit leaves room for (${fits}): ` +
          'clients over that are closed by the kernel without a refusal line; raise `ulimit -n` or lower maxSessions',
      );
    }
    this.#workers = new WorkerPool(options.workerPool ?? {}, this.logger);
    this.#watchdog = new StallWatchdog(
      { thresholdMs: options.stallThresholdMs ?? 100, commandsSince: (sinceMs) => this.#commandsSince(sinceMs) },
      this.logger,
    );
    const observer = typeof options.inspect === 'function' ? { next: options.inspect } : options.inspect;
    const inspect = observer ? redactInspection(observer) : undefined;
    this.#supervisor = createActor(supervisorLogic, {
      inspect,
      id: 'supervisor',
      input: {
        limits: connectionLimits,
        idle: { idleTimeoutMs: options.idleTimeoutMs ?? 0, idleWarningMs: options.idleWarningMs ?? 60_000 },
        keepAliveMs: options.keepAliveMs ?? 0,
        loginTimeoutMs: options.loginTimeoutMs ?? DEFAULT_LIMITS.loginTimeoutMs,
      },
    });
    this.#supervisor.subscribe({ error: (err) => this.logger.error('supervisor failed', err) });
    this.#supervisor.start();
    this.#services = {
      server: this,
      logger: this.logger,
      limits: { ...DEFAULT_LIMITS, ...pickLimits(options) },
      parent: this.#supervisor,
      machine: options.sessionMachine ?? sessionMachine,
      loginThrottle: this.loginThrottle,
      sessionAuthenticated: (session) => {
        this.#supervisor.send({ type: 'CONNECTION_AUTHENTICATED', remoteAddress: session.remoteAddress, session });
        this.#remoteSessions()?.sessionsChanged();
      },
      workers: this.#workers,
      watchdog: this.#watchdog,
      traceMessage: (text, to) => this.#liveView?.traceMessage(text, to),
    };
    if (options.liveView) {
      this.liveViewAddress = this.listenLiveView(options.liveView);
      this.liveViewAddress.catch((err: unknown) => this.logger.error('live view could not listen', err));
    }
  }

  /** For `net.createServer(listener)`: serves each socket as a telnet session. */
  readonly connectionListener = (socket: Socket): void => {
    if (!this.admitSocket(socket)) return;
    const acceptedAtMs = Date.now();
    this.startSession(socket, () => {
      this.serve(new TelnetTransport(socket, { maxOutputBuffer: this.#options.maxOutputBuffer, acceptedAtMs }));
      socket.resume(); // paused while it waited (or by the PROXY listener)
    });
  };

  /**
   * `ConnectionHost.startSession`: runs `start` (the session's start-up on an admitted socket) now
   * when no other waits and this turn's budget has room, else in its turn, the socket paused until
   * then (see `TurnQueue`: a few milliseconds of start-ups a turn, round-robin by address). A socket
   * that closes while it waits is taken out and never started.
   */
  startSession(socket: Socket, start: () => void): void {
    const cancel = () => {
      if (waiting) this.#starts.cancel(waiting);
    };
    const waiting = this.#starts.add(socket.remoteAddress ?? '', () => {
      socket.off('close', cancel);
      if (!socket.destroyed) start();
    });
    if (waiting === false) {
      // admitSocket refuses while the queue is full: only a listener that skipped it comes here.
      socket.destroy();
    } else if (waiting !== null) {
      socket.pause();
      socket.on('close', cancel);
    }
  }

  /** `ConnectionHost.admitSocket`: admission is the supervisor's guarded transition; refusals logged rate-limited. */
  admitSocket(socket: Socket): boolean {
    socket.on('error', ignoreError); // reported by the transport; never an unhandled 'error'
    const remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
    // The decision is the supervisor chart's (a guarded transition); the socket's I/O is done here.
    const receipt: AdmissionReceipt = { admitted: false, refusal: null };
    const startsFull = this.#starts.full;
    if (!this.#closing && !startsFull) this.#supervisor.send({ type: 'CONNECTION_OPENED', remoteAddress, receipt });
    if (!receipt.admitted) {
      const { refusal } = receipt;
      if (refusal) this.#rareLog.note(refusal.cause, `[${remoteAddress}] refused: ${refusal.reason}`);
      else if (startsFull && !this.#closing) {
        this.#rareLog.note('starting', `[${remoteAddress}] refused: ${this.#starts.size} connections waiting to start (at most ${MAX_WAITING_STARTS})`);
      }
      const line = refusal?.line ?? (startsFull && !this.#closing ? STARTS_FULL_LINE : 'Server shutting down.');
      socket.end(`${line}\r\n`);
      socket.resume(); // what the client sent is read and dropped, so its FIN closes the socket
      const timer = setTimeout(() => socket.destroy(), SOCKET_CLOSE_GRACE_MS);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
      return false;
    }
    this.#sockets.add(socket);
    // `on`, not `once`: 'close' comes once anyway, and `once` wraps each listener in two more objects.
    socket.on('close', () => {
      this.#sockets.delete(socket);
      // Counted until its turn to be torn down comes (turnQueue.ts): the admission limits bound that queue.
      sessionTeardowns.add('', () => this.#supervisor.send({ type: 'CONNECTION_CLOSED', remoteAddress }));
    });
    // A peer that vanished without FIN or RST is found by the kernel, not held for ever.
    if (this.#tcpKeepAliveMs > 0) socket.setKeepAlive(true, this.#tcpKeepAliveMs);
    return true;
  }

  /** Starts a session on any transport (used by the telnet and SSH listeners, after `admitSocket`). */
  serve(transport: TerminalTransport): LiveSession | null {
    let session: LiveSession;
    try {
      session = new LiveSession(this.#handlerClass, transport, this.#services);
    } catch (err) {
      // A handler whose constructor throws costs that connection only.
      this.logger.error(`[${transport.remoteAddress}] could not create the session`, err);
      transport.write('Internal error; closing.\n');
      transport.close();
      return null;
    }
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

  /**
   * The supervisor's registry. Only `serve` registers sessions, and only LiveSessions: the chart
   * keeps them as the `SupervisedSession` it needs.
   */
  #registry(): Iterable<LiveSession> {
    return this.#supervisor.getSnapshot().context.sessions.values() as Iterable<LiveSession>;
  }

  /** Every live session; its text is neutralised (a handler may have set any username). */
  get sessions(): SessionInfo[] {
    return [...this.#registry()].map((session) => ({
      id: session.id,
      username: session.handler.username === null ? null : neutralize(session.handler.username),
      remoteAddress: neutralize(session.remoteAddress),
      transport: session.transport,
      state: neutralize(session.state),
      connectedAt: new Date(session.connectedAtMs),
    }));
  }

  // sendTo, broadcast and disconnect carry text from one session to others: this is where it crosses
  // the sanitising boundary (line breaks kept, every other control character shown, not sent).
  // The counts are those the supervisor reached (a session still open; its chart decides whether it
  // shows, holds or drops the message).
  // Scaled out, the supervisor hands what is for other processes' sessions on to them.
  sendTo(sessionId: string, text: string): boolean {
    const clean = neutralize(text, { lineBreaks: true });
    return this.#route({ type: 'MESSAGE', to: sessionId, text: this.#crossing(clean), trace: this.#liveView?.traceMessage(clean, sessionId) }) > 0;
  }

  /**
   * Returns the sessions it was addressed to (open now, accepted by `filter`); see ServerFacade.
   * Scaled out: to every process; too large for the bus, a `MessageTooLargeError` and sent nowhere.
   */
  broadcast(text: string, filter?: BroadcastFilter): number {
    const clean = neutralize(text, { lineBreaks: true });
    return this.#route({ type: 'MESSAGE', text: this.#crossing(clean), filter, trace: this.#liveView?.traceMessage(clean, null, filter !== undefined) });
  }

  /**
   * Scaled out, a message is cut here as each session would cut it (a text already cut is not cut
   * again), so what crosses to other processes fits the bus and reads the same on every process.
   */
  #crossing(text: string): string {
    return this.#remoteSessions() === null ? text : cutMessage(text, this.#services.limits.maxMessageLength);
  }

  /** Sends `event` to the supervisor and says how many sessions it reached. */
  #route(event: Extract<SupervisorEvent, { type: 'MESSAGE' | 'DISCONNECT' }>): number {
    const receipt: Receipt = { reached: -1 };
    this.#supervisor.send({ ...event, receipt });
    if (receipt.refused) throw receipt.refused;
    if (receipt.backlogged) this.#rareLog.note('backlog', 'message not sent: too many deliveries of earlier messages still waiting');
    if (receipt.reached >= 0) return receipt.reached;
    // Sent from inside the supervisor's own work (a sessionEnd run by the shutdown it routes): the
    // event waits its turn there; it will reach the sessions open now, which are counted instead.
    let count = 0;
    for (const session of this.#registry()) {
      if (session.actor.getSnapshot().status !== 'active') continue;
      if (event.type === 'DISCONNECT' || event.to !== undefined) count += session.id === (event.type === 'DISCONNECT' ? event.id : event.to) ? 1 : 0;
      else if (!event.filter || event.filter(session)) count++;
    }
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

  /** The worker pool of `runInWorker`: tasks running, threads alive, its options. */
  get workerPool(): WorkerPoolStats {
    return this.#workers;
  }

  /** For the stall watchdog: commands running now or ended since `sinceMs`, as `s3 'crunch'`. */
  #commandsSince(sinceMs: number): string[] {
    const commands: string[] = [];
    for (const session of this.#registry()) {
      // A command waiting in readLine for its user runs nothing: no suspect.
      if (session.command !== null && session.actor.getSnapshot().matches({ shell: 'awaitingLine' })) continue;
      const name = session.command ?? (session.lastCommandEndedAt >= sinceMs ? session.lastCommand : null);
      if (name !== null) commands.push(`${session.id} '${name.toLowerCase()}'`);
    }
    return commands;
  }

  /** Ends one session now (a running command is not waited for); false when it has already gone. */
  disconnect(sessionId: string, message: string | null = null): boolean {
    const clean = message === null ? null : neutralize(message, { lineBreaks: true });
    return this.#route({ type: 'DISCONNECT', id: sessionId, message: clean }) > 0;
  }

  // ---- Across processes (src/scale): the supervisor holds the other processes' sessions ----

  /**
   * @internal Joins the sessions of other processes (see `scaleOut` in src/scale): session ids get
   * the process's prefix, and the supervisor routes to `remote` what is for other processes.
   */
  joinProcesses(remote: RemoteSessions): void {
    if (this.#remoteSessions()) throw new Error('join other processes once, before serving sessions');
    this.#supervisor.send({ type: 'JOIN_PROCESSES', remote });
    if (this.#remoteSessions() !== remote) throw new Error('join other processes once, before serving sessions');
    this.#services.idPrefix = `${remote.processId}.`;
  }

  /** @internal What another process sent for this process's sessions (scaleOut); its text is neutralised again here. */
  receive(message: Delivery): void {
    const clean = (text: string) => neutralize(text, { lineBreaks: true });
    switch (message.t) {
      case 'sendTo':
        this.#supervisor.send({ type: 'MESSAGE', to: message.id, text: clean(message.text), here: true });
        break;
      case 'deliver': {
        const text = clean(message.text);
        for (const id of message.ids) this.#supervisor.send({ type: 'MESSAGE', to: id, text, here: true });
        break;
      }
      case 'broadcast':
        this.#supervisor.send({ type: 'MESSAGE', text: clean(message.text), here: true });
        break;
      case 'disconnect':
        this.#supervisor.send({ type: 'DISCONNECT', id: message.id, message: message.message === null ? null : clean(message.message), here: true });
        break;
    }
  }

  #remoteSessions(): RemoteSessions | null {
    return this.#supervisor.getSnapshot().context.remote;
  }

  /** Every session on every process, with the process it lives on (local ones only when not scaled out). */
  listSessions(options: { signal?: AbortSignal } = {}): Promise<ClusterSessionInfo[]> {
    return this.#remoteSessions()?.list(options.signal) ?? Promise.resolve(this.sessions.map((session) => ({ ...session, process: 'local' })));
  }

  /** Stops accepting, tells every session, runs every sessionEnd, resolves when all sockets closed. */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options);
    return this.#closing;
  }

  async #close({ message = 'Server shutting down.', timeoutMs = 5000, everywhere = false }: CloseOptions): Promise<void> {
    const listenersClosed = [...this.#listeners].map(
      (listener) => new Promise<void>((resolve) => listener.close(() => resolve())),
    );
    this.#supervisor.send({ type: 'SHUTDOWN', message, everywhere });
    try {
      await waitFor(this.#supervisor, (snapshot) => snapshot.status === 'done', { timeout: timeoutMs });
    } catch {
      this.logger.warn(`close: ${this.#supervisor.getSnapshot().context.sessions.size} session(s) still open after ${timeoutMs} ms; destroying them`);
    }
    // Sessions have said goodbye and half-closed their sockets; give peers a moment to close theirs.
    await Promise.all([...this.#sockets].map((socket) => closedSoon(socket, SOCKET_CLOSE_GRACE_MS)));
    await Promise.all(listenersClosed);
    await this.#liveView?.close();
    // Sessions are gone and their tasks aborted; anything still in a thread (a task started outside a session) ends here.
    await this.#workers.close();
    this.#watchdog.stop();
    this.#rareLog.flush();
  }

  /** `ConnectionHost.listenWith`: binds a listener whose connections end up in `serve()`; closed by `close()`. */
  listenWith(listener: net.Server, { host = '127.0.0.1', port = 0 }: ListenOptions, kind: string): Promise<BoundAddress> {
    if (this.#closing) return Promise.reject(new Error('server is closed'));
    return new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
        listener.off('error', reject);
        listener.on('error', (err: NodeJS.ErrnoException) => {
          // Out of descriptors: said once a second at most, never once per client (libuv closes such
          // connections itself and goes on accepting when descriptors are free again).
          if (err.code === 'EMFILE' || err.code === 'ENFILE') {
            this.#rareLog.note(
              'accept',
              `${kind}: cannot accept a connection (${err.code}, out of file descriptors) with ${this.connectionCounts.total} open; ` +
                'lower maxSessions or raise `ulimit -n`',
            );
          } else this.logger.error(`${kind} listener error`, err);
        });
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

  /** The `maxOutputBuffer` option, for transports made outside this file (SSH, `ConnectionHost`). */
  get maxOutputBuffer(): number | undefined {
    return this.#options.maxOutputBuffer;
  }

  /** The per-connection input budget, for transports made outside this file (SSH, `ConnectionHost`). */
  get inputBudget(): InputBudget {
    return {
      bytesPerTurn: this.#options.inputBytesPerTurn ?? DEFAULT_LIMITS.inputBytesPerTurn,
      msPerTurn: this.#options.inputMsPerTurn ?? DEFAULT_LIMITS.inputMsPerTurn,
    };
  }

  /** Connections open now, and of those not logged in yet (what admission counts). */
  get connectionCounts(): { total: number; unauthenticated: number } {
    const { connections } = this.#supervisor.getSnapshot().context;
    return { total: connections.total, unauthenticated: connections.unauthenticated };
  }
}

const SOCKET_CLOSE_GRACE_MS = 1000;
const STARTS_FULL_LINE = 'Too many connections starting; please try again later.';
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
