// A small scripted telnet client for end-to-end tests. It is written independently of src/protocol on
// purpose, so the server's codec is checked against a second implementation, not against itself.
import net from 'node:net';
import { Wakeups } from './wakeups.js';

const IAC = 255, SB = 250, SE = 240, WILL = 251, WONT = 252, DO = 253, DONT = 254;
const ECHO = 1, SGA = 3, TTYPE = 24, NAWS = 31;

export interface ClientOptions {
  /** Answer negotiation like a real client (default); false behaves like netcat. */
  negotiate?: boolean;
  term?: string;
  width?: number;
  height?: number;
}

export class TelnetTestClient {
  /** Everything shown so far, telnet commands removed, CR NUL / CR LF kept as sent. */
  text = '';
  /** Raw negotiation seen: [verb, option] pairs. */
  readonly negotiation: Array<[number, number]> = [];
  closed = false;
  readonly #socket: net.Socket;
  readonly #options: Required<ClientOptions>;
  #pending: number[] = [];
  readonly #wakeups = new Wakeups();

  private constructor(socket: net.Socket, options: ClientOptions) {
    this.#socket = socket;
    this.#options = { negotiate: true, term: 'XTERM', width: 80, height: 24, ...options };
    socket.on('data', (chunk) => this.#receive(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.#wakeups.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, options: ClientOptions = {}): Promise<TelnetTestClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new TelnetTestClient(socket, options)));
      socket.once('error', reject);
    });
  }

  /** The output with line ends normalised and ANSI sequences removed (what the eye reads). */
  get screen(): string {
    return this.text.replace(/\r\n|\r\0/g, '\n').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  }

  send(data: string | Uint8Array): void {
    this.#socket.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  sendRaw(bytes: number[]): void {
    this.#socket.write(Buffer.from(bytes));
  }

  resize(width: number, height: number): void {
    this.sendRaw([IAC, SB, NAWS, width >> 8, width & 255, height >> 8, height & 255, IAC, SE]);
  }

  /** Resolves when `screen` (from `from` on) matches; rejects after `timeoutMs` with what was seen. */
  async waitFor(pattern: string | RegExp, { from = 0, timeoutMs = 3000 } = {}): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen.slice(from);
      const index = typeof pattern === 'string' ? screen.indexOf(pattern) : screen.search(pattern);
      if (index >= 0) return from + index;
      if (this.closed) throw new Error(`connection closed before ${String(pattern)}; saw:\n${this.screen}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${String(pattern)}; saw:\n${this.screen}`);
      await this.#wakeups.next(left);
    }
  }

  waitForClose(timeoutMs = 3000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still open; saw:\n${this.screen}`)), timeoutMs);
      this.#socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  /** Stops reading from the socket, like a client that never reads. */
  pause(): void {
    this.#socket.pause();
  }


  #receive(chunk: Buffer): void {
    const bytes = [...this.#pending, ...chunk];
    this.#pending = [];
    let text: number[] = [];
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i]!;
      if (b !== IAC) {
        text.push(b);
        i++;
        continue;
      }
      if (i + 1 >= bytes.length) break;
      const cmd = bytes[i + 1]!;
      if (cmd === IAC) {
        text.push(IAC);
        i += 2;
      } else if (cmd >= WILL && cmd <= DONT) {
        if (i + 2 >= bytes.length) break;
        this.#negotiate(cmd, bytes[i + 2]!);
        i += 3;
      } else if (cmd === SB) {
        let end = -1;
        for (let j = i + 2; j + 1 < bytes.length; j++) {
          if (bytes[j] === IAC && bytes[j + 1] === SE) {
            end = j;
            break;
          }
          if (bytes[j] === IAC) j++;
        }
        if (end < 0) break;
        this.#subnegotiation(bytes.slice(i + 2, end));
        i = end + 2;
      } else {
        i += 2;
      }
    }
    this.#pending = bytes.slice(i);
    this.text += Buffer.from(text).toString('utf8');
    this.#wakeups.wake();
  }

  #negotiate(verb: number, option: number): void {
    this.negotiation.push([verb, option]);
    if (!this.#options.negotiate) return;
    if (verb === DO && (option === TTYPE || option === NAWS || option === SGA)) {
      this.sendRaw([IAC, WILL, option]);
      if (option === NAWS) this.resize(this.#options.width, this.#options.height);
    } else if (verb === WILL && (option === ECHO || option === SGA)) {
      this.sendRaw([IAC, DO, option]);
    } else if (verb === DO) {
      this.sendRaw([IAC, WONT, option]);
    } else if (verb === WILL) {
      this.sendRaw([IAC, DONT, option]);
    }
  }

  #subnegotiation(data: number[]): void {
    if (data[0] === TTYPE && data[1] === 1 && this.#options.negotiate) {
      this.sendRaw([IAC, SB, TTYPE, 0, ...Buffer.from(this.#options.term), IAC, SE]);
    }
  }
}

/** Connects, answers the username prompt with `name` and waits for the command prompt (the demo's by default). */
export async function login(
  port: number,
  name = 'alice',
  { prompt = 'TestServer> ', ...options }: ClientOptions & { prompt?: string } = {},
): Promise<TelnetTestClient> {
  const client = await TelnetTestClient.connect(port, options);
  await client.waitFor('Username: ');
  client.send(`${name}\r\n`);
  await client.waitFor(prompt);
  return client;
}
