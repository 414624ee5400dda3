import type { Socket } from 'node:net';
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { encodeData } from '../protocol/encoder.js';
import { TelnetProtocol, type TelnetProtocolSink } from '../protocol/telnetProtocol.js';
import { encodeText, type SessionCharset } from '../protocol/charset.js';
import type { TelnetOption } from '../protocol/telnetOption.js';
import type { TerminalEvents, TerminalTransport } from './terminalTransport.js';
import type { TerminalChange } from '../terminal/terminalState.js';
import { InputPacer, type InputBudget } from './inputPacer.js';
import { sessionTeardowns } from './turnQueue.js';

export interface TelnetTransportOptions {
  /** Output queued for a client that does not read, beyond which the connection is dropped. */
  maxOutputBuffer?: number;
  maxSubnegotiation?: number;
  /** When the socket was accepted, where the session starts later (`TerminalTransport.acceptedAtMs`). */
  acceptedAtMs?: number;
}

export const DEFAULT_MAX_OUTPUT_BUFFER = 1024 * 1024;
/** A client that ignores our FIN gets this long before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;
/** Output up to this long is remembered encoded, for the next connection that writes the same. */
const SHARED_ENCODING_MAX = 64 * 1024;

/**
 * The last text encoded for the wire: a broadcast writes the same text to every session at the same
 * prompt (see the line editor's drawAbove), encoded once and the bytes shared (never changed after).
 */
let lastEncoded: { text: string; charset: SessionCharset; bytes: Uint8Array } | null = null;
function wireBytes(text: string, charset: SessionCharset): Uint8Array {
  const last = lastEncoded;
  if (last !== null && last.charset === charset && last.text === text) return last.bytes;
  const bytes = encodeData(encodeText(text, charset));
  if (text.length <= SHARED_ENCODING_MAX) lastEncoded = { text, charset, bytes };
  return bytes;
}

/**
 * The last ASCII text cooked for the wire (telnet line ends) and the result: a broadcast writes the
 * same text to every session at the same prompt, cooked once. Two strings, no object per write.
 */
let lastAsciiText = '';
let lastAsciiCooked = '';
const CR_OR_LF = /\r\n|\r|\n/g;
const cookLineEnd = (end: string) => (end === '\r' ? '\r\0' : '\r\n');
/**
 * ASCII text as the wire wants it, still a string (the socket encodes it natively, with no Uint8Array
 * made and copied here): LF -> CR LF, bare CR -> CR NUL, CR LF kept, as `encodeData`. ASCII has no
 * 0xFF byte to double, and is the same bytes in every charset.
 */
function cookedAscii(text: string): string {
  if (text === lastAsciiText) return lastAsciiCooked;
  const cooked = text.includes('\r') ? text.replace(CR_OR_LF, cookLineEnd) : text.replaceAll('\n', '\r\n');
  if (text.length <= SHARED_ENCODING_MAX) {
    lastAsciiText = text;
    lastAsciiCooked = cooked;
  }
  return cooked;
}

/** What a telnet connection knows of its terminal before negotiating: nothing. */
const NOTHING_KNOWN: TerminalChange = Object.freeze({});

/** A telnet connection: a net.Socket with the sans-IO protocol engine in front of it. */
export class TelnetTransport implements TerminalTransport, TelnetProtocolSink {
  // The same for every connection: on the prototype, not a field (and an object) in each.
  get kind(): 'telnet' {
    return 'telnet';
  }
  get needsNegotiation(): true {
    return true;
  }
  get authenticatedUser(): null {
    return null;
  }
  get initialTerminal(): TerminalChange {
    return NOTHING_KNOWN;
  }
  get execCommand(): null {
    return null;
  }
  readonly remoteAddress: string;
  readonly acceptedAtMs: number | undefined;
  readonly #socket: Socket;
  readonly #maxOutputBuffer: number;
  readonly #maxSubnegotiation: number | undefined;
  #pacer: InputPacer | null = null;
  #events: TerminalEvents | null = null;
  #protocol: TelnetProtocol | null = null;
  #charset: SessionCharset = 'utf-8';
  /** Made at the first non-ASCII input; holds a character split between chunks. */
  #utf8: StringDecoder | null = null;

