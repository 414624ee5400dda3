// SSH sessions driven by an in-process ssh2 client, byte for byte: pty and pipe output, exit
// statuses, the user at sessionStart, env requests, channels per connection, the output cap and the
// attempt limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import ssh2 from 'ssh2';
import { createServer, type Server } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { command } from '../../src/shell/command.js';
import { recordingLogger } from '../support/demoServer.js';
import { login } from '../support/telnetClient.js';
import { closeClient, connectSsh, openExec, openShell, type Recorded } from './sshTestClient.js';

const Demo = createDemoHandler();
class EnvDemo extends Demo {
  @command('env', { help: '\nShow the environment the client sent.' })
  showEnvironment(): void {
    this.writeResponse(JSON.stringify(this.environment));
  }
}

const hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;
const WELCOME = 'You have connected to the test server.';

interface Running {
  server: Server;
  port: number;
  log: string[];
  passwords: string[];
}

async function start(listen: { maxAuthAttempts?: number; maxChannelsPerConnection?: number; channelTimeoutMs?: number } = {}, options: { maxOutputBuffer?: number; loginThrottle?: false } = {}): Promise<Running> {
  const log: string[] = [];
  const passwords: string[] = [];
  const server = createServer(EnvDemo, { logger: recordingLogger(log), ...options });
  const { port } = await server.listenSsh({
    port: 0,
    hostKey,
    authCallback: (_user, password) => {
      passwords.push(password);
      if (password !== 'pw') throw new Error('wrong password');
    },
    ...listen,
  });
  return { server, port, log, passwords };
}

let main: Running;
test.before(async () => {
  main = await start();
});
test.after(async () => {
  await main.server.close({ timeoutMs: 2000 });
});

const lines = (text: string) => text.split('\n');

test('pty: every line ends CR LF on the wire; the user is known when sessionStart runs; welcome first', async () => {
  const client = await connectSsh(main.port, { username: 'ann' });
  try {
    const shell = await openShell(client, { term: 'xterm', cols: 100, rows: 30 });
    await shell.waitFor('TestServer> ');
    shell.channel.write('echo a\r');
    await shell.waitFor('\r\na\r\nTestServer> ');
    const text = shell.stdout().toString('latin1');
    assert.ok(text.startsWith(`${WELCOME}\r\nHello ann!\r\nYou are connection #`), JSON.stringify(text.slice(0, 120)));
    assert.not.match(text, /[^\r]\n/, 'no bare LF with a pty');
    assert.ok(text.includes('TestServer> echo a\r\na\r\nTestServer> '), 'echo, answer and prompt, CR LF');
    shell.channel.write('exit\r');
    assert.is(await shell.exit, 0, 'exit sends exit-status 0');
  } finally {
    await closeClient(client);
  }
});

test('no pty: output goes out as written (LF), no prompt, no echo, no colour; EOF ends the session with status 0', async () => {
  const client = await connectSsh(main.port, { username: 'bo' });
  try {
    const shell = await openShell(client, false);
    shell.channel.end('echo a\nnosuch\necho "b c"\n');
    assert.is(await shell.exit, 0);
    assert.is(shell.stdout().toString('latin1'), `${WELCOME}\nHello bo!\nYou are connection #2, you have logged in 1 time(s).\na\nb c\nGoodbye\n`);
    assert.is(shell.stderr().toString('latin1'), "Unknown command 'NOSUCH'\n", 'errors on stderr, plain');
  } finally {
    await closeClient(client);
  }
});

test('no pty: a last line without a newline still runs; EOF inside a readLine ends it and the session', async () => {
  const client = await connectSsh(main.port, { username: 'cy' });
  try {
    const half = await openShell(client, false);
    half.channel.end('echo last');
    assert.is(await half.exit, 0);
    assert.ok(half.stdout().toString().endsWith('last\nGoodbye\n'), half.stdout().toString());
    const passwd = await openShell(client, false);
    passwd.channel.end('passwd\nsecret\n');
    assert.is(await passwd.exit, 0, 'the second read sees end of input, the prompt after it too');
    assert.not.match(passwd.stdout().toString() + passwd.stderr().toString(), /secret/);
  } finally {
    await closeClient(client);
  }
});

