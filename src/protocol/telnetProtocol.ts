import {
  AYT, BINARY, BRK, CHARSET, DO, DONT, EC, ECHO, EL, GA, IP, LOGOUT, NAWS, NEW_ENVIRON, NOP, SGA, TM, TTYPE, WILL,
  commandName, optionName,
} from './constants.js';
import { TelnetDecoder, type TelnetEvent } from './decoder.js';
import { encodeCommand, encodeNegotiation, encodeSubnegotiation } from './encoder.js';
import { OptionTable, type Side } from './optionTable.js';
import { parseNaws, parseTerminalType, ttypeSendRequest } from './subnegotiation.js';
import { environmentSendRequest, parseEnvironment } from './environment.js';
import { answerCharsetRequest, charsetFor, charsetRequest, parseCharset, type SessionCharset } from './charset.js';
import { TERMINAL_LIMITS } from '../terminal/terminalLimits.js';
import type { TelnetOption, TelnetOptionContext } from './telnetOption.js';

export interface TelnetProtocolSink {
  send(bytes: Uint8Array): void;
  data(bytes: Uint8Array): void;
  /** The best terminal name so far (TTYPE, or TERM from NEW-ENVIRON when TTYPE is refused). */
  terminalType(name: string): void;
  windowSize(width: number, height: number): void;
  /** NEW-ENVIRON variables the client sent (USER never among them). */
  environment(variables: ReadonlyMap<string, string>): void;
  /**
   * The client refused our WILL ECHO or turned our echo off (DONT ECHO): it shows what is typed
   * itself, so whatever we echoed it would show twice.
   */
  echoRefused(): void;
  /** CHARSET agreed on an encoding for both directions. */
  charset(charset: SessionCharset): void;
  /** The client asked us to log it out (RFC 727). */
  logout(): void;
  /** Once: every option we wait for is answered (and TTYPE IS came if the peer agreed to TTYPE). */
  negotiated(): void;
  interrupt(): void;
  eraseCharacter(): void;
  eraseLine(): void;
  log(level: 'debug' | 'warn', message: string): void;
}

/** What every connection agrees to when the peer asks (one set shared by all connections). */
const SUPPORTED = OptionTable.supportSet({
  local: [ECHO, SGA, BINARY, CHARSET, LOGOUT],
  remote: [SGA, TTYPE, NAWS, NEW_ENVIRON, BINARY, CHARSET],
});

/** Asked when the connection opens; the prompt waits for the answers to these. */
const OPENING: ReadonlyArray<readonly [Side, number]> = [
  ['local', ECHO],
  ['local', SGA],
  ['remote', SGA],
  ['remote', TTYPE],
  ['remote', NAWS],
];
/** Also asked at once, but nothing waits for them: they refine the session when answered. */
const EXTRAS: ReadonlyArray<readonly [Side, number]> = [
  ['remote', NEW_ENVIRON],
  ['local', BINARY],
  ['remote', BINARY],
  ['local', CHARSET],
];

const NO_NAMES: readonly string[] = Object.freeze([]);
const AYT_ANSWER = new TextEncoder().encode('\r\n[yes]\r\n');
const GO_AHEAD = encodeCommand(GA);
const NO_OPERATION = encodeCommand(NOP);

/**
 * A real client changes a handful of options once; RFC 1143 stops loops but not a peer that flips an
 * option on and off forever, each flip owed a reply. Past this many changes requests go unanswered.
 */
export const MAX_OPTION_CHANGES = 64;
/**
 * How long a peer may take to answer our WILL ECHO before it is taken as settled when we want to
 * turn echo off again (ms): real clients answer within a round trip; some never do. A late answer
 * still converges (RFC 1143 treats it as any other).
 */
export const ANSWER_TIMEOUT_MS = 500;
/** Debug lines one connection may cause, so a stream of NOPs or unknown options cannot flood the log. */
const MAX_DEBUG_LINES = 100;
/** TTYPE is asked again until a name repeats (RFC 1091 cycling), at most this many names. */
const MAX_TERMINAL_TYPES = TERMINAL_LIMITS.terminalTypes;
/** Names of real terminals, preferred as `term` over client names and MTTS flags in a cycle. */
const TERMINAL_NAME = /^(xterm|vt\d|ansi|linux|screen|tmux|rxvt|putty|konsole|gnome|alacritty|kitty|cygwin|vtnt|dumb)/i;

/**
 * The telnet side of one connection, still without I/O: decodes, negotiates (RFC 1143), and hands
 * the terminal facts and user data to its sink. The timeout for silent clients belongs to the caller.
 */
export class TelnetProtocol {
  readonly #sink: TelnetProtocolSink;
  readonly #decoder: TelnetDecoder;
  readonly #options = new OptionTable(SUPPORTED);
  /** The handler's own options, by number; most sessions have none, and then no map. */
  #extensions: Map<number, { option: TelnetOption; context: TelnetOptionContext }> | null = null;
  /** A TTYPE SEND is out and its IS not yet in. */
  #terminalTypeAsked = false;
  /** A new array of its own length for each name (at most MAX_TERMINAL_TYPES): a pushed one keeps room for 17. */
  #terminalTypes: readonly string[] = NO_NAMES;
  #sizeFromNaws = false;
  #done = false;
  #changes = 0;
  #debugLines = 0;
  readonly #now: () => number;
  /** When we last asked to change ECHO (our clock), for a peer that never answers. */
  #echoAskedAt = 0;
  readonly #onEvent = (event: TelnetEvent) => this.#handle(event);

