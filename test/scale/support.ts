// Helpers for the scale-out suites: a real redis-server on a free port, the demo as a cluster or a
// Redis-joined process (child processes, stopped by pid), and a raw telnet client.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A redis-server of our own on 127.0.0.1, nothing saved; `restart` keeps the port. */
export class RedisProcess {
  #child: ChildProcess | null = null;
  private constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freePort());
    await redis.#spawn();
    return redis;
  }
  async #spawn(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await until(() => /Ready to accept connections/.test(out) || child.exitCode !== null, 5000, 'redis-server to start');
    if (child.exitCode !== null) throw new Error(`redis-server did not start: ${out}`);
  }
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child) return;
    child.kill('SIGKILL'); // as a crash would: nothing written, connections cut
    await exited(child);
  }
  /** SIGSTOP / SIGCONT: connected, answering nothing. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }
  resume(): void {
    this.#child?.kill('SIGCONT');
  }
  async restart(): Promise<void> {
    await this.stop();
    await this.#spawn();
  }
}

/** The demo in child processes (a cluster, or one process joined through Redis). */
export class DemoProcess {
  out = '';
  err = '';
  readonly child: ChildProcess;
  private constructor(args: string[], script: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
  }
  /** Starts it and waits for `listeners` "telnet listening" lines (one per worker). */
  static async start(args: string[], listeners = 1): Promise<DemoProcess> {
    return DemoProcess.run('src/demo/main.ts', ['--port', '0', '--no-ssh', ...args], listeners);
  }
  /** Another program that prints the demo's "telnet listening" lines (a fixture). */
  static async run(script: string, args: string[], listeners = 1, env: Record<string, string> = {}): Promise<DemoProcess> {
    const demo = new DemoProcess(args, script, env);
    await until(() => demo.listening().length >= listeners || demo.child.exitCode !== null, 15_000, `${listeners} listener(s)`);
    if (demo.child.exitCode !== null) throw new Error(`demo exited: ${demo.err}`);
    return demo;
  }
  /** [process id, pid, port] of each "telnet listening" line so far. */
  listening(): Array<{ process: string; pid: number; port: number }> {
    return [...this.out.matchAll(/telnet listening on [\d.]+:(\d+) \(process (\S+), pid (\d+)\)/g)].map((m) => ({
      port: Number(m[1]),
      process: m[2]!,
      pid: Number(m[3]),
    }));
  }
  get port(): number {
    return this.listening()[0]!.port;
  }
  exited(): Promise<void> {
    return exited(this.child);
  }
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 8000);
    await this.exited();
    clearTimeout(timer);
  }
}

/** A telnet client that does not negotiate (netcat-like): what the server said, telnet commands removed. */
export class RawClient {
  text = '';
  closed = false;
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1').replace(/\xff[\xfb-\xfe][\s\S]|\xff\xfa[\s\S]*?\xff\xf0/g, '');
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }
  static async connect(port: number, header?: string | Buffer): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    if (header) socket.write(header);
    return new RawClient(socket);
  }
  /** What came since `mark` (an offset into `text`). */
  since(mark: number): string {
    return this.text.slice(mark).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n|\r\0/g, '\n');
  }
  async waitFor(pattern: RegExp, from = 0, ms = 8000): Promise<string> {
    await until(() => pattern.test(this.since(from)), ms, `${pattern} in ${JSON.stringify(this.since(from))}`);
    return this.since(from);
  }
  /** Sends a line and waits for the next prompt; returns what came in between. */
  async command(line: string, prompt = /TestServer> $/): Promise<string> {
    const mark = this.text.length;
    this.socket.write(`${line}\r\n`);
    return this.waitFor(prompt, mark);
  }
  /** Logs in to the demo; returns its session id (from `debug`). */
  async login(name: string): Promise<string> {
    await this.waitFor(/Username: $/);
    const mark = this.text.length;
    this.socket.write(`${name}\r\n`);
    await this.waitFor(/TestServer> $/, mark);
    const debug = await this.command('debug');
    return /session:\s+(\S+),/.exec(debug)![1]!;
  }
  close(): void {
    this.socket.destroy();
  }
}
