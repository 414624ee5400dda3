/** How failed logins slow down the address they come from (telnet and SSH share one table). */
export interface LoginThrottleOptions {
  /** Wait after the first failure from an address (ms); it doubles with each further failure. */
  baseDelayMs: number;
  /** The longest wait; an attempt that would wait longer is refused unchecked. */
  maxDelayMs: number;
  /** An address with no failure for this long is forgotten (ms). */
  forgetAfterMs: number;
  /** Most addresses remembered; past it the one whose last failure is oldest goes first. */
  maxAddresses: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  forgetAfterMs: 15 * 60_000,
  maxAddresses: 10_000,
};

/** Throttle log lines per minute over all addresses; more are counted and summed up in one line. */
const MAX_LOG_LINES_PER_MINUTE = 20;
/** An address is named in the log when it reaches this many failures, then at most once a minute. */
const LOG_FROM_FAILURES = 3;

interface Entry {
  failures: number;
  lastFailureAt: number;
  /** Before this time no attempt from the address is checked. */
  nextAt: number;
  loggedAt: number;
}

/** The answer to "may this attempt be checked now?". */
export type Turn = { waitMs: number } | { refused: true; retryAfterMs: number };

/**
 * Per source address (IPv6 by /64, as one host holds a whole /64): each failed login pushes the time
 * of the address's next checked attempt back by a delay that doubles per failure, and every attempt
 * waits for its turn before its password is checked, so neither parallel connections nor reconnecting
 * buys more guesses. An address with no failures (a fresh one) is never made to wait. Memory is
 * bounded (`maxAddresses`, least recently failed out first) and quiet addresses are forgotten.
 */
export class LoginThrottle {
  readonly #options: LoginThrottleOptions;
  readonly #now: () => number;
  readonly #log: (message: string) => void;
  /** In order of last failure, oldest first (a failure moves its address to the end). */
  readonly #entries = new Map<string, Entry>();
  #logWindowStart = 0;
  #logLines = 0;
  #suppressed = 0;

  constructor(options: Partial<LoginThrottleOptions> = {}, log: (message: string) => void = () => {}, now: () => number = Date.now) {
    this.#options = { ...DEFAULT_LOGIN_THROTTLE, ...options };
    this.#now = now;
    this.#log = log;
  }

  /** Addresses remembered now (for tests and stats). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Called before an attempt is checked: how long it must wait first, or that it is refused because
   * the address's queue is longer than `maxDelayMs`. Waiting takes the address's next turn.
   */
  turn(address: string): Turn {
    const now = this.#now();
    const entry = this.#entry(addressKey(address), now);
    if (!entry) return { waitMs: 0 };
    const start = Math.max(now, entry.nextAt);
    const waitMs = start - now;
    if (waitMs > this.#options.maxDelayMs) return { refused: true, retryAfterMs: waitMs };
    entry.nextAt = start + this.#delay(entry.failures);
    return { waitMs };
  }

  /** A login from `address` failed: returns how long its next attempt will wait (ms). */
  failed(address: string): number {
    const now = this.#now();
    const key = addressKey(address);
    this.#prune(now);
    const entry = this.#entry(key, now) ?? { failures: 0, lastFailureAt: now, nextAt: now, loggedAt: -Infinity };
    entry.failures++;
    entry.lastFailureAt = now;
    entry.nextAt = Math.max(entry.nextAt, now + this.#delay(entry.failures));
    // Re-inserted: the map's order stays the order of last failure.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#options.maxAddresses) this.#entries.delete(this.#entries.keys().next().value!);
    const waitMs = entry.nextAt - now;
    if (entry.failures >= LOG_FROM_FAILURES && now - entry.loggedAt >= 60_000) {
      entry.loggedAt = now;
      this.#say(now, `login throttled for ${key}: ${entry.failures} failed logins, next attempt waits ${Math.ceil(waitMs / 1000)} s`);
    }
    return waitMs;
  }

  /** How long the next attempt from `address` would wait now (ms; 0 for a fresh address). */
  penaltyMs(address: string): number {
    const now = this.#now();
    const entry = this.#entry(addressKey(address), now);
    return entry ? Math.max(0, entry.nextAt - now) : 0;
  }

  #delay(failures: number): number {
    if (failures <= 0) return 0;
    const { baseDelayMs, maxDelayMs } = this.#options;
    return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(failures - 1, 30));
  }

  #entry(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && this.#stale(entry, now)) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #stale(entry: Entry, now: number): boolean {
    return now - entry.lastFailureAt > this.#options.forgetAfterMs && now >= entry.nextAt;
  }

  /** Forgets the quiet addresses at the old end of the map (amortised: each is visited once). */
  #prune(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (!this.#stale(entry, now)) return;
      this.#entries.delete(key);
    }
  }

  #say(now: number, message: string): void {
    if (now - this.#logWindowStart >= 60_000) {
      if (this.#suppressed > 0) this.#log(`login throttle: ${this.#suppressed} more throttle line(s) suppressed in the last minute`);
      this.#logWindowStart = now;
      this.#logLines = 0;
      this.#suppressed = 0;
    }
    if (this.#logLines >= MAX_LOG_LINES_PER_MINUTE) {
      this.#suppressed++;
      return;
    }
    this.#logLines++;
    this.#log(message);
  }
}

/**
 * The source a penalty belongs to: the host without its port; an IPv6 address by its /64 (one
 * machine is usually given a whole /64), an IPv4-mapped IPv6 address as the IPv4 one.
 */
export function addressKey(address: string): string {
  let host = address;
  const bracket = /^\[([^\]]*)\](?::\d+)?$/.exec(address);
  if (bracket) host = bracket[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) host = address.slice(0, address.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  if (mapped) return mapped[1]!;
  if (!host.includes(':')) return host;
  return `${expandIpv6(host).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address (zone id dropped), `::` expanded. */
function expandIpv6(host: string): string[] {
  const bare = host.split('%')[0]!.toLowerCase();
  const [head = '', tail] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...fill, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}

/** An attempt refused unchecked: the address has failed so often that its queue is too long. */
export class LoginThrottled extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`Too many failed logins from this address: try again in ${Math.ceil(retryAfterMs / 1000)} s.`);
    this.name = 'LoginThrottled';
  }
}

/**
 * The one way a login attempt is checked, telnet and SSH alike: wait for the address's turn, then
 * run `check` (unless the client has gone meanwhile); a refused turn or a failed check counts as a
 * failure of the address. Resolves when the check passed; rejects with its error otherwise.
 */
export async function checkInTurn(
  throttle: LoginThrottle | null,
  address: string,
  check: () => void | Promise<void>,
  gone: () => boolean = () => false,
): Promise<void> {
  if (!throttle) return check();
  try {
    const turn = throttle.turn(address);
    if ('refused' in turn) throw new LoginThrottled(turn.retryAfterMs);
    if (turn.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, turn.waitMs));
    if (gone()) throw new Error('the client left before its login was checked');
    await check();
  } catch (err) {
    throttle.failed(address);
    throw err;
  }
}