test('exec: stdout and stderr apart, statuses 0 and 1, the user known; a pty exec gets CR LF', async () => {
  const client = await connectSsh(main.port, { username: 'dee' });
  try {
    const ok = await openExec(client, 'info');
    assert.is(await ok.exit, 0);
    assert.is(lines(ok.stdout().toString())[0], 'Username: dee, terminal type: dumb');
    const bad = await openExec(client, 'nosuch');
    assert.is(await bad.exit, 1);
    assert.is(bad.stdout().length, 0);
    assert.is(bad.stderr().toString(), "Unknown command 'NOSUCH'\n");
    const echo = await openExec(client, 'echo a');
    assert.is(await echo.exit, 0);
    assert.is(echo.stdout().toString('latin1'), 'a\n', 'exactly the bytes written');
    const withPty = await openExec(client, 'echo a', { pty: true });
    assert.is(await withPty.exit, 0);
    assert.is(withPty.stdout().toString('latin1'), 'a\r\n');
  } finally {
    await closeClient(client);
  }
});

test('env requests: LANG, TERM, COLUMNS, LINES land in environment; USER and others are refused', async () => {
  const client = await connectSsh(main.port);
  try {
    const env = { LANG: 'C.UTF-8', USER: 'root', LD_PRELOAD: '/x.so', LINES: '50', TERM: 'x'.repeat(300) };
    const exec = await openExec(client, 'env', { env });
    assert.is(await exec.exit, 0);
    assert.equal(JSON.parse(exec.stdout().toString()), { LANG: 'C.UTF-8', LINES: '50', TERM: 'x'.repeat(256) });
  } finally {
    await closeClient(client);
  }
});

test('server-ended sessions: kicked and shut down get exit status 129 and a clean close', async () => {
  const client = await connectSsh(main.port, { username: 'kim' });
  try {
    const shell = await openShell(client, { term: 'xterm' });
    await shell.waitFor('TestServer> ');
    const id = main.server.sessions.find((session) => session.username === 'kim')!.id;
    main.server.disconnect(id, 'Bye, kim.');
    assert.is(await shell.exit, 129);
    assert.ok(shell.stdout().toString().endsWith('Bye, kim.\r\n'));
  } finally {
    await closeClient(client);
  }
  const own = await start();
  const other = await connectSsh(own.port);
  try {
    const shell = await openShell(other, { term: 'xterm' });
    await shell.waitFor('TestServer> ');
    shell.channel.write('passwd\r');
    await shell.waitFor('New password: ');
    const started = Date.now();
    const closing = own.server.close({ message: 'The server is shutting down.', timeoutMs: 5000 });
    assert.is(await shell.exit, 129);
    const ms = Date.now() - started;
    assert.ok(ms < 1000, `a session inside passwd closed in ${ms} ms`);
    assert.match(shell.stdout().toString(), /The server is shutting down\.\r\n$/);
    await closing;
  } finally {
    await closeClient(other);
  }
});

