/** How many connections a server takes: in all, before login, and per remote address. */
export interface ConnectionLimits {
  /**
   * Connections at once (each telnet session, each SSH connection with its channels); the one over
   * gets a one-line refusal and is closed. By default derived from the process's file-descriptor limit.
   */
  maxSessions: number;
  /** Of those, connections not logged in yet (0 = half of maxSessions), so anonymous clients cannot fill the server. */
  maxUnauthenticated: number;
  /** Connections at once from one remote address; 0 = no limit. */
  maxSessionsPerAddress: number;
}

export type RefusalCause = 'sessions' | 'unauthenticated' | 'address';

export interface Refusal {
  cause: RefusalCause;
  /** What the client reads before the connection is closed. */
  line: string;
  /** Why, for the server log. */
  reason: string;
}

/** What is open when a new connection asks to come in. */
export interface AdmissionCounts {
  total: number;
  unauthenticated: number;
  fromAddress: number;
}

/** The decision alone (no state, no I/O): may one more, not yet logged in, connection start? */
export function admissionVerdict(counts: AdmissionCounts, limits: ConnectionLimits): Refusal | null {
  if (counts.total >= limits.maxSessions) {
    return { cause: 'sessions', line: 'Too many sessions; please try again later.', reason: `${counts.total} connections open (maxSessions ${limits.maxSessions})` };
  }
  if (counts.unauthenticated >= limits.maxUnauthenticated) {
    return {
      cause: 'unauthenticated',
      line: 'Too many connections waiting to log in; please try again later.',
      reason: `${counts.unauthenticated} connections not logged in yet (maxUnauthenticated ${limits.maxUnauthenticated})`,
    };
  }
  if (limits.maxSessionsPerAddress > 0 && counts.fromAddress >= limits.maxSessionsPerAddress) {
    return {
      cause: 'address',
      line: 'Too many sessions from your address.',
      reason: `${counts.fromAddress} connections from this address (maxSessionsPerAddress ${limits.maxSessionsPerAddress})`,
    };
  }
  return null;
}

/** File descriptors kept for the process itself: listeners, logs, the live view, user code. */
const RESERVED_FDS = 64;
/** Above this, memory rather than descriptors is what runs out first (about 15 KiB per session). */
const MAX_DEFAULT_SESSIONS = 20_000;
/** Where the limit cannot be read: a limit every platform allows (1,024 less the reserve). */
const FALLBACK_SESSIONS = 1024 - RESERVED_FDS - 64;

/**
 * The default `maxSessions` for a process allowed `fdLimit` open files (null: unknown): each
 * connection holds one descriptor, and a 16th of the limit plus 64 stay free, so the server refuses
 * with a line before the kernel has to refuse silently.
 */
export function maxSessionsFor(fdLimit: number | null): number {
  if (fdLimit === null || !Number.isFinite(fdLimit)) return FALLBACK_SESSIONS;
  return Math.max(1, Math.min(MAX_DEFAULT_SESSIONS, Math.floor(fdLimit - RESERVED_FDS - fdLimit / 16)));
}

/** The host part of `host:port` or `[v6]:port`. */
export function hostOf(remoteAddress: string): string {
  if (remoteAddress.startsWith('[')) return remoteAddress.slice(1, remoteAddress.indexOf(']'));
  const colon = remoteAddress.lastIndexOf(':');
  return colon < 0 ? remoteAddress : remoteAddress.slice(0, colon);
}

interface Connection {
  host: string;
  /** Connections under this remote address (more than one only when a port is reused). */
  open: number;
  /** Of those, not logged in yet. */
  unauthenticated: number;
}

/** The counts admission decides on: connections open, not yet logged in, and per remote address. */
export class SessionCounter {
  readonly #limits: ConnectionLimits;
  readonly #connections = new Map<string, Connection>();
  readonly #perHost = new Map<string, number>();
  #total = 0;
  #unauthenticated = 0;

  constructor(limits: ConnectionLimits) {
    this.#limits = limits;
  }

  get limits(): Readonly<ConnectionLimits> {
    return this.#limits;
  }

  get total(): number {
    return this.#total;
  }

  get unauthenticated(): number {
    return this.#unauthenticated;
  }

  /** Why one more connection from `remoteAddress` may not start now, or null when it may. */
  verdict(remoteAddress: string): Refusal | null {
    const fromAddress = this.#perHost.get(hostOf(remoteAddress)) ?? 0;
    return admissionVerdict({ total: this.#total, unauthenticated: this.#unauthenticated, fromAddress }, this.#limits);
  }

  /** Counts a connection (as not logged in) that `verdict` let in. */
  add(remoteAddress: string): void {
    const host = hostOf(remoteAddress);
    this.#total++;
    this.#unauthenticated++;
    this.#perHost.set(host, (this.#perHost.get(host) ?? 0) + 1);
    const connection = this.#connections.get(remoteAddress);
    if (connection) {
      connection.open++;
      connection.unauthenticated++;
    } else {
      this.#connections.set(remoteAddress, { host, open: 1, unauthenticated: 1 });
    }
  }

  /** A refusal, or null when the connection may start (it is then counted, as not logged in). */
  admit(remoteAddress: string): Refusal | null {
    const refusal = this.verdict(remoteAddress);
    if (refusal === null) this.add(remoteAddress);
    return refusal;
  }

  /** The connection has logged in (said again for each SSH channel: counted once). */
  authenticated(remoteAddress: string): void {
    const connection = this.#connections.get(remoteAddress);
    if (!connection || connection.unauthenticated === 0) return;
    connection.unauthenticated--;
    this.#unauthenticated--;
  }

  release(remoteAddress: string): void {
    const connection = this.#connections.get(remoteAddress);
    if (!connection) return;
    this.#total--;
    if (connection.unauthenticated > 0) {
      connection.unauthenticated--;
      this.#unauthenticated--;
    }
    if (--connection.open === 0) this.#connections.delete(remoteAddress);
    const left = (this.#perHost.get(connection.host) ?? 1) - 1;
    if (left <= 0) this.#perHost.delete(connection.host);
    else this.#perHost.set(connection.host, left);
  }
}
