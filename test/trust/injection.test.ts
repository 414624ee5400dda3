// Terminal injection from one user into another's screen, and into the server log, with the
// sequences of issue 13: through `who`, `say`, SSH exec, `sessions` and the log, checked as bytes on
// the victim's socket (no ESC ] / ESC [2J / colour / BEL / 8-bit CSI or OSC of the attacker's arrive).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import ssh2 from 'ssh2';
import { Wakeups } from '../support/wakeups.js';
import { startDemo, startServer, recordingLogger, type RunningServer } from '../support/demoServer.js';
import { login } from '../support/telnetClient.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { createStderrLogger } from '../../src/logger.js';

const IAC = 255, SB = 250, SE = 240, WILL = 251, DO = 253, CHARSET = 42;
const EVIL_NAME = '\x1b]0;PWNED\x07\x1b[2J\x1b[31mroot';
const EVIL_SHOWN = '^[]0;PWNED^G^[[2J^[[31mroot';
const HOST_KEY = ssh2.utils.generateKeyPairSync('ed25519').private;

/** A victim's socket, every byte kept: the assertions look at what really arrived. */
class Victim {
  readonly bytes: number[] = [];
  readonly #socket: net.Socket;
  readonly #wakeups = new Wakeups();
  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (chunk) => {
      this.bytes.push(...chunk);
      this.#wakeups.wake();
    });
    socket.on('error', () => {});
  }

  /** Logs in as `name`; with `latin1`, agrees to CHARSET ISO-8859-1 first (8-bit C1 bytes mean CSI/OSC there). */
  static async login(port: number, name: string, { latin1 = false, password = null as string | null } = {}): Promise<Victim> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    const victim = new Victim(socket);
    if (latin1) {
      await victim.waitFor([IAC, WILL, CHARSET]);
      victim.send([IAC, DO, CHARSET]);
      await victim.waitFor([IAC, SB, CHARSET, 1]);
      victim.send([IAC, SB, CHARSET, 2, ...Buffer.from('ISO-8859-1'), IAC, SE]);
    }
    await victim.waitFor(Buffer.from('Username: '));
    victim.send([...Buffer.from(`${name}\r\n`)]);
    if (password !== null) {
      await victim.waitFor(Buffer.from('Password: '));
      victim.send([...Buffer.from(`${password}\r\n`)]);
    }
    await victim.waitFor(Buffer.from('TestServer> '));
    return victim;
  }

  send(bytes: number[]): void {
    this.#socket.write(Buffer.from(bytes));
  }

  get latin1(): string {
    return Buffer.from(this.bytes).toString('latin1');
  }

  async waitFor(needle: number[] | Buffer, from = 0, timeoutMs = 4000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = Buffer.from(this.bytes).indexOf(Buffer.from(needle), from);
      if (at >= 0) return at;
      if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(Buffer.from(needle).toString('latin1'))} in ${JSON.stringify(this.latin1.slice(from))}`);
      await this.#wakeups.next(deadline - Date.now());
    }
  }

  /** Nothing an attacker's sequence would have put on this socket is there (the editor's own ESC [ K etc. are). */
  assertClean(): void {
    const text = this.latin1;
    for (const [what, bad] of [
      ['BEL', '\x07'],
      ['8-bit CSI', '\x9b'],
      ['8-bit OSC', '\x9d'],
      ['ESC ] (OSC: window title)', '\x1b]'],
      ['ESC [2J (clear screen)', '\x1b[2J'],
      ['ESC [31m (red)', '\x1b[31m'],
    ] as const) {
      assert.is(text.indexOf(bad), -1, `${what} reached the victim: ${JSON.stringify(text)}`);
    }
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** An SSH client (ssh2's) that runs `command` as `username`; resolves with its output, or the auth error. */
function sshExec(port: number, username: string, command: string, password?: string): Promise<{ output: string; error: string | null }> {
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    let output = '';
    const done = (error: string | null) => {
      client.end();
      resolve({ output, error });
    };
    client.on('ready', () => {
      client.exec(command, (err, stream) => {
        if (err) return done(err.message);
        stream.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
        stream.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
        stream.on('close', () => done(null));
      });
    });
    client.on('error', (err) => done(err.message));
    client.connect({ host: '127.0.0.1', port, username, password, readyTimeout: 8000, tryKeyboard: false });
  });
}

async function withDemo(password: string | null, body: (demo: RunningServer, sshPort: number) => Promise<void>): Promise<void> {
  const demo = await startDemo({ password });
  const { port: sshPort } = await demo.server.listenSsh({
    host: '127.0.0.1',
    port: 0,
    hostKey: HOST_KEY,
    ...(password === null
      ? { authCallbackUsername: () => {} }
      : { authCallback: (_user: string, given: string) => { if (given !== password) throw new Error('wrong password'); } }),
  });
  try {
    await body(demo, sshPort);
  } finally {
    await demo.stop();
  }
}

/** No log line holds a raw control character: every one passed the sanitising boundary. */
function assertLogClean(log: readonly string[]): void {
  for (const line of log) {
    const message = line.split('\n')[0]!;
    assert.not.match(message, /[\u0000-\u001f\u007f-\u009f]/, `raw control character in the log: ${JSON.stringify(message)}`);
  }
}

test('the issue\'s SSH username is refused (a failed login): who shows nothing of it, the log shows it visibly', async () => {
  await withDemo(null, async (demo, sshPort) => {
    const victim = await Victim.login(demo.port, 'victim');
    const attempt = await sshExec(sshPort, EVIL_NAME, 'who');
    assert.match(attempt.error ?? '', /authentication methods failed/i, 'the login is refused');
    assert.is(demo.server.sessions.length, 1, 'no session for that name');
    const at = victim.bytes.length;
    victim.send([...Buffer.from('who\r\n')]);
    await victim.waitFor(Buffer.from('TestServer> '), at);
    assert.is(victim.latin1.slice(at).includes('PWNED'), false);
    victim.assertClean();
    const failed = demo.log.find((line) => line.includes('username refused'));
    // In quotes, controls in caret notation as in every log line (SECURITY.md); C1 would be \x9b.
    assert.ok(failed?.includes('"^[]0;PWNED^G^[[2J^[[31mroot"'), `logged visibly: ${demo.log.join('\n')}`);
    assertLogClean(demo.log);
    victim.close();
  });
});

test('a name a handler set by itself still reaches others neutralised: who and server.sessions', async () => {
  const Demo = createDemoHandler();
  class Careless extends Demo {
    override sessionStart(): void {
      // A handler that takes its user's name from somewhere unchecked (an environment variable, say).
      if (this.username === 'mallory') this.username = EVIL_NAME;
      super.sessionStart();
    }
  }
  const srv = await startServer(Careless);
  const victim = await Victim.login(srv.port, 'victim');
  const mallory = await login(srv.port, 'mallory');
  try {
    assert.ok(srv.server.sessions.some((session) => session.username === EVIL_SHOWN), 'server.sessions lists the name neutralised');
    const at = victim.bytes.length;
    victim.send([...Buffer.from('who\r\n')]);
    await victim.waitFor(Buffer.from(EVIL_SHOWN), at);
    victim.assertClean();
    // And mallory's say, prefixed with that name.
    mallory.send('say hi\r\n');
    // A name with a bracket in it is quoted, so it cannot close the tag early.
    await victim.waitFor(Buffer.from(`["${EVIL_SHOWN}"] hi`), at);
    victim.assertClean();
  } finally {
    mallory.close();
    victim.close();
    await srv.stop();
  }
});

for (const password of [null, 'sesame'] as const) {
  test(`SSH exec say with raw escapes (${password === null ? 'no password' : '--password'}): shown, not acted on`, async () => {
    await withDemo(password, async (demo, sshPort) => {
      const victim = await Victim.login(demo.port, 'victim', { password });
      const at = victim.bytes.length;
      const raw = `\x1b[2J\x1b]0;T\x07\x1b[31mred\u009b2J\u009d0;X\x07`;
      const result = await sshExec(sshPort, 'eve', `say '${raw}'`, password ?? undefined);
      assert.is(result.error, null);
      // The speaker sees what the others got. (The name in brackets is left out: exec sessions show
      // their session id there, as `username` is still null while an exec command runs.)
      const shown = '] ^[[2J^[]0;T^G^[[31mred\\x9b2J\\x9d0;X^G';
      assert.ok(result.output.includes(shown), JSON.stringify(result.output));
      await victim.waitFor(Buffer.from(shown), at);
      victim.assertClean();
      assertLogClean(demo.log);
      victim.close();
    });
  });
}

test('telnet-typed U+009B / U+009D reach a victim on ISO-8859-1 as text, never as 8-bit CSI/OSC', async () => {
  const demo = await startDemo();
  const victim = await Victim.login(demo.port, 'victim', { latin1: true });
  // One attacker in UTF-8 (C1 as two bytes each), one on ISO-8859-1 typing the raw bytes 0x9B, 0x9D.
  const utf8 = await login(demo.port, 'mallory');
  const latin = await Victim.login(demo.port, 'trudy', { latin1: true });
  try {
    const at = victim.bytes.length;
    utf8.send('say \u009b2J\u009d0;OWNED\u009c\r\n');
    await victim.waitFor(Buffer.from('[mallory] \\x9b2J\\x9d0;OWNED\\x9c', 'latin1'), at);
    latin.send([...Buffer.from('say ', 'latin1'), 0x9b, ...Buffer.from('31m', 'latin1'), 0x9d, ...Buffer.from('1;T\r\n', 'latin1')]);
    await victim.waitFor(Buffer.from('[trudy] \\x9b31m\\x9d1;T', 'latin1'), at);
    victim.assertClean();
  } finally {
    utf8.close();
    latin.close();
    victim.close();
    await demo.stop();
  }
});

test('NEW-ENVIRON never supplies a name: USER with escapes is dropped; who shows the login name only', async () => {
  const demo = await startDemo();
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(demo.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  let seen = '';
  socket.on('data', (chunk) => (seen += chunk.toString('latin1')));
  const NEW_ENVIRON = 39;
  try {
    socket.write(Buffer.from([IAC, WILL, NEW_ENVIRON, IAC, SB, NEW_ENVIRON, 0, 0, ...Buffer.from('USER'), 1, ...Buffer.from(EVIL_NAME, 'latin1'), 0, ...Buffer.from('LANG'), 1, ...Buffer.from('C'), IAC, SE]));
    const deadline = Date.now() + 4000;
    while (!seen.includes('Username: ') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    socket.write('carol\r\n');
    while (!seen.includes('TestServer> ') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(demo.server.sessions.map((session) => session.username), ['carol']);
    assert.not.ok(seen.includes('PWNED'), 'nothing of USER came back');
  } finally {
    socket.destroy();
    await demo.stop();
  }
});

test('sendTo, broadcast and disconnect neutralise; line breaks in a message stay line breaks', async () => {
  const demo = await startDemo();
  const victim = await Victim.login(demo.port, 'victim');
  try {
    const id = demo.server.sessions[0]!.id;
    let at = victim.bytes.length;
    demo.server.sendTo(id, 'one\r\ntwo\x1b[2J');
    await victim.waitFor(Buffer.from('one\r\ntwo^[[2J'), at);
    at = victim.bytes.length;
    demo.server.broadcast('\x07bell\u009b');
    await victim.waitFor(Buffer.from('^Gbell\\x9b'), at);
    demo.server.disconnect(id, 'bye\x1b]0;T\x07');
    await victim.waitFor(Buffer.from('bye^[]0;T^G'), at);
    victim.assertClean();
  } finally {
    victim.close();
    await demo.stop();
  }
});

test('telnet usernames: 64 characters pass; 65, or one control character, are refused with a reason and count as a failure', async () => {
  const demo = await startDemo();
  try {
    const ok = await login(demo.port, 'a'.repeat(64));
    ok.close();
    const client = await login(demo.port, 'a'.repeat(65), { prompt: 'Username: ' }).catch((err: unknown) => {
      throw err;
    });
    await client.waitFor('Username refused: usernames are at most 64 characters.\nLogin failed.');
    await client.waitFor(/Login failed\.\n(.|\n)*Username: /);
    const at = client.screen.length;
    client.send('x\u009b31my\r\n');
    await client.waitFor('Username refused: usernames may not contain control characters.\nLogin failed.', { from: at, timeoutMs: 6000 });
    assert.ok(demo.log.some((line) => line.endsWith('login failed for user "x\\x9b31my" (username refused: usernames may not contain control characters)')), demo.log.join('\n'));
    assert.ok(demo.log.some((line) => line.endsWith(`login failed for user "${'a'.repeat(64)}"... (65 characters) (username refused: usernames are at most 64 characters)`)), demo.log.join('\n'));
    assertLogClean(demo.log);
    client.close();
  } finally {
    await demo.stop();
  }
});

test('the stderr logger: one line per message, the error detail indented, controls shown', () => {
  const written: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    const logger = createStderrLogger('debug');
    logger.warn('user "\x1b[2J\u009b" said\nFORGED 2026 INFO admin logged in');
    logger.error('failed', new Error('bad \x1b]0;T\x07\nFORGED line'));
  } finally {
    process.stderr.write = original;
  }
  assert.is(written.length, 2);
  assert.match(written[0]!, /WARN user "\^\[\[2J\\x9b" said\^JFORGED 2026 INFO admin logged in\n$/);
  assert.is(written[0]!.split('\n').length, 2, 'one line');
  const lines = written[1]!.split('\n');
  assert.match(lines[0]!, /ERROR failed$/);
  assert.is(lines[1], '    Error: bad ^[]0;T^G');
  assert.is(lines[2], '    FORGED line', 'a line break inside the error cannot start a log line of its own');
  assert.not.match(written.join(''), /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
});

test('recordingLogger etc. given to createServer are wrapped: what reaches them is neutralised', async () => {
  const lines: string[] = [];
  const srv = await startServer(createDemoHandler(), { logger: recordingLogger(lines) });
  try {
    srv.server.logger.info('a\x1b[2Jb\u009d');
    assert.ok(lines.includes('info a^[[2Jb\\x9d'), lines.join('\n'));
  } finally {
    await srv.stop();
  }
});

test.run();
