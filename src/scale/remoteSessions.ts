import type { ClusterSessionInfo } from '../serverFace.js';

/**
 * The other processes' sessions, as the supervisor (the one owner of sessions) sees them: it holds
 * one of these once the server joined other processes (scaleOut.ts implements it) and routes to it
 * what is not for its own sessions. Synchronous, as the supervisor's actions are; `list` is the one
 * operation that must wait for the others, and the server awaits it outside the chart.
 */
export interface RemoteSessions {
  readonly processId: string;
  /** The id belongs to a session on another process (its prefix says which). */
  isRemote(sessionId: string): boolean;
  /** Why `text` cannot go to the other processes (too large for the bus), or null when it can. */
  refusal(text: string): Error | null;
  /** Hands the text to the session's process; true when handed on (its arrival is not awaited). */
  sendTo(sessionId: string, text: string): boolean;
  /** To the sessions of every other process that pass `filter`. Never throws (faults are logged). */
  broadcast(text: string, filter?: (session: { id: string; username: string | null }) => boolean): void;
  disconnect(sessionId: string, message: string | null): boolean;
  /** Tells every other process to close (its sessions shown `message`); see `CloseOptions.everywhere`. */
  closeEverywhere(message: string): void;
  /**
   * Every session of every live process, this one's included; this one's only when the others do not
   * answer within `LIST_TIMEOUT_MS`. Rejects with `signal.reason` when it is aborted first.
   */
  list(signal?: AbortSignal): Promise<ClusterSessionInfo[]>;
  /** A session here logged in: the other processes see it soon (`who`), not at the next heartbeat. */
  sessionsChanged(): void;
}
