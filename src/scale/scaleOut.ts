import type { Logger } from '../logger.js';
import type { ClusterSessionInfo, SessionInfo } from '../serverFace.js';
import { LIST_TIMEOUT_MS, MessageTooLargeError, type ScaleBackend, type ScaleMessage, SCALE_LOG_INTERVAL_MS } from './bus.js';
import { withDeadline } from './deadline.js';
import { RateLimitedLog } from '../actors/rateLimitedLog.js';
import type { RemoteSessions } from './remoteSessions.js';

/** What another process asks of this one's sessions (closing is the scale-out's own, see `onCloseRequest`). */
export type Delivery = Exclude<ScaleMessage, { t: 'close' }>;

/** What the scale-out needs of the server it serves (a `Server`). */
export interface ScaledServer {
  readonly sessions: ReadonlyArray<SessionInfo>;
  /** Gives the server's supervisor the other processes' sessions to route to. */
  joinProcesses(remote: RemoteSessions): void;
  /** Hands what another process sent to this process's sessions (never sent on to others). */
  receive(message: Delivery): void;
  close(options?: { message?: string }): Promise<void>;
  readonly logger: Logger;
}

export interface ScaleOutOptions {
  /** How often this process writes its sessions to the directory (ms; default 1000). */
  heartbeatMs?: number;
  /**
   * Another process asked every process to close (`close({ everywhere: true })` there, or the
   * cluster primary's SIGTERM). Default: close the server with `message`, then leave the bus; give
   * your own to exit the program afterwards (the demo does).
   */
  onCloseRequest?: (message: string) => void;
}

/**
 * A login is written to the directory this soon at most after the last such write (ms): at once when
 * none was written lately, and one write for any number of logins in between, so a burst of logins
 * costs at most ten directory writes a second (each compares every session of this process).
 */
export const CHANGE_SYNC_MS = 100;

/** Ids per `deliver` message of a filtered broadcast, so each stays well under the bus limit. */
const IDS_PER_MESSAGE = 500;

/**
 * Binds a server to a bus and directory: its sessions are written to the directory at every
 * heartbeat, messages from other processes reach its sessions, and its `sendTo`, `broadcast`,
 * `disconnect`, `close({ everywhere })` and `listSessions` reach every process. Call before the
 * server takes connections.
 */
export function scaleOut(server: ScaledServer, backend: ScaleBackend, options: ScaleOutOptions = {}): ScaleOut {
  return new ScaleOut(server, backend, options);
}

export class ScaleOut implements RemoteSessions {
  readonly processId: string;
  readonly #server: ScaledServer;
  readonly #backend: ScaleBackend;
  readonly #log: RateLimitedLog;
  readonly #timer: NodeJS.Timeout;
  readonly #heartbeatMs: number;
  readonly #onCloseRequest: (message: string) => void;
  /** What the directory holds of our sessions (id -> username and state), to write only what changed. */
  #written = new Map<string, string>();
  /** Bumped when the directory lost our part: a sync begun before must not mark its view written. */
  #generation = 0;
  #syncing: Promise<void> | null = null;
  /**
   * The directory as filtered broadcasts read it, kept for a heartbeat (it is that old at best
   * anyway): a flood of `say` reads it once a second, not once per line.
   */
  #view: { until: number; sessions: Promise<ClusterSessionInfo[]> } | null = null;
  #closed = false;
  /** The write a login asked for, while it waits for its turn (see `CHANGE_SYNC_MS`). */
  #changeSync: NodeJS.Timeout | null = null;
  #lastChangeSync = -Infinity;

