import { StringDecoder } from 'node:string_decoder';
import type { ServerChannel } from 'ssh2';
import type { TerminalEvents, TerminalTransport } from './terminalTransport.js';
import { InputPacer, type InputBudget } from './inputPacer.js';
import { sessionTeardowns } from './turnQueue.js';
import type { TerminalChange } from '../terminal/terminalState.js';

export interface PtyInfo {
  term: string;
  width: number;
  height: number;
}

export interface SshTransportOptions {
  stream: ServerChannel;
  username: string;
  remoteAddress: string;
  pty: PtyInfo | null;
  execCommand: string | null;
  /** Variables the client sent with `env` requests, already filtered (see `sshEnvironment`). */
  environment: ReadonlyMap<string, string>;
  /** Output queued for this channel beyond which the session is dropped (bytes). */
  maxOutputBuffer: number;
  /** Bytes the connection's socket holds unsent: shared by every channel of the connection. */
  connectionBacklog(): number;
  /** Drops the whole connection (its socket holds more than `maxOutputBuffer`). */
  dropConnection(): void;
  onClose(): void;
}

/** ^D: what the line editor reads as end of input on an empty line. */
const END_OF_INPUT = '\x04';
/** A client that ignores our channel close gets this long before the session is let go. */
const CLOSE_GRACE_MS = 2000;

/**
 * One SSH `session` channel (shell or exec) as a terminal. With a pty it is a terminal like telnet's
 * (LF becomes CR LF, the server echoes and edits); without one it is a pipe: the client sends whole
 * lines, errors go to stderr, output goes out as written.
 */
export class SshTransport implements TerminalTransport {
  readonly kind = 'ssh';
  // SSH has nothing to negotiate; the transport reports NEGOTIATED as soon as it is attached, so the
  // session takes the same chart path as on telnet (login accepted, then welcome and sessionStart).
  readonly needsNegotiation = true;
  readonly authenticatedUser: string;
  readonly remoteAddress: string;
  readonly initialTerminal: TerminalChange;
  readonly execCommand: string | null;
  /** No pty: the client shows its own input, so no echo, no prompts, no colour (see TerminalTransport). */
  readonly lineMode: boolean;
  readonly #stream: ServerChannel;
  readonly #options: SshTransportOptions;
  #events: TerminalEvents | null = null;
  /** The first exit status stands: exec reports its own before the session's end reports one. */
  #statusSent = false;
  #closed = false;
  #dropped = false;
  /** The client sent EOF: every later prompt reads end of input. */
  #inputEnded = false;
  /** Whether the last input ended a line (at EOF a half line is finished first). */
  #atLineStart = true;

  constructor(options: SshTransportOptions) {
    this.#options = options;
    this.#stream = options.stream;
    this.authenticatedUser = options.username;
    this.remoteAddress = options.remoteAddress;
    this.lineMode = options.pty === null;
    // Without a pty nothing shows colour or moves a cursor: the terminal is `dumb`.
    this.initialTerminal = { ...(options.pty ?? { term: 'dumb' }), environment: options.environment };
    this.execCommand = options.execCommand;
  }

  #pacer: InputPacer | null = null;

