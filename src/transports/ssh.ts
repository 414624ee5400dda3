import { StringDecoder } from 'node:string_decoder';
import type { ServerChannel } from 'ssh2';
import type { TerminalEvents, TerminalTransport } from './terminalTransport.js';
import { InputPacer, type InputBudget } from './inputPacer.js';

export interface PtyInfo {
  term: string;
  width: number;
  height: number;
}

/** One SSH `session` channel (shell or exec) as a terminal. */
export class SshTransport implements TerminalTransport {
  readonly kind = 'ssh';
  readonly needsNegotiation = false;
  readonly authenticatedUser: string;
  readonly remoteAddress: string;
  readonly initialTerminal: { term?: string; width?: number; height?: number };
  readonly execCommand: string | null;
  readonly #stream: ServerChannel;
  /** A pty wants CR LF; exec output without a pty goes out as the program wrote it. */
  readonly #pty: boolean;
  readonly #onClose: () => void;
  #events: TerminalEvents | null = null;

  constructor(options: {
    stream: ServerChannel;
    username: string;
    remoteAddress: string;
    pty: PtyInfo | null;
    execCommand: string | null;
    onClose: () => void;
  }) {
    this.#stream = options.stream;
    this.authenticatedUser = options.username;
    this.remoteAddress = options.remoteAddress;
    this.#pty = options.pty !== null;
    this.initialTerminal = options.pty ?? {};
    this.execCommand = options.execCommand;
    this.#onClose = options.onClose;
  }

  #pacer: InputPacer | null = null;

  attach(events: TerminalEvents, session: { inputBudget?: InputBudget } = {}): void {
    this.#events = events;
    const text = new StringDecoder('utf8');
    const stream = this.#stream;
    // As on telnet: a slice of input per turn of the loop, the channel paused meanwhile.
    const pacer = new InputPacer(stream, (chunk) => {
      const decoded = text.write(chunk);
      if (decoded.length > 0) events.data(decoded);
    }, session.inputBudget);
    this.#pacer = pacer;
    stream.on('data', (chunk: Buffer) => pacer.push(chunk));
    stream.on('error', (err: Error) => events.log('debug', `channel error: ${err.message}`));
    stream.once('close', () => {
      pacer.stop();
      this.#onClose();
      events.closed();
    });
  }

  /** window-change: may arrive at any time, before or after the session started. */
  resize(width: number, height: number): void {
    if (this.#events) this.#events.resize(width, height);
    else Object.assign(this.initialTerminal, { width, height });
  }

  write(text: string): void {
    const stream = this.#stream;
    if (!stream.writable) return;
    stream.write(this.#pty ? text.replace(/\r?\n/g, '\r\n') : text);
  }

  exitStatus(status: number): void {
    if (this.#stream.writable) this.#stream.exit(status);
  }

  close(): void {
    this.#pacer?.stop();
    if (this.#stream.writable) this.#stream.end();
    else this.#stream.close();
  }
}