test('shutdown under a wrapped input line: the message starts on a row of its own', async () => {
  const own = await start();
  const client = await connectSsh(own.port);
  try {
    const shell = await openShell(client, { term: 'xterm', cols: 20, rows: 10 });
    await shell.waitFor('TestServer> ');
    // 12 + 30 characters: three rows; the cursor is moved back to the first.
    shell.channel.write(`${'0123456789'.repeat(3)}\x1b[H`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = shell.stdout().length;
    await own.server.close({ message: 'The server is shutting down.', timeoutMs: 2000 });
    await shell.closed;
    const after = shell.stdout().subarray(before).toString('latin1');
    // From column 12 of row 0 to the end of the input (column 2 of row 2), then a new line.
    assert.is(after, '\x1b[2B\x1b[10D\r\nThe server is shutting down.\r\n');
  } finally {
    await closeClient(client);
  }
});

test('the same over telnet: the shutdown message starts below a wrapped input line', async () => {
  const own = await start();
  const { port } = await own.server.listenTelnet({ port: 0 });
  const client = await login(port, 'tess', { width: 20, height: 10 });
  try {
    client.send(`${'0123456789'.repeat(3)}\x1b[H`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = client.text.length;
    await own.server.close({ message: 'The server is shutting down.', timeoutMs: 2000 });
    assert.is(client.text.slice(before), '\x1b[2B\x1b[10D\r\nThe server is shutting down.\r\n');
  } finally {
    client.close();
  }
});

test('channels: two shells on one connection are two sessions of the same user; the 11th channel is refused', async () => {
  const client = await connectSsh(main.port, { username: 'multi' });
  try {
    const shells: Recorded[] = [];
    for (let i = 0; i < 10; i++) shells.push(await openShell(client, false));
    await Promise.all(shells.map((shell) => shell.channel.write('')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const mine = main.server.sessions.filter((session) => session.username === 'multi');
    assert.is(mine.length, 10, 'each channel its own session, listed');
    assert.is(new Set(mine.map((session) => session.id)).size, 10);
    let refused: Error | null = null;
    await openShell(client, false).catch((err: Error) => (refused = err));
    assert.ok(refused, 'the 11th channel is refused');
    assert.match(main.log.join('\n'), /channel refused: more than 10 session channels on one connection/);
    shells[0]!.channel.end('echo first\n');
    shells[1]!.channel.end('echo second\n');
    assert.is(await shells[0]!.exit, 0);
    assert.is(await shells[1]!.exit, 0);
    assert.match(shells[0]!.stdout().toString(), /\nfirst\nGoodbye\n$/);
    assert.match(shells[1]!.stdout().toString(), /\nsecond\nGoodbye\n$/);
    // Two have closed: two more fit, the third again does not.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = [await openExec(client, 'echo x'), await openExec(client, 'echo y')];
    assert.equal(await Promise.all(again.map((exec) => exec.exit)), [0, 0]);
    for (const shell of shells.slice(2)) shell.channel.end();
    await Promise.all(shells.map((shell) => shell.closed));
  } finally {
    await closeClient(client);
  }
});

/** Sends a second `shell` or `exec` request on a channel already started, as a hostile client can (ssh2's client would not). */
function startAgain(client: ssh2.Client, channel: ssh2.ClientChannel, kind: 'shell' | 'exec'): void {
  const protocol = (client as unknown as { _protocol: { shell(id: number, wantReply: boolean): void; exec(id: number, cmd: string, wantReply: boolean): void } })._protocol;
  const id = (channel as unknown as { outgoing: { id: number } }).outgoing.id;
  if (kind === 'shell') protocol.shell(id, false);
  else protocol.exec(id, 'who', false);
}

test('a second shell or exec on a started channel is refused: the first session goes on, the server too', async () => {
  const client = await connectSsh(main.port, { username: 'twice' });
  try {
    const shell = await openShell(client, { term: 'xterm', rows: 24, cols: 80 });
    await shell.waitFor('TestServer> ');
    startAgain(client, shell.channel, 'shell');
    startAgain(client, shell.channel, 'exec');
    const exec = await openExec(client, 'crunch 1');
    startAgain(client, exec.channel, 'shell');
    startAgain(client, exec.channel, 'exec');
    shell.channel.write('echo still here\r');
    await shell.waitFor('still here\r\nTestServer> ');
    // The second shell session of a channel would have been a second session for this user.
    assert.is(main.server.sessions.filter((session) => session.username === 'twice').length, 2);
    shell.channel.end();
    await shell.closed;
    assert.is(await exec.exit, 0);
    const refusals = main.log.filter((line) => line.includes('refused a second shell or exec on one channel'));
    assert.ok(refusals.length >= 1 && refusals.length <= 2, refusals.join('\n'));
  } finally {
    await closeClient(client);
  }
  // A new connection is served: the server did not fall over.
  const after = await connectSsh(main.port, { username: 'after' });
  try {
    const exec = await openExec(after, 'echo alive');
    assert.is(await exec.exit, 0);
    assert.match(exec.stdout().toString(), /alive/);
  } finally {
    await closeClient(after);
  }
});

test('a connection ssh2 drops for a protocol error is explained by one log line', async () => {
  const socket = net.connect(main.port, '127.0.0.1');
  socket.on('error', () => {});
  socket.resume();
  try {
    await new Promise((resolve) => socket.once('connect', resolve));
    // A version line, then a packet whose length field is far past any packet ssh2 takes.
    socket.write('SSH-2.0-Hostile_1.0\r\n');
    socket.write(Buffer.alloc(64, 0xff));
    const line = /^info \[ssh 127\.0\.0\.1:\d+\] connection error: ".+"$/;
    const deadline = Date.now() + 5000;
    while (!main.log.some((entry) => line.test(entry)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(main.log.some((entry) => line.test(entry)), main.log.slice(-5).join('\n'));
  } finally {
    socket.destroy();
  }
});

test('20,000 channels at once on one connection: 10 open, the rest refused, the server unharmed', async () => {
  const client = await connectSsh(main.port, { username: 'flood' });
  const floodStarted = Date.now();
  const before = process.memoryUsage().heapUsed;
  let opened = 0;
  let refused = 0;
  let peak = 0;
  try {
    await Promise.all(
      Array.from({ length: 20_000 }, () =>
        openExec(client, 'echo x').then(
          (exec) => {
            opened++;
            peak = Math.max(peak, main.server.sessions.filter((session) => session.username === 'flood').length);
            return exec.closed;
          },
          () => refused++,
        ),
      ),
    );
  } finally {
    await closeClient(client);
  }
  assert.ok(opened >= 10, `opened ${opened}`);
  assert.is(opened + refused, 20_000);
  // Each refusal is not a log line: one a second, then the count of the rest.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const refusalLines = main.log.filter((line) => line.includes('channel refused'));
  assert.ok(refusalLines.length >= 1 && refusalLines.length <= 2 + (Date.now() - floodStarted) / 1000, `${refusalLines.length} refusal lines for ${refused} refusals`);
  assert.match(refusalLines.at(-1)!, /channel refused: more than 10 session channels on one connection \(\d+ times more in the last 1 s; this was the last\)$/);
  assert.ok(peak <= 10, `at most 10 sessions of that connection at once (saw ${peak})`);
  const grown = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  console.log(`    20,000 channel opens: ${opened} ran, ${refused} refused, heap +${grown.toFixed(1)} MiB (client and server in one process)`);
  const probe = await connectSsh(main.port);
  const exec = await openExec(probe, 'echo alive');
  assert.is(await exec.exit, 0);
  await closeClient(probe);
});

test('a client that sends `help` and never reads is dropped at maxOutputBuffer; a probe beside it is unaffected', async () => {
  const own = await start({}, { maxOutputBuffer: 256 * 1024 });
  const hog = await connectSsh(own.port, { username: 'hog' });
  const probeClient = await connectSsh(own.port, { username: 'probe' });
  try {
    const probe = await openShell(probeClient, false);
    const shell = await openShell(hog, false);
    // Never read: pause the stream, so the client stops opening its window once 2 MiB are in.
    shell.channel.removeAllListeners('data');
    shell.channel.pause();
    let sent = 0;
    // The client never sees its channel close (its data is never read): the server's list tells.
    const hogGone = () => !own.server.sessions.some((session) => session.username === 'hog');
    const rtts: number[] = [];
    const heapBefore = process.memoryUsage().heapUsed;
    for (let round = 0; round < 400 && !hogGone(); round++) {
      // ~100 KB of help output per round: the client's 2 MiB window and the cap are passed in a few
      // dozen rounds; without a cap the server would queue all of it.
      if (shell.channel.writable) shell.channel.write('help\n'.repeat(150));
      sent += 150;
      const mark = `p${round}`;
      const t0 = Date.now();
      probe.channel.write(`echo ${mark}\n`);
      await probe.waitFor(`${mark}\n`, 5000);
      rtts.push(Date.now() - t0);
    }
    assert.ok(hogGone(), `dropped after ${sent} help commands`);
    assert.match(own.log.join('\n'), /\[s\d+ 127\.0\.0\.1:\d+\] output buffer over 262144 bytes, client is not reading: dropped/);
    const grown = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    console.log(`    non-reading SSH client: dropped after ${sent} help commands; probe max RTT ${Math.max(...rtts)} ms; heap +${grown.toFixed(1)} MiB (client and server in one process)`);
    assert.ok(grown < 64, `heap grew ${grown.toFixed(1)} MiB`);
    assert.ok(Math.max(...rtts) < 2000, `probe max RTT ${Math.max(...rtts)} ms`);
    probe.channel.write('echo still-here\n');
    await probe.waitFor('still-here\n');
  } finally {
    hog.destroy();
    await closeClient(probeClient);
    await own.server.close({ timeoutMs: 2000 });
  }
});

test('maxAuthAttempts 2: wrong, wrong, right never logs in; a password already sent never reaches authCallback', async () => {
  // Counts authCallback calls: no per-address throttle between them.
  const own = await start({ maxAuthAttempts: 2 }, { loginThrottle: false });
  try {
    // One after another, as OpenSSH asks.
    const tries = ['wrong1', 'wrong2', 'pw'];
    const sequential = await connectSsh(own.port, {
      authHandler: (_methods, _partial, next) => {
        const password = tries.shift();
        if (password === undefined) return false;
        next({ type: 'password', username: 'ann', password });
        return undefined;
      },
    }).then(
      () => 'logged in',
      (err: Error) => err.message,
    );
    assert.is.not(sequential, 'logged in');
    assert.equal(own.passwords, ['wrong1', 'wrong2']);
    assert.match(own.log.join('\n'), /too many failed logins: disconnecting/);
    // All three sent at once, before any answer: the third must not reach the callback.
    own.passwords.length = 0;
    let pipelinedSent = false;
    let client: ssh2.Client | null = null;
    const pipelined = await connectSsh(own.port, {
      authHandler: (_methods, _partial, next) => {
        if (own.passwords.length > 0 || pipelinedSent) return false;
        pipelinedSent = true;
        next({ type: 'password', username: 'ann', password: 'wrong1' });
        const protocol = (client as unknown as { _protocol: { authPassword(user: string, password: string): void } })._protocol;
        protocol.authPassword('ann', 'wrong2');
        protocol.authPassword('ann', 'pw');
        return undefined;
      },
    }, (made) => (client = made)).then(
      () => 'logged in',
      (err: Error) => err.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Logged in only if the right password was one of the two checked.
    assert.ok(pipelined !== 'logged in' || own.passwords.includes('pw'), 'logged in with a password that was never checked');
    // ssh2 may let a request that arrives while one is being checked supersede the one before it, so
    // which of the later two is checked second depends on timing; never more than the limit of two.
    assert.is(own.passwords[0], 'wrong1');
    assert.ok(own.passwords.length === 2, `authCallback called ${own.passwords.length} times: ${JSON.stringify(own.passwords)}`);
  } finally {
    await own.server.close({ timeoutMs: 2000 });
  }
});
test('1,000 refused port forwardings: a few log lines, not one each; a session ended by a vanished client leaves no channel timer', async () => {
  const own = await start({ channelTimeoutMs: 300 });
  try {
    const client = await connectSsh(own.port, { username: 'tunnel' });
    // A shell first: the channel timeout (300 ms here) does not run while one is open.
    const shell = await openShell(client, false);
    const answers = await Promise.all(
      Array.from({ length: 1000 }, () => new Promise<string>((resolve) => client.forwardIn('127.0.0.1', 0, (err) => resolve(err ? 'refused' : 'accepted')))),
    );
    assert.equal(new Set(answers), new Set(['refused']));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const lines = own.log.filter((line) => line.includes('refused global request'));
    assert.ok(lines.length >= 1 && lines.length <= 4, `${lines.length} lines for 1,000 refusals`);
    assert.match(lines[0]!, /refused global request "tcpip-forward"$/);
    assert.match(lines.at(-1)!, /\(\d+ times more in the last 1 s; this was the last\)$/);
    // Then the client's TCP connection simply goes (no SSH close): the session ends and no
    // "no shell or exec requested in time" follows for a connection that is not there.
    (client as unknown as { _sock: { destroy(): void } })._sock.destroy();
    await shell.closed;
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.ok(own.log.some((line) => /session ended/.test(line)), own.log.join('\n'));
    assert.not.ok(own.log.some((line) => /no shell or exec requested in time/.test(line)), own.log.join('\n'));
  } finally {
    await own.server.close({ timeoutMs: 2000 });
  }
});

test.run();