  constructor(socket: Socket, options: TelnetTransportOptions = {}) {
    this.#socket = socket;
    this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
    this.#maxOutputBuffer = options.maxOutputBuffer ?? DEFAULT_MAX_OUTPUT_BUFFER;
    this.#maxSubnegotiation = options.maxSubnegotiation;
    this.acceptedAtMs = options.acceptedAtMs;
  }

  attach(events: TerminalEvents, session: { telnetOptions?: readonly TelnetOption[]; inputBudget?: InputBudget } = {}): void {
    this.#events = events;
    const socket = this.#socket;
    const protocol = new TelnetProtocol(this, { maxSubnegotiation: this.#maxSubnegotiation, extensions: session.telnetOptions });
    this.#protocol = protocol;
    socket.setNoDelay(true);
    // A paste or a flood is handled a slice per turn of the loop, the socket paused meanwhile.
    const pacer = new InputPacer(socket, (chunk) => this.#receive(protocol, pacer, chunk), session.inputBudget);
    this.#pacer = pacer;
    socket.on('data', (chunk: Buffer) => pacer.push(chunk));
    socket.on('error', (err) => events.log('debug', `socket error: ${err.message}`));
    socket.on('close', () => {
      pacer.stop(); // nothing of a closed connection is handled after it closed
      // The session's end (its actor, sessionEnd, the supervisor's books) waits its turn: a thousand
      // connections dropped at once are torn down a few milliseconds a turn, not in one stall.
      sessionTeardowns.add('', () => events.closed());
    });
    protocol.start();
  }

  holdInput(): void {
    this.#pacer?.hold();
  }

  releaseInput(): void {
    this.#pacer?.release();
  }

  /**
   * One slice of input. What handling it wrote leaves at once when the session is back waiting for
   * input and no more input is queued (a plain command: echo, output and the next prompt in one write,
   * as the turn's end would send them, without a setImmediate per command); else at the turn's end, so
   * a command still running (a promise) adds its output and prompt to the same write.
   */
  #receive(protocol: TelnetProtocol, pacer: InputPacer, chunk: Buffer): void {
    this.#receiving = true;
    try {
      protocol.receive(chunk);
    } finally {
      this.#receiving = false;
    }
    if (!this.#flushWanted) return;
    this.#flushWanted = false;
    if (!this.#flushScheduled && pacer.queued === 0 && this.#events?.awaitingInput?.()) this.#flush();
    else this.#scheduleFlush();
  }

  /** Input is being handled now: output waits for its end (see `#receive`), not for a timer. */
  #receiving = false;
  #flushWanted = false;

  // ---- TelnetProtocolSink: what the engine reports (the transport is its sink, so a connection
  // ---- holds no closure per kind of event) ----

  /** Protocol bytes: after the text written before them, in the same flush. */
  send(bytes: Uint8Array): void {
    if (this.#socket.destroyed) return;
    this.#takeText();
    this.#parts.push(bytes);
    this.#scheduleFlush();
  }

  data(bytes: Uint8Array): void {
    // The decoder's runs are subarrays of the socket's chunk, already Buffers: no second view of them.
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let text: string;
    // Typed text is nearly always ASCII: a UTF-8 decoder (with its buffer) is made only when needed.
    if (this.#charset !== 'utf-8' || (this.#utf8 === null && isAscii(buffer))) text = buffer.toString('latin1');
    else text = (this.#utf8 ??= new StringDecoder('utf8')).write(buffer);
    if (text.length > 0) this.#events?.data(text);
  }

  // Terminal facts are reported, not judged here: whether the client echoes itself (a MUD client) and
  // so what ECHO to say is the echo decision's, taken from the session's terminal state.
  terminalType(name: string): void {
    const protocol = this.#protocol;
    if (protocol) this.#events?.terminalChanged({ term: name, terminalTypes: protocol.terminalTypes });
  }

  environment(variables: ReadonlyMap<string, string>): void {
    this.#events?.terminalChanged({ environment: variables });
  }

  echoRefused(): void {
    this.#events?.terminalChanged({ clientEchoes: true });
  }

  charset(charset: SessionCharset): void {
    // The transport codes text in it; the session's terminal state holds it for the handler.
    this.#charset = charset;
    this.#utf8 = null;
    this.#events?.log('debug', `charset ${charset}`);
    this.#events?.terminalChanged({ charset });
  }

  logout(): void {
    this.#events?.logout?.();
  }

  windowSize(width: number, height: number): void {
    this.#events?.terminalChanged({ width, height });
  }

  negotiated(): void {
    this.#events?.negotiated();
  }

  interrupt(): void {
    this.#events?.interrupt();
  }

  eraseCharacter(): void {
    this.#events?.eraseCharacter();
  }

  eraseLine(): void {
    this.#events?.eraseLine();
  }

  log(level: 'debug' | 'warn', message: string): void {
    this.#events?.log(level, message);
  }

  // ---- TerminalTransport ----

  write(text: string): void {
    if (this.#socket.destroyed) return;
    this.#text += text;
    this.#scheduleFlush();
    // A command printing in a loop must meet the output cap before the loop turns.
    if (this.#text.length > this.#maxOutputBuffer) this.#flush();
  }

  promptShown(): void {
    this.#protocol?.promptShown();
  }

  serverEcho(on: boolean): void {
    this.#echoWanted = on;
    const retryMs = this.#protocol?.setServerEcho(on) ?? 0;
    // Behind a request the client has not answered (TinTin++ never answers WONT ECHO): said once the
    // protocol takes that request as settled. One timer at most; the latest wish wins.
    if (retryMs > 0 && this.#echoRetry === null && !this.#socket.destroyed) {
      this.#echoRetry = setTimeout(() => {
        this.#echoRetry = null;
        if (!this.#socket.destroyed) this.serverEcho(this.#echoWanted);
      }, retryMs);
      this.#echoRetry.unref();
    }
  }

  #echoWanted = false;
  #echoRetry: NodeJS.Timeout | null = null;

  keepAlive(): void {
    this.#protocol?.keepAlive();
  }

  close(): void {
    this.#pacer?.stop(); // input still waiting is not for a session that ends
    const socket = this.#socket;
    if (socket.destroyed) return;
    this.#flush(); // the goodbye written just before must not be lost
    socket.end();
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  // Echo, response and prompt of one command leave as one encoded chunk in one write: everything
  // written in one turn of the event loop is gathered and sent when the loop turns.
  #text = '';
  #parts: Uint8Array[] = [];
  #flushScheduled = false;
  // Static, with the transport as argument: no closure per connection for it.
  static #flushSoon(transport: TelnetTransport): void {
    transport.#flushScheduled = false;
    transport.#flush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    if (this.#receiving) {
      this.#flushWanted = true;
      return;
    }
    this.#flushScheduled = true;
    setImmediate(TelnetTransport.#flushSoon, this);
  }

  #takeText(): void {
    if (this.#text.length === 0) return;
    this.#parts.push(wireBytes(this.#text, this.#charset));
    this.#text = '';
  }

  #flush(): void {
    // Text alone (no protocol bytes between), all ASCII: written as a string, one byte a character.
    let ascii: string | null = null;
    if (this.#parts.length === 0) {
      const text = this.#text;
      if (text.length === 0) return;
      if (Buffer.byteLength(text, 'utf8') === text.length) {
        ascii = cookedAscii(text);
        this.#text = '';
      }
    }
    let bytes: Uint8Array | null = null;
    if (ascii === null) {
      this.#takeText();
      const parts = this.#parts;
      if (parts.length === 0) return;
      this.#parts = [];
      bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    }
    const socket = this.#socket;
    if (socket.destroyed || !socket.writable) return;
    // A peer that stops reading must not make us buffer without bound (a latin1 string is counted
    // in characters, which are its bytes).
    if (socket.writableLength > this.#maxOutputBuffer) {
      this.#events?.log('warn', `output buffer over ${this.#maxOutputBuffer} bytes, client is not reading: dropped`);
      socket.destroy();
      return;
    }
    if (ascii !== null) socket.write(ascii, 'latin1');
    else socket.write(bytes!);
  }
}

export function formatAddress(address: string | undefined, port: number | undefined): string {
  if (!address) return 'unknown';
  const host = address.includes(':') ? `[${address}]` : address;
  return port === undefined ? host : `${host}:${port}`;
}
