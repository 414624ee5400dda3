// The attacks of issue #12 (items 5 to 8), sized by the caller: small in `npm test`, full in
// `npm run stress`. Attackers are raw sockets that read and throw away what they get, so the test
// process spends nothing on parsing their output.
import net from 'node:net';
import { randomBytes } from 'node:crypto';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw client: everything received is counted and dropped, except a short tail kept for matching. */
export class RawClient {
  received = 0;
  tail = '';
  closed = false;
  readonly socket: net.Socket;
  readonly #waiters = new Set<() => void>();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      this.tail = (this.tail + chunk.toString('latin1')).slice(-4096);
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Resolves when the last 4 KiB received match, or the connection closes (false), or after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.tail)) {
      if (this.closed) return false;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; tail: ${JSON.stringify(this.tail.slice(-300))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        const waiters = this.#waiters;
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
    return true;
  }

  /** Writes and resolves once the kernel has taken all of it (or the connection is gone). */
  send(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      const done = () => {
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('close', done);
      this.socket.write(data, done);
    });
  }

  clearTail(): void {
    this.tail = '';
  }

  close(): void {
    this.socket.destroy();
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/** Logs in to the demo as `name` without answering negotiation (the prompt comes after its timeout). */
export async function rawLogin(port: number, name: string): Promise<RawClient> {
  const client = await RawClient.connect(port);
  await client.waitFor(/Username: $/);
  client.clearTail();
  await client.send(`${name}\r\n`);
  await client.waitFor(/TestServer> $/);
  client.clearTail();
  return client;
}

/** Item 7: one connection sends `bytes` random bytes at the Username prompt, then waits for quiet. */
export async function randomInput(port: number, bytes: number): Promise<void> {
  const client = await RawClient.connect(port);
  try {
    await client.waitFor(/Username: $/);
    // Without ^D (0x04): on an empty line it logs out, which would end the attack early.
    const noise = randomBytes(bytes).map((byte) => (byte === 4 ? 0x61 : byte));
    await client.send(Buffer.from(noise));
    await quiet(client, 300, 60_000);
  } finally {
    client.close();
  }
}

/** Item 7: `clients` logged-in connections paste one line of `bytes` characters each, at once. */
export async function pasteLines(port: number, clients: number, bytes: number): Promise<void> {
  const all = await Promise.all(Array.from({ length: clients }, (_, i) => rawLogin(port, `paster${i}`)));
  try {
    const line = Buffer.alloc(bytes, 'x');
    await Promise.all(
      all.map(async (client) => {
        await client.send(line);
        await client.send('\r\n');
        await client.waitFor(/TestServer> $/, 60_000);
      }),
    );
  } finally {
    for (const client of all) client.close();
  }
}

/** Item 5: `count` x `timer 999 <message of messageBytes>`, each answered before the next. */
export async function timerFlood(port: number, count: number, messageBytes: number): Promise<void> {
  const client = await rawLogin(port, 'timers');
  try {
    const message = 'm'.repeat(messageBytes);
    for (let i = 0; i < count; i++) {
      client.clearTail();
      await client.send(`timer 999 ${message}\r\n`);
      if (!(await client.waitFor(/TestServer> $/, 60_000))) throw new Error('the timer client was disconnected');
    }
  } finally {
    client.close();
  }
}

/**
 * Item 8: a client sends `bytes` of commands and resets the connection at once. Resolves with the
 * server's CPU time (µs) spent in the `settleMs` after the reset, read by `cpu()`.
 */
export async function burstThenReset(port: number, bytes: number, cpu: () => Promise<number>, settleMs = 1000): Promise<number> {
  const client = await rawLogin(port, 'dropper');
  const commands = Buffer.from('echo x\r\n'.repeat(Math.ceil(bytes / 8)));
  client.socket.write(commands);
  await sleep(50);
  client.socket.resetAndDestroy();
  const before = await cpu();
  await sleep(settleMs);
  return (await cpu()) - before;
}

/** Item 6: `count` connections that never log in (closed by the caller); resolves with how many were refused. */
export async function anonymousFlood(port: number, count: number, refusal: RegExp): Promise<{ clients: RawClient[]; refused: number }> {
  const clients = await Promise.all(Array.from({ length: count }, () => RawClient.connect(port)));
  let refused = 0;
  await Promise.all(
    clients.map(async (client) => {
      try {
        await client.waitFor(/Username: $|Too many|[Rr]efused/, 15_000);
      } catch {
        /* neither: counted below as not refused */
      }
      if (refusal.test(client.tail)) refused++;
    }),
  );
  return { clients, refused };
}

/** Resolves when nothing has arrived for `quietMs` (or the connection closed). */
async function quiet(client: RawClient, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  while (seen !== client.received && !client.closed) {
    if (Date.now() > deadline) throw new Error('the server never went quiet');
    seen = client.received;
    await sleep(quietMs);
  }
}
