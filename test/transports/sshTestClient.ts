// An in-process ssh2 client for the SSH suites: connect, open channels, collect bytes and statuses.
import ssh2, { type AuthenticationType, type Client, type ClientChannel, type ConnectConfig, type PseudoTtyOptions } from 'ssh2';

export function connectSsh(port: number, config: Partial<ConnectConfig> = {}, made?: (client: Client) => void): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    made?.(client);
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.once('close', () => reject(new Error('connection closed before login')));
    client.on('error', () => {});
    client.connect({ host: '127.0.0.1', port, username: 'ann', password: 'pw', readyTimeout: 10_000, ...config });
  });
}

/** A channel with everything it sent kept as bytes, its exit status and whether it closed. */
export interface Recorded {
  channel: ClientChannel;
  stdout: () => Buffer;
  stderr: () => Buffer;
  /** Exit status (a number), or the signal name the server sent; undefined when none came. */
  exit: Promise<number | string | undefined>;
  closed: Promise<void>;
  /** Resolves once stdout holds `text` (rejects after `ms`). */
  waitFor(text: string, ms?: number): Promise<void>;
}

export function record(channel: ClientChannel): Recorded {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let status: number | string | undefined;
  const waiters = new Set<() => void>();
  const stdout = () => Buffer.concat(out);
  channel.on('data', (chunk: Buffer) => {
    out.push(chunk);
    for (const wake of waiters) wake();
  });
  channel.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  channel.on('exit', (code: number | null, signal?: string) => (status = code ?? signal));
  const closed = new Promise<void>((resolve) => channel.on('close', () => resolve()));
  return {
    channel,
    stdout,
    stderr: () => Buffer.concat(err),
    exit: closed.then(() => status),
    closed,
    waitFor(text, ms = 8000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!stdout().toString('utf8').includes(text)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${JSON.stringify(text)} in ${JSON.stringify(stdout().toString('utf8').slice(-400))}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
  };
}

export function openShell(client: Client, pty: PseudoTtyOptions | false, env?: Record<string, string>): Promise<Recorded> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | undefined, channel: ClientChannel) => (err ? reject(err) : resolve(record(channel)));
    if (env) client.shell(pty, { env }, done);
    else client.shell(pty, done);
  });
}

export function openExec(client: Client, command: string, options: { pty?: boolean; env?: Record<string, string> } = {}): Promise<Recorded> {
  return new Promise((resolve, reject) => {
    client.exec(command, options, (err, channel) => (err ? reject(err) : resolve(record(channel))));
  });
}

export function closeClient(client: Client): Promise<void> {
  return new Promise((resolve) => {
    client.once('close', () => resolve());
    client.end();
    setTimeout(() => {
      client.destroy();
      resolve();
    }, 2000).unref();
  });
}

export type { AuthenticationType };
