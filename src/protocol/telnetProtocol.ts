import { AYT, BRK, DO, EC, ECHO, EL, IP, NAWS, SGA, TM, TTYPE, WILL, commandName, optionName } from './constants.js';
import { TelnetDecoder, type TelnetEvent } from './decoder.js';
import { encodeNegotiation } from './encoder.js';
import { OptionTable } from './optionTable.js';
import { parseNaws, parseTerminalType, ttypeSendRequest } from './subnegotiation.js';

export interface TelnetProtocolSink {
  send(bytes: Uint8Array): void;
  data(bytes: Uint8Array): void;
  terminalType(name: string): void;
  windowSize(width: number, height: number): void;
  /** Once: every option we asked about is answered (and TTYPE IS came if the peer agreed to TTYPE). */
  negotiated(): void;
  interrupt(): void;
  eraseCharacter(): void;
  eraseLine(): void;
  log(level: 'debug' | 'warn', message: string): void;
}

const OPENING: ReadonlyArray<readonly ['local' | 'remote', number]> = [
  ['local', ECHO],
  ['local', SGA],
  ['remote', SGA],
  ['remote', TTYPE],
  ['remote', NAWS],
];

const AYT_ANSWER = new TextEncoder().encode('\r\n[yes]\r\n');

/**
 * A real client changes a handful of options once; RFC 1143 stops loops but not a peer that flips an
 * option on and off forever, each flip owed a reply. Past this many changes requests go unanswered.
 */
export const MAX_OPTION_CHANGES = 64;
/** Debug lines one connection may cause, so a stream of NOPs or unknown options cannot flood the log. */
const MAX_DEBUG_LINES = 100;

/**
 * The telnet side of one connection, still without I/O: decodes, negotiates (RFC 1143), and hands
 * the terminal facts and user data to its sink. The timeout for silent clients belongs to the caller.
 */
export class TelnetProtocol {
  readonly #sink: TelnetProtocolSink;
  readonly #decoder: TelnetDecoder;
  readonly #options = new OptionTable({ local: [ECHO, SGA], remote: [SGA, TTYPE, NAWS] });
  #awaitingTerminalType = false;
  #done = false;
  #changes = 0;
  #debugLines = 0;
  readonly #onEvent = (event: TelnetEvent) => this.#handle(event);

  constructor(sink: TelnetProtocolSink, options: { maxSubnegotiation?: number } = {}) {
    this.#sink = sink;
    this.#decoder = new TelnetDecoder(options);
  }

  get negotiationDone(): boolean {
    return this.#done;
  }

  start(): void {
    const parts: Uint8Array[] = [];
    for (const [side, option] of OPENING) {
      const bytes = this.#options.request(side, option, true);
      if (bytes) parts.push(bytes);
    }
    this.#sink.send(Buffer.concat(parts));
  }

  receive(chunk: Uint8Array): void {
    this.#decoder.decode(chunk, this.#onEvent);
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
      return;
    }
    if (this.#changes >= MAX_OPTION_CHANGES) return;
    const { reply, change } = this.#options.receive(verb, option);
    if (reply) this.#sink.send(reply);
    if (change && ++this.#changes === MAX_OPTION_CHANGES) {
      this.#sink.log('warn', `${MAX_OPTION_CHANGES} option changes: further negotiation from this peer is ignored`);
    }
    if (change?.side === 'remote' && change.option === TTYPE && change.enabled) {
      this.#awaitingTerminalType = true;
      this.#sink.send(ttypeSendRequest());
    }
    if (change) this.#debug(`${change.side} ${optionName(option)} ${change.enabled ? 'on' : 'off'}`);
    this.#checkDone();
  }

  #subnegotiation(option: number, data: Uint8Array): void {
    if (option === NAWS) {
      // Accepted even before we asked: some clients volunteer their size.
      const size = parseNaws(data);
      if (size) this.#sink.windowSize(size.width, size.height);
    } else if (option === TTYPE) {
      const name = parseTerminalType(data);
      if (name) this.#sink.terminalType(name);
      this.#awaitingTerminalType = false;
      this.#checkDone();
    } else {
      this.#debug(`ignored subnegotiation of ${optionName(option)}`);
    }
  }

  #debug(message: string): void {
    if (this.#debugLines > MAX_DEBUG_LINES) return;
    this.#sink.log('debug', ++this.#debugLines > MAX_DEBUG_LINES ? 'further protocol debug lines from this peer are suppressed' : message);
  }

  #checkDone(): void {
    if (this.#done || this.#awaitingTerminalType) return;
    for (const [side, option] of OPENING) if (this.#options.isPending(side, option)) return;
    this.#done = true;
    this.#sink.negotiated();
  }
}