  constructor(
    sink: TelnetProtocolSink,
    options: { maxSubnegotiation?: number; extensions?: readonly TelnetOption[]; now?: () => number } = {},
  ) {
    this.#sink = sink;
    this.#now = options.now ?? Date.now;
    this.#decoder = new TelnetDecoder(options);
    for (const option of options.extensions ?? []) {
      for (const side of option.accept ?? option.ask ?? []) this.#options.support(side, option.option);
      const context: TelnetOptionContext = {
        subnegotiate: (data) => sink.send(encodeSubnegotiation(option.option, data)),
        log: (message) => sink.log('debug', `${optionName(option.option)}: ${message}`),
      };
      (this.#extensions ??= new Map()).set(option.option, { option, context });
    }
  }

  get negotiationDone(): boolean {
    return this.#done;
  }

  /** Every terminal name the client gave while TTYPE cycled, in order. */
  get terminalTypes(): readonly string[] {
    return this.#terminalTypes;
  }

  /** The client refused to suppress go-ahead: prompts must end with IAC GA (RFC 858). */
  get needsGoAhead(): boolean {
    return !this.#options.isEnabled('local', SGA) && !this.#options.isPending('local', SGA);
  }

  start(): void {
    const parts: Uint8Array[] = [];
    const asks = [...OPENING, ...EXTRAS];
    for (const { option } of this.#extensions?.values() ?? []) for (const side of option.ask ?? []) asks.push([side, option.option]);
    for (const [side, option] of asks) {
      const bytes = this.#options.request(side, option, true);
      if (bytes) parts.push(bytes);
    }
    this.#echoAskedAt = this.#now();
    this.#sink.send(Buffer.concat(parts));
  }

  receive(chunk: Uint8Array): void {
    this.#decoder.decode(chunk, this.#onEvent);
  }

  /** After a prompt: IAC GA for clients that did not agree to suppress it. */
  promptShown(): void {
    if (this.needsGoAhead) this.#sink.send(GO_AHEAD);
  }

  /** IAC NOP: harmless to a live peer; on a dead one the write fails and the socket closes. */
  keepAlive(): void {
    this.#sink.send(NO_OPERATION);
  }

  /**
   * Whether we echo (WILL ECHO) or the client does (WONT ECHO), for line-mode clients. Returns 0 when
   * it was said (or nothing needed saying); while the change waits behind a request of ours the peer
   * has not answered yet, the ms after which to call again: by then the request is taken as settled
   * (ANSWER_TIMEOUT_MS) and the change is said.
   */
  setServerEcho(on: boolean): number {
    const table = this.#options;
    let bytes = table.request('local', ECHO, on);
    if (!bytes && table.isQueued('local', ECHO)) {
      // Behind our WONT ECHO (on: true), nothing is waited for: a WONT cannot be refused (RFC 854),
      // its answer is only an acknowledgement (which TinTin++ never sends), and the WILL ECHO that
      // hides a password must go out before the prompt. Behind a WILL, the answer says yes or no.
      const waited = this.#now() - this.#echoAskedAt;
      if (!on && waited < ANSWER_TIMEOUT_MS) return ANSWER_TIMEOUT_MS - waited;
      this.#debug(`our ${on ? 'WONT' : 'WILL'} ECHO unanswered after ${waited} ms: taken as settled`);
      table.settle('local', ECHO);
      bytes = table.request('local', ECHO, on);
    }
    if (bytes) {
      this.#echoAskedAt = this.#now();
      this.#sink.send(bytes);
    }
    return 0;
  }

  #handle(event: TelnetEvent): void {
    const sink = this.#sink;
    switch (event.type) {
      case 'data':
        sink.data(event.data);
        return;
      case 'negotiate':
        this.#negotiate(event.verb, event.option);
        return;
      case 'subnegotiation':
        this.#subnegotiation(event.option, event.data);
        return;
      case 'command':
        if (event.command === IP || event.command === BRK) sink.interrupt();
        else if (event.command === EC) sink.eraseCharacter();
        else if (event.command === EL) sink.eraseLine();
        else if (event.command === AYT) sink.send(AYT_ANSWER);
        else this.#debug(`ignored ${commandName(event.command)}`);
        return;
      case 'warning':
        sink.log('warn', event.message);
        return;
    }
  }

  #negotiate(verb: number, option: number): void {
    // Timing mark (RFC 860) is a question, not a state: always answer it.
    if (option === TM) {
      if (verb === DO) this.#sink.send(encodeNegotiation(WILL, TM));
      // A WILL for an option that is off is answered (RFC 854): the server never asks for a mark.
      else if (verb === WILL) this.#sink.send(encodeNegotiation(DONT, TM));
      return;
    }
    if (this.#changes >= MAX_OPTION_CHANGES) return;
    // DONT ECHO refuses our echo when it answers WILL ECHO or turns it off; after our WONT ECHO it is
    // only the acknowledgement.
    const echoRefused = verb === DONT && option === ECHO && (this.#options.isEnabled('local', ECHO) || this.#options.isWanted('local', ECHO));
    const { reply, change } = this.#options.receive(verb, option);
    if (reply) this.#sink.send(reply);
    // A queued ECHO change just went out as a new request: its answer is owed from now.
    if (reply && option === ECHO && this.#options.isPending('local', ECHO)) this.#echoAskedAt = this.#now();
    if (change && ++this.#changes === MAX_OPTION_CHANGES) {
      this.#sink.log('warn', `${MAX_OPTION_CHANGES} option changes: further negotiation from this peer is ignored`);
    }
    if (change) {
      this.#debug(`${change.side} ${optionName(option)} ${change.enabled ? 'on' : 'off'}`);
      this.#changed(change.side, option, change.enabled);
    }
    if (echoRefused) this.#sink.echoRefused();
    this.#checkDone();
  }

  #changed(side: Side, option: number, enabled: boolean): void {
    const extension = this.#extensions?.get(option);
    if (extension) {
      if (enabled) extension.option.enabled?.(side, extension.context);
      else extension.option.disabled?.(side, extension.context);
      return;
    }
    if (!enabled) return;
    if (side === 'remote' && option === TTYPE) {
      this.#askTerminalType();
    } else if (side === 'remote' && option === NEW_ENVIRON) {
      this.#sink.send(environmentSendRequest());
    } else if (side === 'local' && option === CHARSET) {
      this.#sink.send(charsetRequest());
    } else if (side === 'local' && option === LOGOUT) {
      this.#sink.logout();
    }
  }

  #subnegotiation(option: number, data: Uint8Array): void {
    const extension = this.#extensions?.get(option);
    if (extension) {
      extension.option.subnegotiation?.(data, extension.context);
      return;
    }
    switch (option) {
      case NAWS: {
        // Accepted even before we asked: some clients volunteer their size.
        const size = parseNaws(data);
        if (size) {
          this.#sizeFromNaws = true;
          this.#sink.windowSize(size.width, size.height);
        }
        return;
      }
      case TTYPE:
        this.#terminalType(data);
        return;
      case NEW_ENVIRON:
        this.#environment(data);
        return;
      case CHARSET:
        this.#charset(data);
        return;
      default:
        this.#debug(`ignored subnegotiation of ${optionName(option)}`);
    }
  }

  #terminalType(data: Uint8Array): void {
    const name = parseTerminalType(data);
    const asked = this.#terminalTypeAsked;
    this.#terminalTypeAsked = false;
    const known = this.#terminalTypes;
    if (name && !known.includes(name) && known.length < MAX_TERMINAL_TYPES) {
      const names = known.concat(name);
      this.#terminalTypes = names;
      this.#sink.terminalType(names.find((type) => TERMINAL_NAME.test(type)) ?? names[0]!);
      // RFC 1091: each SEND gives the next name; a repeat means the list is done.
      if (asked && this.#options.isEnabled('remote', TTYPE)) this.#askTerminalType();
    }
    this.#checkDone();
  }

  #askTerminalType(): void {
    this.#terminalTypeAsked = true;
    this.#sink.send(ttypeSendRequest());
  }

