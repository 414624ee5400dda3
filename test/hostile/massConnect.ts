// Many connections at once from many loopback addresses (127.0.0.2, .3, ...), each opened bare (it
// answers nothing) and dropped together: the attack of the mass-connect hostile test and
// `npm run bench:massconnect`. The sockets live in a process of their own (this file, run as a
// script), so their cost does not delay the probe that measures the server.
import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

type Request = { open: { port: number; count: number; addresses: number; timeoutMs: number } } | { greeted: true } | { drop: true };
type Reply = { connected: number } | { greeted: number } | { dropped: true };

/** The flooding process, asked over IPC. */
export class Flood {
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  static async start(): Promise<Flood> {
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`flooder exited (${code})`)));
    });
    return new Flood(child);
  }

  /**
   * Opens `count` connections to `port` over `addresses` loopback addresses from 127.0.0.2 on;
   * resolves with how many are connected (the kernel's handshake done: accepted or in the server's
   * backlog), once all are or after `timeoutMs`.
   */
  open(port: number, count: number, { addresses = 200, timeoutMs = 60_000 } = {}): Promise<number> {
    return this.#ask({ open: { port, count, addresses, timeoutMs } }).then((reply) => ('connected' in reply ? reply.connected : 0));
  }

  /** How many of the connections heard from the server (their session started) or were closed by it, once all have or after the open's `timeoutMs`. */
  greeted(): Promise<number> {
    return this.#ask({ greeted: true }).then((reply) => ('greeted' in reply ? reply.greeted : 0));
  }

  /** Destroys every connection at once. */
  async drop(): Promise<void> {
    await this.#ask({ drop: true });
  }

  stop(): void {
    this.#child.kill();
  }

  #ask(request: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`flooder exited (${code})`));
      this.#child.once('exit', onExit);
      this.#child.once('message', (reply: Reply) => {
        this.#child.off('exit', onExit);
        resolve(reply);
      });
      this.#child.send(request);
    });
  }
}

/** The child's side. */
function serve(): void {
  let sockets: net.Socket[] = [];
  let greeted = 0;
  let allHeard: Promise<unknown> = Promise.resolve();
  let timeoutMs = 0;
  const timeout = () => new Promise((resolve) => setTimeout(resolve, timeoutMs));
  process.on('message', async (request: Request) => {
    if ('drop' in request) {
      for (const socket of sockets) socket.destroy();
      sockets = [];
      process.send!({ dropped: true } satisfies Reply);
      return;
    }
    if ('greeted' in request) {
      await Promise.race([allHeard, timeout()]);
      process.send!({ greeted } satisfies Reply);
      return;
    }
    const { port, count, addresses } = request.open;
    timeoutMs = request.open.timeoutMs;
    greeted = 0;
    let connected = 0;
    const heard: Promise<void>[] = [];
    const connects: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const socket = net.connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % addresses)}` });
      socket.on('error', () => {});
      connects.push(
        new Promise<void>((resolve) => {
          socket.once('connect', () => {
            connected++;
            resolve();
          });
          socket.once('close', () => resolve());
        }),
      );
      heard.push(
        new Promise<void>((resolve) => {
          const done = () => {
            greeted++;
            socket.off('data', done);
            socket.off('close', done);
            resolve();
          };
          socket.on('data', done);
          socket.on('close', done);
        }),
      );
      sockets.push(socket);
    }
    allHeard = Promise.all(heard);
    await Promise.race([Promise.all(connects), timeout()]);
    process.send!({ connected } satisfies Reply);
  });
  process.send!('ready');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) serve();
