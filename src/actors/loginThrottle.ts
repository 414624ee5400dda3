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
  lastUsedAt: number;
  /** Before this time the address's next attempt is not checked. */
  nextAt: number;
  /** Attempts of this address waiting for their turn or being checked now. */
  queued: number;
  /** Settles when the last attempt in the address's queue has its answer. */
  tail: Promise<void>;
  loggedAt: number;
}

/** One attempt's place in its address's queue: wait for `ready`, check, then say how it went. */
export interface Ticket {
  /** Resolves when this attempt may be checked: the ones before it have answers and the delay is over. */
  readonly ready: Promise<void>;
  /** Nothing is ahead of this attempt and no delay is due: it may be checked at once, without awaiting `ready`. */
  readonly readyNow: boolean;
  done(succeeded: boolean): void;
}

const READY: Promise<void> = Promise.resolve();

/** The answer to "may this attempt be checked?": a place in the queue, or a refusal. */
export type Turn = { ticket: Ticket } | { refused: true; retryAfterMs: number };

/**
 * Per source address (IPv6 by /64, as one host holds a whole /64): the attempts of an address are
 * checked one at a time, and each failure makes the next one wait longer (the delay doubles per
 * failure up to `maxDelayMs`), so neither parallel connections nor reconnecting buys more guesses
 * than one connection would get. An attempt that would wait more than `maxDelayMs` is refused
 * unchecked. The first attempt from an address with no failures (a fresh one) never waits. Memory is
 * bounded (`maxAddresses`, least recently used out first) and quiet addresses are forgotten.
 */
export class LoginThrottle {
  readonly #options: LoginThrottleOptions;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #log: (message: string) => void;
  /** In order of last use, oldest first (an attempt or a failure moves its address to the end). */
  readonly #entries = new Map<string, Entry>();
  #logWindowStart = -Infinity;
  #logLines = 0;
  #suppressed = 0;

  constructor(
    options: Partial<LoginThrottleOptions> = {},
    log: (message: string) => void = () => {},
    clock: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
  ) {
    this.#options = { ...DEFAULT_LOGIN_THROTTLE, ...options };
    this.#now = clock.now ?? Date.now;
    this.#sleep = clock.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#log = log;
  }

  /** Addresses remembered now (for tests and stats). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Called before an attempt is checked: its place in the address's queue, or a refusal when the
   * attempts before it would, if they all failed, make it wait more than `maxDelayMs`.
   */
  enter(address: string): Turn {
    const now = this.#now();
    const key = addressKey(address);
    let entry = this.#entry(key, now);
    if (!entry) {
      entry = { failures: 0, lastUsedAt: now, nextAt: now, queued: 0, tail: Promise.resolve(), loggedAt: -Infinity };
    }
    let expected = Math.max(0, entry.nextAt - now);
    for (let ahead = 1; ahead <= entry.queued; ahead++) expected += this.#delay(entry.failures + ahead);
    if (expected > this.#options.maxDelayMs) return { refused: true, retryAfterMs: expected };
    // Nothing ahead and no delay due (a fresh address, or one whose penalty ran out): checked at once.
    const readyNow = entry.queued === 0 && entry.nextAt <= now;
    entry.queued++;
    entry.lastUsedAt = now;
    this.#remember(key, entry, now);
    const owner = entry;
    let finish!: () => void;
    const answered = new Promise<void>((resolve) => (finish = resolve));
    let ready = READY;
    if (readyNow) {
      owner.tail = answered;
    } else {
      ready = owner.tail.then(() => {
        const wait = owner.nextAt - this.#now();
        return wait > 0 ? this.#sleep(wait) : undefined;
      });
      owner.tail = ready.then(() => answered);
    }
    let settled = false;
    return {
      ticket: {
        ready,
        readyNow,
        done: (succeeded) => {
          if (settled) return;
          settled = true;
          owner.queued--;
          if (succeeded) {
            // An address that never failed is fresh again; one that did keeps its record until it expires.
            if (owner.failures === 0 && owner.queued === 0 && this.#entries.get(key) === owner) this.#entries.delete(key);
          } else {
            this.#failed(key, owner);
          }
          finish();
        },
      },
    };
  }

  /** How long the next attempt from `address` would wait now (ms; 0 for a fresh address). */
  penaltyMs(address: string): number {
    const now = this.#now();
    const entry = this.#entry(addressKey(address), now);
    return entry ? Math.max(0, entry.nextAt - now) : 0;
  }

  #failed(key: string, entry: Entry): void {
    const now = this.#now();
    entry.failures++;
    entry.lastUsedAt = now;
    entry.nextAt = Math.max(entry.nextAt, now + this.#delay(entry.failures));
    // Moved to the newest end; put back if it was pushed out meanwhile; left alone if the key has a newer record.
    if (!this.#entries.has(key) || this.#entries.get(key) === entry) this.#remember(key, entry, now);
    if (entry.failures >= LOG_FROM_FAILURES && now - entry.loggedAt >= 60_000) {
      entry.loggedAt = now;
      this.#say(now, `login throttled for ${key}: ${entry.failures} failed logins, next attempt waits ${Math.ceil((entry.nextAt - now) / 1000)} s`);
    }
  }

  /** (Re-)inserted last, so the map's order stays the order of last use; the oldest go past the cap. */
  #remember(key: string, entry: Entry, now: number): void {
    this.#prune(now);
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#options.maxAddresses) this.#entries.delete(this.#entries.keys().next().value!);
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
    return entry.queued === 0 && now - entry.lastUsedAt > this.#options.forgetAfterMs && now >= entry.nextAt;
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
 * The one way a login attempt is checked, telnet and SSH alike: take the address's turn, then run
 * `check` (unless the client has gone meanwhile). A failed check (or a client gone) counts as a
 * failure of the address; a refused turn does not (nothing was checked) and rejects with
 * `LoginThrottled`. Resolves when the check passed; rejects with its error otherwise.
 */
export async function checkInTurn(
  throttle: LoginThrottle | null,
  address: string,
  check: () => void | Promise<void>,
  gone: () => boolean = () => false,
): Promise<void> {
  return checkNowOrInTurn(throttle, address, check, gone);
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';

/**
 * `checkInTurn`, synchronous where it can be: when nothing is ahead of the attempt and no delay is
 * due, `check` runs at once, and a check that answers without a promise is answered here (returns
 * nothing, or throws its error). Otherwise a promise, as `checkInTurn`'s.
 */
export function checkNowOrInTurn(
  throttle: LoginThrottle | null,
  address: string,
  check: () => void | Promise<void>,
  gone: () => boolean = () => false,
): Promise<void> | void {
  if (!throttle) return check();
  const turn = throttle.enter(address);
  if ('refused' in turn) throw new LoginThrottled(turn.retryAfterMs);
  const { ticket } = turn;
  if (!ticket.readyNow) return checkWhenReady(ticket, check, gone);
  let result: void | Promise<void>;
  try {
    if (gone()) throw new Error('the client left before its login was checked');
    result = check();
  } catch (err) {
    ticket.done(false);
    throw err;
  }
  if (!isThenable(result)) {
    ticket.done(true);
    return;
  }
  return Promise.resolve(result).then(
    () => ticket.done(true),
    (err: unknown) => {
      ticket.done(false);
      throw err;
    },
  );
}

async function checkWhenReady(ticket: Ticket, check: () => void | Promise<void>, gone: () => boolean): Promise<void> {
  try {
    await ticket.ready;
    if (gone()) throw new Error('the client left before its login was checked');
    await check();
  } catch (err) {
    ticket.done(false);
    throw err;
  }
  ticket.done(true);
}
