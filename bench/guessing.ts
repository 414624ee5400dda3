// Password guessing against the login throttle: how many passwords a client from one address gets
// checked per second, over telnet and SSH, with one connection at a time and with 16 in parallel,
// with the throttle off (as before issue 13) and on (the defaults). A "guess" is one call of the
// server's authCallback, counted in the server: what an attacker actually gets checked.
// Run: npx tsx bench/guessing.ts [seconds per scenario, default 10] [--after-only]
import net from 'node:net';
import ssh2 from 'ssh2';
import { createServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { TelnetHandler } from '../src/handler.js';

const SECONDS = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 10);
const AFTER_ONLY = process.argv.includes('--after-only');
const HOST_KEY = ssh2.utils.generateKeyPairSync('ed25519').private;

interface Scenario {
  transport: 'telnet' | 'ssh';
  parallel: number;
  throttle: boolean;
}

async function measure({ transport, parallel, throttle }: Scenario): Promise<number> {
  let checks = 0;
  class Guarded extends TelnetHandler {
    override authNeedUser = true;
    override authNeedPass = true;
    override authCallback(): void {
      checks++;
      throw new Error('wrong password');
    }
  }
  const server = createServer(Guarded, {
    logger: silentLogger,
    loginThrottle: throttle ? {} : false,
    negotiationTimeoutMs: 50,
    maxSessionsPerAddress: 0,
  });
  const { port } =
    transport === 'telnet'
      ? await server.listenTelnet({ port: 0 })
      : await server.listenSsh({
          port: 0,
          hostKey: HOST_KEY,
          authCallback: () => {
            checks++;
            throw new Error('wrong password');
          },
        });
  const deadline = Date.now() + SECONDS * 1000;
  const open = new Set<{ destroy(): void }>();
  const workers = Array.from({ length: parallel }, async () => {
    while (Date.now() < deadline) await (transport === 'telnet' ? telnetGuess(port, open) : sshGuesses(port, open));
  });
  const stop = new Promise<void>((resolve) => setTimeout(resolve, SECONDS * 1000));
  await Promise.race([Promise.all(workers), stop]);
  const counted = checks;
  for (const connection of open) connection.destroy();
  await Promise.race([Promise.allSettled(workers), new Promise((resolve) => setTimeout(resolve, 2000))]);
  await server.close({ timeoutMs: 1000 });
  return counted / SECONDS;
}

/** The attacker's best over telnet: connect, one guess, hang up at the answer, connect again. */
function telnetGuess(port: number, open: Set<{ destroy(): void }>): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    open.add(socket);
    let seen = '';
    const finish = () => {
      open.delete(socket);
      socket.destroy();
      resolve();
    };
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      if (seen.endsWith('Username: ')) socket.write('root\r\n');
      else if (seen.endsWith('Password: ')) socket.write('guess\r\n');
      else if (seen.includes('Login failed.') || seen.includes('Too many failed logins')) finish();
      if (seen.length > 4096) seen = seen.slice(-64);
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
}

/** Over SSH: one connection, as many password guesses as the server allows (6), then again. */
function sshGuesses(port: number, open: Set<{ destroy(): void }>): Promise<void> {
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    const handle = { destroy: () => client.destroy() };
    open.add(handle);
    const finish = () => {
      open.delete(handle);
      client.destroy();
      resolve();
    };
    let tries = 0;
    client.on('error', finish);
    client.on('close', finish);
    client.on('ready', finish);
    client.connect({
      host: '127.0.0.1',
      port,
      username: 'root',
      readyTimeout: 60_000,
      authHandler: (_methodsLeft, _partial, next) => {
        if (tries++ >= 6) return next(false as never);
        next({ type: 'password', username: 'root', password: `guess${tries}` });
      },
    });
  });
}

const rows: string[] = [];
for (const transport of ['telnet', 'ssh'] as const) {
  for (const parallel of [1, 16]) {
    const before = AFTER_ONLY ? NaN : await measure({ transport, parallel, throttle: false });
    const after = await measure({ transport, parallel, throttle: true });
    const row = `${transport.padEnd(6)} ${String(parallel).padStart(2)} connection(s) from one address: ${before.toFixed(1).padStart(7)} guesses/s without the throttle, ${after.toFixed(2).padStart(6)} with it`;
    console.log(row);
    rows.push(row);
  }
}
console.log(`(${SECONDS} s per figure; a guess is one authCallback call counted in the server)`);
process.exit(0);
