import type { Logger } from '../logger.js';
import type { ClusterSessionInfo, SessionInfo } from '../serverFace.js';
import { encodeMessage, LIST_TIMEOUT_MS, type ScaleBackend, type ScaleMessage, SCALE_LOG_INTERVAL_MS } from './bus.js';
import { withDeadline } from './deadline.js';
import { RateLimitedLog } from '../actors/rateLimitedLog.js';
import type { RemoteSessions } from './remoteSessions.js';

/** What the scale-out needs of the server it serves (a `Server`). */
export interface ScaledServer {
  readonly sessions: ReadonlyArray<SessionInfo>;
  sendTo(sessionId: string, text: string): boolean;
  broadcast(text: string, filter?: (session: { id: string; username: string | null }) => boolean): number;
  disconnect(sessionId: string, message?: string | null): boolean;
  joinProcesses(remote: RemoteSessions): void;
  readonly logger: Logger;
}

export interface ScaleOutOptions {
  /** How often this process writes its sessions to the directory (ms; default 1000). */
  heartbeatMs?: number;
}

/** Ids per `deliver` message of a filtered broadcast, so each stays well under the bus limit. */
const IDS_PER_MESSAGE = 500;

/**
 * Binds a server to a bus and directory: its sessions are written to the directory at every
 * heartbeat, messages from other processes reach its sessions, and its `sendTo`, `broadcast`,
 * `disconnect` and `listSessions` reach every process. Call before the server takes connections.
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
  /** What the directory holds of our sessions (id -> username and state), to write only what changed. */
  #written = new Map<string, string>();
  #syncing: Promise<void> | null = null;
  /** Set while a message from another process is delivered here, so it is not sent on again. */
  #relaying = false;
  #closed = false;

  constructor(server: ScaledServer, backend: ScaleBackend, options: ScaleOutOptions) {
    this.#server = server;
    this.#backend = backend;
    this.processId = backend.processId;
    this.#log = new RateLimitedLog((line) => server.logger.warn(line), SCALE_LOG_INTERVAL_MS);
    server.joinProcesses(this);
    backend.onMessage((message, from) => this.#deliver(message, from));
    backend.onReset(() => (this.#written = new Map()));
    this.#timer = setInterval(() => void this.sync(), options.heartbeatMs ?? 1000);
    this.#timer.unref();
    void this.sync();
  }

  isRemote(sessionId: string): boolean {
    const dot = sessionId.lastIndexOf('.');
    return dot > 0 && sessionId.slice(0, dot) !== this.processId;
  }

  sendTo(sessionId: string, text: string): boolean {
    this.#backend.publish(sessionId.slice(0, sessionId.lastIndexOf('.')), { t: 'sendTo', id: sessionId, text });
    return true;
  }

  disconnect(sessionId: string, message: string | null): boolean {
    this.#backend.publish(sessionId.slice(0, sessionId.lastIndexOf('.')), { t: 'disconnect', id: sessionId, message });
    return true;
  }

  broadcast(text: string, filter?: (session: { id: string; username: string | null }) => boolean): void {
    if (this.#relaying) return;
    if (!filter) {
      this.#backend.publish('*', { t: 'broadcast', text });
      return;
    }
    // A filter is code: it runs here, on the directory's view of the other processes' sessions.
    encodeMessage({ t: 'broadcast', text }, this.#backend.maxMessageBytes); // too large: refused now, not later
    void this.#backend.list().then(
      (sessions) => {
        const byProcess = new Map<string, string[]>();
        for (const session of sessions) {
          if (session.process === this.processId || !filter(session)) continue;
          const ids = byProcess.get(session.process) ?? [];
          ids.push(session.id);
          byProcess.set(session.process, ids);
        }
        for (const [process, ids] of byProcess) {
          for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE) {
            this.#publishSafely(process, { t: 'deliver', ids: ids.slice(i, i + IDS_PER_MESSAGE), text });
          }
        }
      },
      (err: Error) => this.#log.note('broadcast', `scale-out: broadcast reached this process only (${err.message})`),
    );
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

  /** Writes what changed of this process's sessions to the directory (and says it is alive). */
  sync(): Promise<void> {
    this.#syncing ??= this.#sync().finally(() => (this.#syncing = null));
    return this.#syncing;
  }

  async #sync(): Promise<void> {
    if (this.#closed) return;
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
      this.#written = next;
    } catch (err) {
      // Tried again at the next heartbeat with everything still unwritten.
      this.#log.note('sync', `scale-out: directory not updated (${(err as Error).message})`);
    }
  }

  #local(): ClusterSessionInfo[] {
    return this.#server.sessions.map((session) => ({ ...session, process: this.processId }));
  }

  #publishSafely(to: string, message: ScaleMessage): void {
    try {
      this.#backend.publish(to, message);
    } catch (err) {
      this.#log.note('publish', `scale-out: ${(err as Error).message}`);
    }
  }

  #deliver(message: ScaleMessage, from: string): void {
    // Whatever a message does here, it must not throw into the bus (or into a session).
    this.#relaying = true;
    try {
      switch (message.t) {
        case 'sendTo':
          if (!this.isRemote(message.id)) this.#server.sendTo(message.id, message.text);
          break;
        case 'deliver':
          for (const id of message.ids) if (!this.isRemote(id)) this.#server.sendTo(id, message.text);
          break;
        case 'broadcast':
          this.#server.broadcast(message.text);
          break;
        case 'disconnect':
          if (!this.isRemote(message.id)) this.#server.disconnect(message.id, message.message);
          break;
      }
    } catch (err) {
      this.#log.note('deliver', `scale-out: message from ${from} not delivered (${(err as Error).message})`);
    } finally {
      this.#relaying = false;
    }
  }

  /** Stops the heartbeat, takes this process's sessions out of the directory, leaves the bus. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.sync();
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#backend.close();
  }
}
