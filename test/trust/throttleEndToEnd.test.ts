// The login throttle over real sockets: telnet and SSH share it; the wait grows per address, not per
// connection; a fresh address (127.0.0.2 here) logs in at once; a throttled address is logged.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import ssh2 from 'ssh2';
import { startDemo } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

const HOST_KEY = ssh2.utils.generateKeyPairSync('ed25519').private;
const THROTTLE = { baseDelayMs: 1000, maxDelayMs: 4000 };

/**
 * A plain socket from `localAddress` (any 127.x.y.z is loopback on Linux) logging in with `password`:
 * ms from sending the password to the command prompt.
 */
function loginFrom(port: number, localAddress: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let seen = '';
    let sent = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no login from ${localAddress}: ${JSON.stringify(seen)}`));
    }, 8000);
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      if (seen.endsWith('Username: ')) socket.write('bob\r\n');
      else if (seen.endsWith('Password: ')) {
        sent = Date.now();
        socket.write(`${password}\r\n`);
      } else if (sent && seen.includes('TestServer> ')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Date.now() - sent);
      }
    });
    socket.on('error', reject);
  });
}

/** One telnet login attempt: resolves with ms from sending the password to the answer. */
async function attempt(client: TelnetTestClient, password: string): Promise<{ ms: number; answer: string }> {
  const from = client.screen.length;
  await client.waitFor('Username: ', { from: Math.max(0, from - 12), timeoutMs: 5000 });
  client.send('bob\r\n');
  await client.waitFor('Password: ', { from });
  const sent = Date.now();
  client.send(`${password}\r\n`);
  const at = await client.waitFor(/Login failed\.|TestServer> /, { from, timeoutMs: 5000 });
  return { ms: Date.now() - sent, answer: client.screen.slice(at, at + 12) };
}

test('telnet: each failure from an address makes the next prompt wait longer, on any connection from it', async () => {
  const demo = await startDemo({ password: 'sesame' }, { loginRetryDelayMs: 10, loginThrottle: THROTTLE });
  const first = await TelnetTestClient.connect(demo.port);
  let second: TelnetTestClient | null = null;
  try {
    await attempt(first, 'wrong1');
    const gap1 = Date.now();
    await first.waitFor(/Login failed\.\n(.|\n)*Username: /);
    const waited1 = Date.now() - gap1;
    await attempt(first, 'wrong2');
    // At once, a new connection from the same address: it gains nothing, its first check waits for
    // the address's turn (2 s after the second failure). Lower bounds with room for a loaded machine.
    const failedAt = Date.now();
    second = await TelnetTestClient.connect(demo.port);
    const fresh = await attempt(second, 'sesame');
    assert.is(fresh.answer.startsWith('TestServer> '), true, 'the right password still gets in');
    assert.ok(Date.now() - failedAt >= 1500, `but only when the address's turn came (${Date.now() - failedAt} ms after the failure)`);
    await first.waitFor(/Login failed\.\n(.|\n)*Login failed\.\n(.|\n)*Username: /);
    const waited2 = Date.now() - failedAt;
    assert.ok(waited1 >= 700, `after the first failure the next prompt waited ${waited1} ms (1000 expected)`);
    assert.ok(waited2 >= 1500, `after the second ${waited2} ms (2000 expected)`);
  } finally {
    first.close();
    second?.close();
    await demo.stop();
  }
});

test('a correct login from a fresh address is not slowed, while another address is throttled', async () => {
  // The default throttle: after 3 failures 127.0.0.1 waits 4 s; a fresh address must not wait at all
  // (the bound is loose for a loaded machine, and still well under the 1 s a first failure costs).
  const demo = await startDemo({ password: 'sesame' }, { loginRetryDelayMs: 10 });
  const attacker = await TelnetTestClient.connect(demo.port);
  try {
    for (let i = 0; i < 3; i++) await attempt(attacker, `guess${i}`);
    assert.ok(demo.server.loginThrottle!.penaltyMs('127.0.0.1:1') > 0, '127.0.0.1 is throttled');
    assert.ok(demo.log.some((line) => line.startsWith('warn login throttled for 127.0.0.1: 3 failed logins')), demo.log.join('\n'));
    const ms = await loginFrom(demo.port, '127.0.0.2', 'sesame');
    assert.ok(ms < 900, `a fresh address waited ${ms} ms`);
  } finally {
    attacker.close();
    await demo.stop();
  }
});

/** One SSH password login; resolves with whether it got in and how long the answer took. */
function sshLogin(port: number, password: string): Promise<{ ok: boolean; ms: number }> {
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    const started = Date.now();
    const done = (ok: boolean) => {
      client.end();
      resolve({ ok, ms: Date.now() - started });
    };
    client.on('ready', () => done(true));
    client.on('error', () => done(false));
    client.connect({ host: '127.0.0.1', port, username: 'bob', password, readyTimeout: 10_000, tryKeyboard: false });
  });
}

test('SSH shares the table with telnet: telnet failures slow an SSH attempt from the same address; SSH failures count too', async () => {
  const demo = await startDemo({ password: 'sesame' }, { loginRetryDelayMs: 10, loginThrottle: THROTTLE });
  const { port: sshPort } = await demo.server.listenSsh({
    host: '127.0.0.1',
    port: 0,
    hostKey: HOST_KEY,
    authCallback: (_user, given) => {
      if (given !== 'sesame') throw new Error('wrong password');
    },
  });
  const telnet = await TelnetTestClient.connect(demo.port);
  try {
    const fresh = await sshLogin(sshPort, 'sesame');
    assert.ok(fresh.ok);
    await attempt(telnet, 'wrong1');
    await attempt(telnet, 'wrong2'); // the address's next turn is now 2 s away
    const slowed = await sshLogin(sshPort, 'sesame');
    assert.ok(slowed.ok);
    assert.ok(slowed.ms >= 1500, `SSH waited for the address's turn (${slowed.ms} ms; ${fresh.ms} ms when fresh)`);
    const wrong = await sshLogin(sshPort, 'nope');
    assert.not.ok(wrong.ok);
    assert.ok(demo.server.loginThrottle!.penaltyMs('127.0.0.1:1') >= 3000, 'the SSH failure pushed the address further back (4 s)');
  } finally {
    telnet.close();
    await demo.stop();
  }
});

test.run();
