import { DO, DONT, WILL, WONT } from './constants.js';
import { encodeNegotiation } from './encoder.js';

/** `local`: an option we perform (we say WILL/WONT, the peer DO/DONT); `remote`: the peer performs it. */
export type Side = 'local' | 'remote';

export interface OptionChange {
  side: Side;
  option: number;
  enabled: boolean;
}

// RFC 1143 "Q method": four states and a one-slot queue, so six reachable combinations.
const NO = 0, YES = 1, WANTNO = 2, WANTYES = 3;
const STATE_MASK = 3;
const OPPOSITE = 4;

/** Which options we agree to, on each side, when the peer asks. */
export interface SupportedOptions {
  local: Iterable<number>;
  remote: Iterable<number>;
}

const key = (side: Side, option: number) => (side === 'local' ? option : 256 + option);

/**
 * Per-connection option state after RFC 1143: answers only real changes, so no negotiation loops.
 * Only the options a connection touches take room (a handful), and the supported set is shared by
 * every connection until one adds an option of its own.
 */
export class OptionTable {
  /**
   * `key << 3 | state` for each option touched so far (absent: NO). Only options we support or ask
   * for ever leave NO, a dozen in practice, so a scan of a small array beats a Map's tables.
   */
  #states: number[] = [];
  readonly #shared: ReadonlySet<number>;
  /** A copy of the shared set, made when this connection supports an option of its own. */
  #own: Set<number> | null = null;

  constructor(supported: SupportedOptions | ReadonlySet<number>) {
    this.#shared = 'local' in supported ? OptionTable.supportSet(supported) : supported;
  }

  /** The supported options as a set many tables can share. */
  static supportSet(supported: SupportedOptions): ReadonlySet<number> {
    const set = new Set<number>();
    for (const option of supported.local) set.add(key('local', option));
    for (const option of supported.remote) set.add(key('remote', option));
    return set;
  }

  /**
   * The options touched so far are all there will usually be (negotiation is over): the states are
   * kept in an array of their own length, not one grown by push with room for 17 (150 bytes that
   * every idle connection would hold). A later change still works; it only takes room again.
   */
  compact(): void {
    this.#states = this.#states.slice();
  }

  /** Declares an option we agree to on `side` when the peer asks for it. */
  support(side: Side, option: number): void {
    (this.#own ??= new Set(this.#shared)).add(key(side, option));
  }

  isEnabled(side: Side, option: number): boolean {
    return this.#state(side, option) === YES;
  }

  isPending(side: Side, option: number): boolean {
    const state = this.#state(side, option);
    return state === WANTYES || state === WANTNO;
  }

  /** We asked for the option on and wait for the answer (RFC 1143's WANTYES). */
  isWanted(side: Side, option: number): boolean {
    return this.#state(side, option) === WANTYES;
  }

  /** A change the other way waits behind our pending request (RFC 1143's queue bit is OPPOSITE). */
  isQueued(side: Side, option: number): boolean {
    return (this.#entry(key(side, option)) & OPPOSITE) !== 0 && this.isPending(side, option);
  }

  /**
   * Our pending request was never answered (a client that ignores answers it owes, as TinTin++
   * leaves WONT ECHO unanswered): take it as done, and forget the change queued behind it, so the
   * next `request` is said on the wire instead of waiting for ever. A WONT/DONT cannot be refused
   * (RFC 854), so WANTNO becomes NO; an unanswered WILL/DO is taken as agreed, so that turning it
   * off again is said out loud. A late answer still converges: RFC 1143 treats it as any other.
   */
  settle(side: Side, option: number): void {
    const at = key(side, option);
    const state = this.#entry(at) & STATE_MASK;
    if (state === WANTNO) this.#set(at, NO);
    else if (state === WANTYES) this.#set(at, YES);
  }

  #state(side: Side, option: number): number {
    return this.#entry(key(side, option)) & STATE_MASK;
  }

  /** The state and queue bit of option `at`. */
  #entry(at: number): number {
    for (const entry of this.#states) if (entry >> 3 === at) return entry & 7;
    return NO;
  }

  #set(at: number, value: number): void {
    const states = this.#states;
    const index = states.findIndex((entry) => entry >> 3 === at);
    if (index < 0) states.push((at << 3) | value);
    else states[index] = (at << 3) | value;
  }

  /** We want the option on (or off): returns the bytes to send, or null when nothing is to be said. */
  request(side: Side, option: number, enable: boolean): Uint8Array | null {
    const at = key(side, option);
    const yes = side === 'local' ? WILL : DO;
    const no = side === 'local' ? WONT : DONT;
    const entry = this.#entry(at);
    const state = entry & STATE_MASK;
    const queued = (entry & OPPOSITE) !== 0;
    if (enable) {
      if (state === NO) {
        this.#set(at, WANTYES);
        return encodeNegotiation(yes, option);
      }
      if (state === WANTNO && !queued) this.#set(at, WANTNO | OPPOSITE);
      else if (state === WANTYES && queued) this.#set(at, WANTYES);
      return null;
    }
    if (state === YES) {
      this.#set(at, WANTNO);
      return encodeNegotiation(no, option);
    }
    if (state === WANTNO && queued) this.#set(at, WANTNO);
    else if (state === WANTYES && !queued) this.#set(at, WANTYES | OPPOSITE);
    return null;
  }

  /** A WILL/WONT/DO/DONT from the peer: the reply to send, and what changed. */
  receive(verb: number, option: number): { reply: Uint8Array | null; change: OptionChange | null; settled: boolean } {
    const side: Side = verb === WILL || verb === WONT ? 'remote' : 'local';
    const at = key(side, option);
    const supported = (this.#own ?? this.#shared).has(at);
    const yes = side === 'local' ? WILL : DO;
    const no = side === 'local' ? WONT : DONT;
    const positive = verb === WILL || verb === DO;
    const entry = this.#entry(at);
    const state = entry & STATE_MASK;
    const queued = (entry & OPPOSITE) !== 0;
    let reply: Uint8Array | null = null;
    let next = entry;
    if (positive) {
      if (state === NO) {
        if (supported) {
          next = YES;
          reply = encodeNegotiation(yes, option);
        } else {
          reply = encodeNegotiation(no, option);
        }
      } else if (state === WANTNO) {
        // WANTNO+EMPTY answered by a positive is a peer error: take it as refused (NO).
        next = queued ? YES : NO;
      } else if (state === WANTYES) {
        if (queued) {
          next = WANTNO;
          reply = encodeNegotiation(no, option);
        } else {
          next = YES;
        }
      }
    } else if (state === YES) {
      next = NO;
      reply = encodeNegotiation(no, option);
    } else if (state === WANTNO) {
      if (queued) {
        next = WANTYES;
        reply = encodeNegotiation(yes, option);
      } else {
        next = NO;
      }
    } else if (state === WANTYES) {
      next = NO;
    }
    if (next !== entry) this.#set(at, next);
    const before = state === YES;
    const after = (next & STATE_MASK) === YES;
    const settledState = next & STATE_MASK;
    return {
      reply,
      change: before !== after ? { side, option, enabled: after } : null,
      settled: settledState === YES || settledState === NO,
    };
  }
}
