import type { ClusterSessionInfo } from '../serverFace.js';

/**
 * What a server asks of the other processes' sessions: the seam between the server (later its
 * supervisor, the one owner of sessions) and the scale-out (scaleOut.ts). Synchronous where the
 * server's own API is; `list` is the one operation that must wait for the others.
 */
export interface RemoteSessions {
  readonly processId: string;
  /** The id belongs to a session on another process (its prefix says which). */
  isRemote(sessionId: string): boolean;
  /** Hands the text to the session's process; true when handed on (its arrival is not awaited). */
  sendTo(sessionId: string, text: string): boolean;
  /** To the sessions of every other process that pass `filter`. Throws when too large for the bus. */
  broadcast(text: string, filter?: (session: { id: string; username: string | null }) => boolean): void;
  disconnect(sessionId: string, message: string | null): boolean;
  /**
   * Every session of every live process, this one's included; this one's only when the others do not
   * answer within `LIST_TIMEOUT_MS`. Rejects with `signal.reason` when it is aborted first.
   */
  list(signal?: AbortSignal): Promise<ClusterSessionInfo[]>;
}
