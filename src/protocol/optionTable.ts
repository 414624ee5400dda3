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

/** Per-connection option state after RFC 1143: answers only real changes, so no negotiation loops. */
export class OptionTable {
  readonly #local = new Uint8Array(256);
  readonly #remote = new Uint8Array(256);
  readonly #supportLocal = new Uint8Array(256);
  readonly #supportRemote = new Uint8Array(256);

  constructor(supported: { local: Iterable<number>; remote: Iterable<number> }) {
    for (const option of supported.local) this.#supportLocal[option] = 1;
    for (const option of supported.remote) this.#supportRemote[option] = 1;
  }

  /** Declares an option we agree to on `side` when the peer asks for it. */
  support(side: Side, option: number): void {
    (side === 'local' ? this.#supportLocal : this.#supportRemote)[option] = 1;
  }

  isEnabled(side: Side, option: number): boolean {
    return ((side === 'local' ? this.#local : this.#remote)[option]! & STATE_MASK) === YES;
  }

  isPending(side: Side, option: number): boolean {
    const state = (side === 'local' ? this.#local : this.#remote)[option]! & STATE_MASK;
    return state === WANTYES || state === WANTNO;
  }

  /** We want the option on (or off): returns the bytes to send, or null when nothing is to be said. */
  request(side: Side, option: number, enable: boolean): Uint8Array | null {
    const table = side === 'local' ? this.#local : this.#remote;
    const [yes, no] = side === 'local' ? [WILL, WONT] : [DO, DONT];
    const entry = table[option]!;
    const state = entry & STATE_MASK;
    const queued = (entry & OPPOSITE) !== 0;
    if (enable) {
      if (state === NO) {
        table[option] = WANTYES;
        return encodeNegotiation(yes, option);
      }
      if (state === WANTNO && !queued) table[option] = WANTNO | OPPOSITE;
      else if (state === WANTYES && queued) table[option] = WANTYES;
      return null;
    }
    if (state === YES) {
      table[option] = WANTNO;
      return encodeNegotiation(no, option);
    }
    if (state === WANTNO && queued) table[option] = WANTNO;
    else if (state === WANTYES && !queued) table[option] = WANTYES | OPPOSITE;
    return null;
  }

  /** A WILL/WONT/DO/DONT from the peer: the reply to send, and what changed. */
  receive(verb: number, option: number): { reply: Uint8Array | null; change: OptionChange | null; settled: boolean } {
    const side: Side = verb === WILL || verb === WONT ? 'remote' : 'local';
    const table = side === 'local' ? this.#local : this.#remote;
    const supported = (side === 'local' ? this.#supportLocal : this.#supportRemote)[option] === 1;
    const [yes, no] = side === 'local' ? [WILL, WONT] : [DO, DONT];
    const positive = verb === WILL || verb === DO;
    const entry = table[option]!;
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
    table[option] = next;
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