  #environment(data: Uint8Array): void {
    const variables = parseEnvironment(data);
    if (!variables || variables.size === 0) return;
    const term = variables.get('TERM');
    if (term && this.#terminalTypes.length === 0) this.#sink.terminalType(term.slice(0, TERMINAL_LIMITS.nameLength));
    const columns = Number(variables.get('COLUMNS'));
    const lines = Number(variables.get('LINES'));
    if (!this.#sizeFromNaws && Number.isInteger(columns) && Number.isInteger(lines) && columns > 0 && lines > 0 && columns < 10_000 && lines < 10_000) {
      this.#sink.windowSize(columns, lines);
    }
    this.#sink.environment(variables);
  }

  #charset(data: Uint8Array): void {
    const message = parseCharset(data);
    if (!message) return;
    if (message.kind === 'accepted') {
      const charset = charsetFor(message.name);
      if (charset) this.#sink.charset(charset);
    } else if (message.kind === 'request') {
      const { reply, charset } = answerCharsetRequest(message.names);
      this.#sink.send(reply);
      if (charset) this.#sink.charset(charset);
    }
  }

  #debug(message: string): void {
    if (this.#debugLines > MAX_DEBUG_LINES) return;
    this.#sink.log('debug', ++this.#debugLines > MAX_DEBUG_LINES ? 'further protocol debug lines from this peer are suppressed' : message);
  }

  #checkDone(): void {
    // The prompt waits for the first TTYPE IS only; the rest of the cycle comes in behind it.
    if (this.#done || (this.#terminalTypeAsked && this.#terminalTypes.length === 0)) return;
    for (const [side, option] of OPENING) if (this.#options.isPending(side, option)) return;
    this.#done = true;
    this.#options.compact();
    this.#sink.negotiated();
  }
}
