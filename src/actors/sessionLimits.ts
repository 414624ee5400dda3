/** Connection limits of a server: how many sessions in all, and per remote address. */
export interface ConnectionLimits {
  /** Sessions at once; the one over the limit gets a one-line refusal and is closed. */
  maxSessions: number;
  /** Sessions at once from one remote address; 0 = no limit. */
  maxSessionsPerAddress: number;
}

/** The host part of `host:port` or `[v6]:port`. */
export function hostOf(remoteAddress: string): string {
  if (remoteAddress.startsWith('[')) return remoteAddress.slice(1, remoteAddress.indexOf(']'));
  const colon = remoteAddress.lastIndexOf(':');
  return colon < 0 ? remoteAddress : remoteAddress.slice(0, colon);
}

/** Counts live sessions and says whether one more may start. */
export class SessionCounter {
  readonly #limits: ConnectionLimits;
  readonly #perAddress = new Map<string, number>();
  #total = 0;

  constructor(limits: ConnectionLimits) {
    this.#limits = limits;
  }

  /** A refusal line, or null when the session may start (and is then counted). */
  admit(remoteAddress: string): string | null {
    const { maxSessions, maxSessionsPerAddress } = this.#limits;
    if (this.#total >= maxSessions) return 'Too many sessions; please try again later.';
    const host = hostOf(remoteAddress);
    const mine = this.#perAddress.get(host) ?? 0;
    if (maxSessionsPerAddress > 0 && mine >= maxSessionsPerAddress) return 'Too many sessions from your address.';
    this.#total++;
    this.#perAddress.set(host, mine + 1);
    return null;
  }

  release(remoteAddress: string): void {
    const host = hostOf(remoteAddress);
    const mine = (this.#perAddress.get(host) ?? 1) - 1;
    if (mine <= 0) this.#perAddress.delete(host);
    else this.#perAddress.set(host, mine);
    this.#total = Math.max(0, this.#total - 1);
  }
}