  constructor(server: ScaledServer, backend: ScaleBackend, options: ScaleOutOptions) {
    this.#server = server;
    this.#backend = backend;
    this.processId = backend.processId;
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
    this.#log = new RateLimitedLog((line) => server.logger.warn(line), SCALE_LOG_INTERVAL_MS);
    this.#onCloseRequest =
      options.onCloseRequest ??
      ((message) => {
        void server.close({ message }).then(() => this.close());
      });
    server.joinProcesses(this);
    backend.onMessage((message, from) => this.#deliver(message, from));
    backend.onReset(() => this.#directoryLost());
    this.#timer = setInterval(() => void this.sync(), this.#heartbeatMs);
    this.#timer.unref();
    void this.sync();
  }

  isRemote(sessionId: string): boolean {
    const dot = sessionId.lastIndexOf('.');
    return dot > 0 && sessionId.slice(0, dot) !== this.processId;
  }

  refusal(text: string): Error | null {
    const bytes = this.#backend.sizeOf({ t: 'broadcast', text });
    return bytes > this.#backend.maxMessageBytes ? new MessageTooLargeError(bytes, this.#backend.maxMessageBytes) : null;
  }

  sendTo(sessionId: string, text: string): boolean {
    return this.#publish(sessionId.slice(0, sessionId.lastIndexOf('.')), { t: 'sendTo', id: sessionId, text });
  }

  disconnect(sessionId: string, message: string | null): boolean {
    return this.#publish(sessionId.slice(0, sessionId.lastIndexOf('.')), { t: 'disconnect', id: sessionId, message });
  }

  closeEverywhere(message: string): void {
    this.#publish('*', { t: 'close', message });
  }

  broadcast(text: string, filter?: (session: { id: string; username: string | null }) => boolean): void {
    if (this.#closed) return;
    if (!filter) {
      this.#publish('*', { t: 'broadcast', text });
      return;
    }
    // A filter is code: it runs here, on the directory's view of the other processes' sessions.
    void this.#directoryView().then(
      (sessions) => {
        const byProcess = new Map<string, string[]>();
        for (const session of sessions) {
          if (session.process === this.processId || !filter(session)) continue;
          const ids = byProcess.get(session.process) ?? [];
          ids.push(session.id);
          byProcess.set(session.process, ids);
        }
        for (const [process, ids] of byProcess) {
          for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE) this.#publish(process, { t: 'deliver', ids: ids.slice(i, i + IDS_PER_MESSAGE), text });
        }
      },
      (err: Error) => this.#log.note('broadcast', `scale-out: broadcast reached this process only (${err.message})`),
    );
  }

  #directoryView(): Promise<ClusterSessionInfo[]> {
    const now = Date.now();
    if (this.#view && now < this.#view.until) return this.#view.sessions;
    const sessions = this.#backend.list();
    this.#view = { until: now + this.#heartbeatMs, sessions };
    sessions.catch(() => (this.#view = null)); // a failed read is not kept
    return sessions;
  }

  async list(signal?: AbortSignal): Promise<ClusterSessionInfo[]> {
    // Our own part is current first; the others' are at most a heartbeat old.
    const all = this.sync().then(() => this.#backend.list());
    try {
      return await withDeadline(all, LIST_TIMEOUT_MS, signal);
    } catch (err) {
      if (signal?.aborted && err === signal.reason) throw err;
      this.#log.note('list', `scale-out: other processes' sessions unavailable (${(err as Error).message}); listing this one's`);
      return this.#local();
    }
  }

  sessionsChanged(): void {
    if (this.#closed || this.#changeSync) return;
    const wait = Math.max(0, this.#lastChangeSync + CHANGE_SYNC_MS - Date.now());
    this.#changeSync = setTimeout(() => {
      this.#changeSync = null;
      this.#lastChangeSync = Date.now();
      void this.sync();
    }, wait);
    this.#changeSync.unref();
  }

  /** Writes what changed of this process's sessions to the directory (and says it is alive). */
  sync(): Promise<void> {
    this.#syncing ??= this.#sync().finally(() => (this.#syncing = null));
    return this.#syncing;
  }

  async #sync(): Promise<void> {
    if (this.#closed) return;
    const generation = this.#generation;
    const next = new Map<string, string>();
    const changed: ClusterSessionInfo[] = [];
    // Only the username and the chart state of a session change; comparing those, rather than
    // serialising every session at every heartbeat, keeps an idle process of 15,000 sessions idle.
    for (const session of this.#server.sessions) {
      const signature = `${session.username ?? ''}\0${session.state}`;
      next.set(session.id, signature);
      if (this.#written.get(session.id) !== signature) changed.push({ ...session, process: this.processId });
    }
    const removed: string[] = [];
    for (const id of this.#written.keys()) if (!next.has(id)) removed.push(id);
    try {
      await this.#backend.update(changed, removed);
      if (generation === this.#generation) this.#written = next;
    } catch (err) {
      // Tried again at the next heartbeat with everything still unwritten.
      this.#log.note('sync', `scale-out: directory not updated (${(err as Error).message})`);
    }
  }

  /** The directory lost our part (Redis restarted, or we were stopped past the TTL): write it all again now. */
  #directoryLost(): void {
    this.#generation++;
    this.#written = new Map();
    void (this.#syncing ?? Promise.resolve()).then(() => this.sync());
  }

  #local(): ClusterSessionInfo[] {
    return this.#server.sessions.map((session) => ({ ...session, process: this.processId }));
  }

  /** Never throws into the supervisor: a message too large or a transport fault is logged and dropped. */
  #publish(to: string, message: ScaleMessage): boolean {
    if (this.#closed) return false;
    try {
      this.#backend.publish(to, message);
      return true;
    } catch (err) {
      this.#log.note('publish', `scale-out: ${(err as Error).message}`);
      return false;
    }
  }

  #deliver(message: ScaleMessage, from: string): void {
    if (this.#closed) return;
    // Whatever a message does here, it must not throw into the bus (or into a session).
    try {
      if (message.t === 'close') {
        this.#server.logger.info(`scale-out: ${from} asked every process to close`);
        this.#onCloseRequest(message.message);
      } else this.#server.receive(message);
    } catch (err) {
      this.#log.note('deliver', `scale-out: message from ${from} not delivered (${(err as Error).message})`);
    }
  }

  /** Stops the heartbeat, takes this process's sessions out of the directory, leaves the bus. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.sync();
    this.#closed = true;
    clearInterval(this.#timer);
    if (this.#changeSync) clearTimeout(this.#changeSync);
    await this.#backend.close();
  }
}