  attach(events: TerminalEvents, session: { inputBudget?: InputBudget } = {}): void {
    this.#events = events;
    const text = new StringDecoder('utf8');
    const stream = this.#stream;
    // As on telnet: a slice of input per turn of the loop, the channel paused meanwhile.
    const pacer = new InputPacer(stream, (chunk) => {
      const decoded = text.write(chunk);
      if (decoded.length > 0) this.#input(decoded);
    }, session.inputBudget);
    this.#pacer = pacer;
    stream.on('data', (chunk: Buffer) => pacer.push(chunk));
    // EOF goes behind the input still waiting in the pacer.
    stream.on('end', () => pacer.end(() => this.#endOfInput()));
    stream.on('error', (err: Error) => events.log('debug', `channel error: ${err.message}`));
    stream.once('close', () => this.#finish());
    events.negotiated();
  }

  holdInput(): void {
    this.#pacer?.hold();
  }

  releaseInput(): void {
    this.#pacer?.release();
  }

  #input(text: string): void {
    this.#atLineStart = text.endsWith('\n') || text.endsWith('\r');
    this.#events?.data(text);
  }

  #endOfInput(): void {
    if (this.#inputEnded || this.#closed) return;
    this.#inputEnded = true;
    this.#input(this.#atLineStart ? END_OF_INPUT : `\n${END_OF_INPUT}`);
  }

  /** After EOF every prompt (a command's readLine too) reads end of input. */
  promptShown(): void {
    if (this.#inputEnded && !this.#closed) this.#events?.data(END_OF_INPUT);
  }

  /** window-change: may arrive at any time, before or after the session started. */
  resize(width: number, height: number): void {
    if (this.#events) this.#events.terminalChanged({ width, height });
    else Object.assign(this.initialTerminal, { width, height });
  }

  // Output written in one turn of the event loop leaves as one write (one SSH packet where it fits),
  // not a packet per line: a command printing 20 lines costs one encryption, not 20.
  #out = '';
  #err = '';
  #flushScheduled = false;
  static #flushSoon(transport: SshTransport): void {
    transport.#flushScheduled = false;
    transport.#flush();
  }

  write(text: string): void {
    if (this.#dropped || this.#closed) return;
    this.#out += this.lineMode ? text : text.replace(/\r?\n/g, '\r\n');
    this.#queued();
  }

  /** Errors: on stderr (extended data) without a pty; a pty has one stream for both. */
  writeError(text: string): void {
    if (!this.lineMode) return this.write(text);
    if (this.#dropped || this.#closed) return;
    // stdout written before the error must arrive before it.
    if (this.#out.length > 0) this.#flush();
    this.#err += text;
    this.#queued();
  }

  #queued(): void {
    // A command printing in a loop meets the output cap before the loop turns.
    if (this.#out.length + this.#err.length > this.#options.maxOutputBuffer) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(SshTransport.#flushSoon, this);
    }
  }

  #flush(): void {
    const stream = this.#stream;
    if (this.#out.length > 0) {
      if (!this.#dropped && stream.writable) stream.write(this.#out);
      this.#out = '';
    }
    if (this.#err.length > 0) {
      if (!this.#dropped && stream.stderr.writable) stream.stderr.write(this.#err);
      this.#err = '';
    }
    if (!this.#dropped) this.#checkBacklog();
  }

  /**
   * A client that does not read (its channel window stays shut, or its socket does not drain) must
   * not make us buffer without bound: the channel, or the whole connection, is dropped at the cap.
   */
  #checkBacklog(): void {
    const limit = this.#options.maxOutputBuffer;
    if (this.#options.connectionBacklog() > limit) {
      this.#drop(`connection output over ${limit} bytes, client is not reading: disconnected`);
      this.#options.dropConnection();
      return;
    }
    const queued = this.#stream.writableLength + this.#stream.stderr.writableLength;
    if (queued > limit) {
      this.#drop(`output buffer over ${limit} bytes, client is not reading: dropped`);
      this.#stream.close();
      this.#finish();
    }
  }

  #drop(why: string): void {
    this.#dropped = true;
    this.#events?.log('warn', why);
  }

  exitStatus(status: number): void {
    if (this.#statusSent || this.#dropped) return;
    this.#flush(); // the output comes before the status
    this.#statusSent = true;
    if (this.#stream.writable) this.#stream.exit(status);
  }

  /** After pending output: EOF and close; a client that never acknowledges is let go after a grace. */
  close(): void {
    const stream = this.#stream;
    if (this.#closed) return;
    this.#pacer?.stop();
    this.#flush(); // the goodbye written just before must not be lost
    if (stream.writable && !this.#dropped) stream.end();
    else stream.close();
    const timer = setTimeout(() => {
      stream.close();
      this.#finish();
    }, CLOSE_GRACE_MS);
    timer.unref();
    stream.once('close', () => clearTimeout(timer));
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pacer?.stop();
    this.#options.onClose();
    const events = this.#events;
    // Torn down in its turn, as a telnet session is (turnQueue.ts).
    if (events !== null) sessionTeardowns.add('', () => events.closed());
  }
}
