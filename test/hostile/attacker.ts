// A hostile client for the hostile tests (the line editor's attacks, the key-cost floods).
import net from 'node:net';

/**
 * The attacker: a bare socket (no telnet answers, like netcat), output counted and dropped but for
 * its last few KiB, so that megabytes of redraws cost the test nothing.
 */
export class Attacker {
  /** How long `waitFor` waits by default; when `closedEnds`, a connection dropped by the server ends the wait (another checkout may drop it). */
  readonly #timeoutMs: number;
  readonly #closedEnds: boolean;
  readonly socket: net.Socket;
  received = 0;
  tail = '';
  closed = false;

  private constructor(socket: net.Socket, timeoutMs: number, closedEnds: boolean) {
    this.socket = socket;
    this.#timeoutMs = timeoutMs;
    this.#closedEnds = closedEnds;
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      this.tail = (this.tail + chunk.toString('latin1')).slice(-8192);
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static connect(port: number, { timeoutMs = 30_000, closedEnds = false }: { timeoutMs?: number; closedEnds?: boolean } = {}): Promise<Attacker> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new Attacker(socket, timeoutMs, closedEnds)));
      socket.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  async waitFor(pattern: RegExp, timeoutMs = this.#timeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.tail)) {
      if (this.closed && this.#closedEnds) return;
      if (this.closed) throw new Error(`attacker closed before ${pattern}; last output ${JSON.stringify(this.tail.slice(-200))}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; last output ${JSON.stringify(this.tail.slice(-200))}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async loggedIn(name: string): Promise<void> {
    await this.waitFor(/Username: $/, 5000);
    this.send(`${name}\r`);
    await this.waitFor(/Target> $/, 5000);
    this.tail = '';
  }

  /** Writes `unit` repeated in 64 KiB writes as fast as the server takes them, for `ms`; the bytes sent. */
  async flood(unit: string, ms: number): Promise<number> {
    const chunk = Buffer.from(unit.repeat(Math.max(1, Math.floor(65536 / unit.length))), 'latin1');
    const until = Date.now() + ms;
    let sent = 0;
    while (Date.now() < until && !this.closed) {
      sent += chunk.length;
      if (!this.socket.write(chunk)) {
        // Flow control holds us while the server's input waits: wait for room, or the end of the flood.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, until - Date.now()));
          this.socket.once('drain', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
    return sent;
  }

  close(): void {
    this.socket.destroy();
  }
}
